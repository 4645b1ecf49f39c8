/**
 * The composition root: binds the default registry (the built-in wrappers) into the engine's tree
 * functions, whose own default is the empty registry, and makes `withOptions`, the one way to bind
 * other options. Nothing below this module names the public defaults of the tree functions.
 *
 * @module
 */
import * as flatten from "./core/flatten";
import * as map from "./core/map";
import type { TreeOptions } from "./core/options";
import type { Registry } from "./core/registry";
import * as partitioning from "./core/partition";
import * as at from "./core/treeAt";
import * as equal from "./tensor/equal";
import * as format from "./tensor/format";
import * as stack from "./tensor/stack";
import * as assigning from "./wrappers/assign";
import { withDefaultRegistry } from "./wrappers/defaultRegistry";
import { nonTrainable } from "./wrappers/nonTrainableLeaves";
import type { UnwrappedWith } from "./wrappers/types";
import * as unwrapping from "./wrappers/unwrap";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Every function that walks a tree, with some options bound: what {@link withOptions} returns.
 * Options given to a call are merged over the bound ones.
 *
 * @example
 * const T: TreeFunctions = withOptions({ noneIsLeaf: true });
 * T.treeLeaves([1, null]); // [1, null]
 */
export interface TreeFunctions<Registered extends boolean = false> {
  readonly treeFlatten: typeof flatten.treeFlatten;
  readonly treeFlattenWithPath: typeof flatten.treeFlattenWithPath;
  readonly treeLeaves: typeof flatten.treeLeaves;
  readonly treeStructure: typeof flatten.treeStructure;
  readonly treeMap: typeof map.treeMap;
  readonly treeMapWithPath: typeof map.treeMapWithPath;
  readonly treeMapN: typeof map.treeMapN;
  readonly partition: typeof partitioning.partition;
  readonly combine: typeof partitioning.combine;
  readonly treeAt: typeof at.treeAt;
  readonly treeModifyAt: typeof at.treeModifyAt;
  readonly treeAssign: typeof assigning.treeAssign;
  readonly treeEqual: typeof equal.treeEqual;
  readonly treeDifference: typeof equal.treeDifference;
  readonly treeStack: typeof stack.treeStack;
  readonly treeUnstack: typeof stack.treeUnstack;
  readonly treeFormat: typeof format.treeFormat;
  /** Typed `UnwrappedWith` when a registry is bound (it knows the tags), else as `unwrap`. */
  readonly unwrap: Registered extends true
    ? <T>(tree: T, options?: TreeOptions) => UnwrappedWith<T>
    : typeof unwrapping.unwrap;
  readonly isUnwrappable: typeof unwrapping.isUnwrappable;
  readonly containsUnwrappables: typeof unwrapping.containsUnwrappables;
  readonly nonTrainable: typeof nonTrainable;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/** `given` over `bound`; a key given as `undefined` keeps the bound value (it was not given). */
function merge(bound: TreeOptions, given: TreeOptions): TreeOptions {
  return { ...bound, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

/** `fn` with the options argument at `position` merged over `bound`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- binds functions of every signature
function bind<F extends (...args: any[]) => unknown>(fn: F, position: number, bound: TreeOptions): F {
  return ((...args: unknown[]) => {
    const given = args[position] as TreeOptions | undefined;
    // Anything but an object is left for the function to refuse, naming it.
    args[position] =
      given === undefined ? bound : typeof given === "object" && given !== null ? merge(bound, given) : given;
    return fn(...args);
  }) as F;
}

/**
 * The tree functions with `options` bound (merged over the defaults: the default registry),
 * like optree's namespaces: pass the same `isLeaf`, `noneIsLeaf` or `registry` once.
 *
 * @example
 * const T = withOptions({ isLeaf: Array.isArray });
 * T.treeLeaves({ a: [1, 2], b: 3 }); // [[1, 2], 3]
 * T.treeMap((x: unknown) => (Array.isArray(x) ? x.length : x), { a: [1, 2], b: 3 }); // { a: 2, b: 3 }
 */
export function withOptions<O extends TreeOptions>(
  options: O,
): TreeFunctions<O extends { readonly registry: Registry } ? true : false> {
  const bound = withDefaultRegistry(options);
  return Object.freeze({
    treeFlatten: bind(flatten.treeFlatten, 1, bound),
    treeFlattenWithPath: bind(flatten.treeFlattenWithPath, 1, bound),
    treeLeaves: bind(flatten.treeLeaves, 1, bound),
    treeStructure: bind(flatten.treeStructure, 1, bound),
    treeMap: bind(map.treeMap, 2, bound),
    treeMapWithPath: bind(map.treeMapWithPath, 2, bound),
    treeMapN: bind(map.treeMapN, 2, bound),
    partition: bind(partitioning.partition, 2, bound),
    combine: partitioning.combineWith(bound),
    treeAt: bind(at.treeAt, 3, bound),
    treeModifyAt: bind(at.treeModifyAt, 3, bound),
    treeAssign: bind(assigning.treeAssign, 3, bound),
    treeEqual: bind(equal.treeEqual, 2, bound),
    treeDifference: bind(equal.treeDifference, 2, bound),
    treeStack: bind(stack.treeStack, 1, bound),
    treeUnstack: bind(stack.treeUnstack, 1, bound),
    treeFormat: bind(format.treeFormat, 1, bound),
    unwrap: bind(unwrapping.unwrap, 1, bound),
    isUnwrappable: bind(unwrapping.isUnwrappable, 1, bound),
    containsUnwrappables: bind(unwrapping.containsUnwrappables, 1, bound),
    nonTrainable: bind(nonTrainable, 1, bound),
  });
}

const defaults = withOptions({});

// -------------------------------------------------------------------------------------
// the public tree functions (the engine's, with the default registry)
// -------------------------------------------------------------------------------------

/**
 * The leaves of `tree` in order, and its structure (see `core/flatten.ts`).
 *
 * @example
 * const [leaves, def] = treeFlatten({ b: 2, a: Parameterize(Math.exp, 1) });
 * leaves;         // [1, 2]
 * def.toString(); // "TreeDef({ a: Parameterize(args=[*], fn=exp), b: * })"
 */
export const treeFlatten = defaults.treeFlatten;
/**
 * {@link treeFlatten} with the key path of every leaf, in the same pass.
 *
 * @example
 * treeFlattenWithPath({ w: Parameterize(Math.exp, 0) })[0]; // [[["w", "args", 0], 0]]
 */
export const treeFlattenWithPath = defaults.treeFlattenWithPath;
/**
 * The leaves of `tree`, in order.
 *
 * @example
 * treeLeaves({ b: [2, 3], a: Parameterize(Math.exp, 1) }); // [1, 2, 3]
 */
export const treeLeaves = defaults.treeLeaves;
/**
 * The structure of `tree` alone.
 *
 * @example
 * treeStructure({ w: [0, 0] }).numLeaves; // 2
 */
export const treeStructure = defaults.treeStructure;
/**
 * Applies `f` to every leaf, keeping the structure (wrappers stay wrappers).
 *
 * @example
 * treeMap((x: number) => x * 2, { a: 1, b: Parameterize(Math.exp, 3) }).b.args; // [6]
 */
export const treeMap = defaults.treeMap;
/**
 * Applies `f(path, leaf)` to every leaf.
 *
 * @example
 * treeMapWithPath((path) => keystr(path), { a: [0] }); // { a: [".a[0]"] }
 */
export const treeMapWithPath = defaults.treeMapWithPath;
/**
 * Applies `f(leaf0, leaf1, ...)` across trees of one structure.
 *
 * @example
 * treeMapN((a: number, b: number) => a + b, [{ x: 1, y: 2 }, { y: 20, x: 10 }]); // { x: 11, y: 22 }
 */
export const treeMapN = defaults.treeMapN;
/**
 * Splits a tree in two by a filter on its leaves (equinox's `partition`).
 *
 * @example
 * partition({ a: 1, b: "x" }, (x) => typeof x === "number"); // [{ a: 1, b: null }, { a: null, b: "x" }]
 */
export const partition = defaults.partition;
/**
 * Merges trees of one structure, undoing {@link partition}.
 *
 * @example
 * combine({ a: 1, b: null }, { a: null, b: 2 }); // { a: 1, b: 2 }
 */
export const combine = defaults.combine;
/**
 * A copy of `tree` with the node(s) that `where` selects replaced (equinox's `tree_at`).
 *
 * @example
 * treeAt((m) => m.b, { a: 1, b: 2 }, 5); // { a: 1, b: 5 }
 */
export const treeAt = defaults.treeAt;
/**
 * Like {@link treeAt}, replacing each selected node by `f(node)`.
 *
 * @example
 * treeModifyAt((t) => t.lr, { lr: 0.1, steps: 3 }, (x: number) => x / 10); // { lr: 0.01, steps: 3 }
 */
export const treeModifyAt = defaults.treeModifyAt;
/**
 * Like {@link treeAt}, but a wrapper at the selected node is kept and set, through its inverse,
 * so that it unwraps to the value (see `wrappers/assign.ts`).
 *
 * @example
 * const model = { scale: Parameterize(tf.exp, tf.scalar(0)) };
 * unwrap(treeAssign((m) => m.scale, model, 4)).scale.dataSync()[0]; // ≈ 4
 */
export const treeAssign = defaults.treeAssign;
/**
 * Whether two trees have the same structure and equal leaves (tensors by value).
 *
 * @example
 * treeEqual({ a: [1, 2] }, { a: [1, 2] }); // true
 */
export const treeEqual = defaults.treeEqual;
/**
 * Where two trees first differ, or `undefined`.
 *
 * @example
 * treeDifference({ a: 1 }, { a: 2 })?.path; // ["a"]
 */
export const treeDifference = defaults.treeDifference;
/**
 * Stacks trees of one structure leaf by leaf along a new first axis.
 *
 * @example
 * const s = tf.tidy(() => treeStack([{ w: tf.scalar(1) }, { w: tf.scalar(2) }]));
 * s.w; // [1, 2]
 * tf.dispose(s.w);
 */
export const treeStack = defaults.treeStack;
/**
 * Undoes {@link treeStack}: one tree per slice along the first axis.
 *
 * @example
 * const parts = tf.tidy(() => treeUnstack({ w: tf.tensor1d([1, 2]) }));
 * parts.length; // 2
 * tf.dispose(parts.map((p) => p.w));
 */
export const treeUnstack = defaults.treeUnstack;
/**
 * A readable, multi-line rendering of a tree (see `tensor/format.ts`).
 *
 * @example
 * treeFormat({ b: null, a: Parameterize(Math.exp, 1) }); // "{ a: Parameterize(fn=exp, args=[1]), b: null }"
 */
export const treeFormat = defaults.treeFormat;
