/**
 * The tree as an fp-ts data type: pipeable, data-last forms of the tree functions and the
 * `Functor` / `Foldable` / `Traversable` instances over a tree's leaves (with the key path as the
 * index), so that trees compose in `pipe` like `fp-ts/ReadonlyRecord` does.
 *
 * Import it as a namespace, from the package root or from its own entry point
 * (`import * as T from "paramtree/Tree"`, the same module, as fp-ts's modules are imported):
 *
 * ```ts
 * import { pipe } from "fp-ts/function";
 * import * as E from "fp-ts/Either";
 * import { Tree as T } from "paramtree";
 *
 * pipe({ a: 1, b: [2, 3] }, T.map((x: number) => x * 10), T.leaves); // [10, 20, 30]
 * pipe(
 *   { a: 1, b: [2, -3] },
 *   T.traverseWithIndex(E.Applicative)((path, x: number) =>
 *     x >= 0 ? E.right(Math.sqrt(x)) : E.left(`negative at ${keystr(path)}`),
 *   ),
 * ); // { _tag: "Left", left: "negative at .b[1]" }
 * ```
 *
 * Every function here uses the default tree options (the built-in wrapper registry). For a custom
 * registry, `isLeaf` or `noneIsLeaf`, take the same module from `withOptions(options)`.
 *
 * **What the types can and cannot say.** At run time a leaf is anything that is not a node, and
 * whether a record is a node depends on a run-time registry, so TypeScript cannot compute "the
 * leaves of `{ w: Tensor; scale: Parameterize }`". `Tree<A>` is therefore `unknown` on input
 * (the `A` documents intent), and functions that produce a tree return `TreeOf<B>`,
 * a phantom type that remembers the leaf type so `leaves` and later steps know it. State the leaf
 * type of a raw tree with the callback's parameter type (`T.map((x: tf.Tensor) => ...)`) or with
 * `asTree<A>`; cast a `TreeOf<B>` back to your model type when you need its fields. There is no
 * `of` / `Applicative`: `of([1, 2])` would have two leaves, not one, so the laws would fail.
 *
 * **Traversal at any size.** `traverse` flattens the tree once (iteratively), traverses the flat
 * leaf array, and unflattens once: no recursion over the tree, so depth 100,000 is fine. The array
 * traversal combines effects pairwise in a balanced way (nesting log2(n) deep, linear time), so
 * that 100,000 leaves work for lazy applicatives such as `IO`, where fp-ts's own left fold
 * overflows the stack; for fp-ts's `Either`, `Option`, `Task` and `TaskEither` instances it uses
 * fp-ts's specialised array traversals.
 *
 * @module
 */
import type { Applicative, Applicative1, Applicative2, Applicative2C, Applicative3 } from "fp-ts/Applicative";
import type { Foldable1 } from "fp-ts/Foldable";
import type { FoldableWithIndex1 } from "fp-ts/FoldableWithIndex";
import type { Eq } from "fp-ts/Eq";
import type { Functor1 } from "fp-ts/Functor";
import type { FunctorWithIndex1 } from "fp-ts/FunctorWithIndex";
import type { HKT, Kind, Kind2, Kind3, URIS, URIS2, URIS3 } from "fp-ts/HKT";
import type { Monoid } from "fp-ts/Monoid";
import type { Separated } from "fp-ts/Separated";
import type { Show } from "fp-ts/Show";
import type { Traversable1 } from "fp-ts/Traversable";
import type { TraversableWithIndex1 } from "fp-ts/TraversableWithIndex";
import type { KeyPath } from "../core/keyPath";
import type { TreeOptions } from "../core/options";
import { treeFlatten, treeFlattenWithPath, treeLeaves, treeStructure } from "../core/flatten";
import { treeEqual, type TreeEqualOptions } from "../tensor/equal";
import { treeFormat, type TreeFormatOptions } from "../tensor/format";
import { treeMap, treeMapN, treeMapWithPath } from "../core/map";
import { partition as treePartition } from "../core/partition";
import { LEAF, OBJECT, type Meta } from "../core/node";
import { walkNodes, type TreeDef } from "../core/treedef";
import { emptyRegistry, lookupSpec, type Registry } from "../core/registry";
import { withDefaultRegistry } from "../wrappers/defaultRegistry";
import { traverseArrayWithIndex } from "./traverseArray";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The fp-ts URI of the tree type constructor.
 *
 * @category model
 * @example
 * URI; // "paramtree/Tree"
 */
export const URI = "paramtree/Tree";

/** @category model */
export type URI = typeof URI;

declare module "fp-ts/HKT" {
  interface URItoKind<A> {
    readonly [URI]: Tree<A>;
  }
}

declare const leafType: unique symbol;

/**
 * A tree whose leaves are known to be `A`: what the functions of this module return. The brand
 * exists only in the types (nothing is added at run time); it lets `leaves` and later steps of a
 * `pipe` know the leaf type.
 *
 * @category model
 * @example
 * const doubled: TreeOf<number> = Tree.map((x: number) => 2 * x)({ a: 1 });
 */
export interface TreeOf<A> {
  readonly [leafType]: A;
}

/**
 * A tree whose leaves are `A`, as an input type. It is `unknown` to the type checker (so a decoded
 * tree, typed `unknown`, goes straight into a pipe): TypeScript cannot tell a leaf from a node (a
 * tensor leaf and a plain-object node are both objects; whether a tagged record is a node is decided
 * by a run-time registry), so the `A` is documentation. The leaf type is checked where it can be:
 * on the callbacks, and through `TreeOf<A>` on the outputs.
 *
 * @category model
 * @example
 * const model: Tree.Tree<tf.Tensor> = { w: tf.ones([2]), layers: [] };
 */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents
export type Tree<A> = A | TreeOf<A> | unknown;

/**
 * The leaf type of a tree type: `A` for a `TreeOf<A>`, `unknown` for any other tree.
 *
 * @category model
 * @example
 * type L = LeafOf<TreeOf<number>>; // number
 */
export type LeafOf<T> = [T] extends [TreeOf<infer A>] ? A : unknown;

/**
 * The data-last traversal, with the overloads fp-ts uses so that the applicative's own type comes
 * back: `Either` for `E.Applicative`, `TaskEither` for `TE.ApplicativePar`, and so on.
 *
 * @category model
 */
export interface PipeableTraverse {
  <F extends URIS3>(
    F: Applicative3<F>,
  ): <A, R, E, B>(f: (a: A) => Kind3<F, R, E, B>) => (tree: Tree<A>) => Kind3<F, R, E, TreeOf<B>>;
  <F extends URIS2>(
    F: Applicative2<F>,
  ): <A, E, B>(f: (a: A) => Kind2<F, E, B>) => (tree: Tree<A>) => Kind2<F, E, TreeOf<B>>;
  <F extends URIS2, E>(
    F: Applicative2C<F, E>,
  ): <A, B>(f: (a: A) => Kind2<F, E, B>) => (tree: Tree<A>) => Kind2<F, E, TreeOf<B>>;
  <F extends URIS>(
    F: Applicative1<F>,
  ): <A, B>(f: (a: A) => Kind<F, B>) => (tree: Tree<A>) => Kind<F, TreeOf<B>>;
  <F>(F: Applicative<F>): <A, B>(f: (a: A) => HKT<F, B>) => (tree: Tree<A>) => HKT<F, TreeOf<B>>;
}

/**
 * The data-last traversal whose function also receives the leaf's key path.
 *
 * @category model
 */
export interface PipeableTraverseWithIndex {
  <F extends URIS3>(
    F: Applicative3<F>,
  ): <A, R, E, B>(
    f: (path: KeyPath, a: A) => Kind3<F, R, E, B>,
  ) => (tree: Tree<A>) => Kind3<F, R, E, TreeOf<B>>;
  <F extends URIS2>(
    F: Applicative2<F>,
  ): <A, E, B>(f: (path: KeyPath, a: A) => Kind2<F, E, B>) => (tree: Tree<A>) => Kind2<F, E, TreeOf<B>>;
  <F extends URIS2, E>(
    F: Applicative2C<F, E>,
  ): <A, B>(f: (path: KeyPath, a: A) => Kind2<F, E, B>) => (tree: Tree<A>) => Kind2<F, E, TreeOf<B>>;
  <F extends URIS>(
    F: Applicative1<F>,
  ): <A, B>(f: (path: KeyPath, a: A) => Kind<F, B>) => (tree: Tree<A>) => Kind<F, TreeOf<B>>;
  <F>(
    F: Applicative<F>,
  ): <A, B>(f: (path: KeyPath, a: A) => HKT<F, B>) => (tree: Tree<A>) => HKT<F, TreeOf<B>>;
}

/**
 * The data-last sequence: a tree of effects to one effect of a tree.
 *
 * @category model
 */
export interface PipeableSequence {
  <F extends URIS3>(
    F: Applicative3<F>,
  ): <R, E, A>(tree: Tree<Kind3<F, R, E, A>>) => Kind3<F, R, E, TreeOf<A>>;
  <F extends URIS2>(F: Applicative2<F>): <E, A>(tree: Tree<Kind2<F, E, A>>) => Kind2<F, E, TreeOf<A>>;
  <F extends URIS2, E>(F: Applicative2C<F, E>): <A>(tree: Tree<Kind2<F, E, A>>) => Kind2<F, E, TreeOf<A>>;
  <F extends URIS>(F: Applicative1<F>): <A>(tree: Tree<Kind<F, A>>) => Kind<F, TreeOf<A>>;
  <F>(F: Applicative<F>): <A>(tree: Tree<HKT<F, A>>) => HKT<F, TreeOf<A>>;
}

/**
 * Everything this module exports that depends on the tree options, bound to one set of options:
 * what `withOptions` returns.
 *
 * @category model
 */
export interface TreeModule {
  readonly options: TreeOptions;
  readonly map: <A, B>(f: (a: A) => B) => (tree: Tree<A>) => TreeOf<B>;
  readonly mapWithIndex: <A, B>(f: (path: KeyPath, a: A) => B) => (tree: Tree<A>) => TreeOf<B>;
  readonly zipWith: <A, B, C>(that: Tree<B>, f: (a: A, b: B) => C) => (self: Tree<A>) => TreeOf<C>;
  readonly filter: {
    <A, B extends A>(refinement: (a: A) => a is B): (tree: Tree<A>) => TreeOf<B>;
    <A>(predicate: (a: A) => boolean): (tree: Tree<A>) => TreeOf<A>;
  };
  readonly partition: {
    <A, B extends A>(refinement: (a: A) => a is B): (tree: Tree<A>) => Separated<TreeOf<A>, TreeOf<B>>;
    <A>(predicate: (a: A) => boolean): (tree: Tree<A>) => Separated<TreeOf<A>, TreeOf<A>>;
  };
  readonly reduce: <A, B>(b: B, f: (b: B, a: A) => B) => (tree: Tree<A>) => B;
  readonly reduceWithIndex: <A, B>(b: B, f: (path: KeyPath, b: B, a: A) => B) => (tree: Tree<A>) => B;
  readonly reduceRight: <A, B>(b: B, f: (a: A, b: B) => B) => (tree: Tree<A>) => B;
  readonly reduceRightWithIndex: <A, B>(b: B, f: (path: KeyPath, a: A, b: B) => B) => (tree: Tree<A>) => B;
  readonly foldMap: <M>(M: Monoid<M>) => <A>(f: (a: A) => M) => (tree: Tree<A>) => M;
  readonly foldMapWithIndex: <M>(M: Monoid<M>) => <A>(f: (path: KeyPath, a: A) => M) => (tree: Tree<A>) => M;
  readonly traverse: PipeableTraverse;
  readonly traverseWithIndex: PipeableTraverseWithIndex;
  readonly sequence: PipeableSequence;
  readonly leaves: <T>(tree: T) => LeafOf<T>[];
  readonly leavesWithIndex: <T>(tree: T) => [KeyPath, LeafOf<T>][];
  readonly size: (tree: unknown) => number;
  readonly structure: (tree: unknown) => TreeDef;
  readonly getEq: <A>(leafEqOrOptions?: Eq<A> | TreeEqualOptions) => Eq<Tree<A>>;
  readonly Functor: Functor1<URI>;
  readonly FunctorWithIndex: FunctorWithIndex1<URI, KeyPath>;
  readonly Foldable: Foldable1<URI>;
  readonly FoldableWithIndex: FoldableWithIndex1<URI, KeyPath>;
  readonly Traversable: Traversable1<URI>;
  readonly TraversableWithIndex: TraversableWithIndex1<URI, KeyPath>;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * States the leaf type of a tree (an unchecked assertion, the identity at run time), so that
 * `leaves` and the steps after it are typed.
 *
 * @category constructors
 * @example
 * const xs: number[] = pipe({ a: 1, b: [2] }, Tree.asTree<number>, Tree.leaves); // [1, 2]
 */
export function asTree<A>(tree: unknown): TreeOf<A> {
  return tree as TreeOf<A>;
}

/**
 * The module bound to `options` (a custom registry, `isLeaf`, `noneIsLeaf`): the same functions
 * and instances as the top-level ones, which use the defaults.
 *
 * @category constructors
 * @example
 * const T = Tree.withOptions({ isLeaf: Array.isArray });
 * pipe({ a: [1, 2], b: [3] }, T.map((xs: number[]) => xs.length), T.leaves); // [2, 1]
 */
export function withOptions(given: TreeOptions): TreeModule {
  const options = withDefaultRegistry(given);
  const map =
    <A, B>(f: (a: A) => B) =>
    (tree: Tree<A>): TreeOf<B> =>
      treeMap(f, tree, options) as TreeOf<B>;

  const mapWithIndex =
    <A, B>(f: (path: KeyPath, a: A) => B) =>
    (tree: Tree<A>): TreeOf<B> =>
      treeMapWithPath(f, tree, options) as TreeOf<B>;

  const zipWith =
    <A, B, C>(that: Tree<B>, f: (a: A, b: B) => C) =>
    (self: Tree<A>): TreeOf<C> =>
      treeMapN((a: A, b: B) => f(a, b), [self, that], options) as TreeOf<C>;

  const partition = (<A>(predicate: (a: A) => boolean) =>
    (tree: Tree<A>): Separated<TreeOf<A>, TreeOf<A>> => {
      const [kept, rest] = treePartition(tree, (leaf) => predicate(leaf as A), options);
      return { left: rest as TreeOf<A>, right: kept as TreeOf<A> };
    }) as TreeModule["partition"];

  const filter = (<A>(predicate: (a: A) => boolean) =>
    (tree: Tree<A>): TreeOf<A> =>
      treePartition(tree, (leaf) => predicate(leaf as A), options)[0] as TreeOf<A>) as TreeModule["filter"];

  const reduce =
    <A, B>(b: B, f: (b: B, a: A) => B) =>
    (tree: Tree<A>): B => {
      const leaves = treeLeaves<A>(tree, options);
      let acc = b;
      for (let i = 0; i < leaves.length; i++) acc = f(acc, leaves[i] as A);
      return acc;
    };

  const reduceWithIndex =
    <A, B>(b: B, f: (path: KeyPath, b: B, a: A) => B) =>
    (tree: Tree<A>): B => {
      const [pairs] = treeFlattenWithPath<A>(tree, options);
      let acc = b;
      for (const [path, a] of pairs) acc = f(path, acc, a);
      return acc;
    };

  const reduceRight =
    <A, B>(b: B, f: (a: A, b: B) => B) =>
    (tree: Tree<A>): B => {
      const leaves = treeLeaves<A>(tree, options);
      let acc = b;
      for (let i = leaves.length - 1; i >= 0; i--) acc = f(leaves[i] as A, acc);
      return acc;
    };

  const reduceRightWithIndex =
    <A, B>(b: B, f: (path: KeyPath, a: A, b: B) => B) =>
    (tree: Tree<A>): B => {
      const [pairs] = treeFlattenWithPath<A>(tree, options);
      let acc = b;
      for (let i = pairs.length - 1; i >= 0; i--) {
        const [path, a] = pairs[i] as [KeyPath, A];
        acc = f(path, a, acc);
      }
      return acc;
    };

  const foldMap =
    <M>(M: Monoid<M>) =>
    <A>(f: (a: A) => M) =>
      reduce<A, M>(M.empty, (m, a) => M.concat(m, f(a)));

  const foldMapWithIndex =
    <M>(M: Monoid<M>) =>
    <A>(f: (path: KeyPath, a: A) => M) =>
      reduceWithIndex<A, M>(M.empty, (path, m, a) => M.concat(m, f(path, a)));

  // Flatten once, traverse the flat leaf array (balanced, see traverseArray.ts), unflatten once:
  // no recursion over the user's tree, whatever its depth.
  const traverseWithIndex = (<F>(F: Applicative<F>) =>
    <A, B>(f: (path: KeyPath, a: A) => HKT<F, B>) =>
    (tree: Tree<A>): HKT<F, TreeOf<B>> => {
      const [pairs, def] = treeFlattenWithPath<A>(tree, options);
      const traversed = traverseArrayWithIndex(F)(pairs, (_, [path, a]) => f(path, a));
      return F.map(traversed, (bs) => def.unflatten(bs) as TreeOf<B>);
    }) as PipeableTraverseWithIndex;

  const traverse = (<F>(F: Applicative<F>) =>
    <A, B>(f: (a: A) => HKT<F, B>) =>
    (tree: Tree<A>): HKT<F, TreeOf<B>> => {
      const [leaves, def] = treeFlatten<A>(tree, options);
      const traversed = traverseArrayWithIndex(F)(leaves, (_, a) => f(a));
      return F.map(traversed, (bs) => def.unflatten(bs) as TreeOf<B>);
    }) as PipeableTraverse;

  // A tree of effects holds `O.some(1)` or `E.left(e)`: plain objects that the tree layer would
  // otherwise walk into (leaves "Some" and 1). `sequence` takes exactly fp-ts's tagged values as
  // leaves; any other tagged object is a node, as everywhere else.
  const registry = options.registry ?? emptyRegistry;
  const userIsLeaf = options.isLeaf;
  const effectOptions: TreeOptions = {
    ...options,
    isLeaf: (node) => (userIsLeaf !== undefined && userIsLeaf(node)) || isFpTsValue(registry, node),
  };
  const sequenceWith = (<F>(F: Applicative<F>) =>
    (tree: unknown): HKT<F, unknown> => {
      const [effects, def] = treeFlatten<HKT<F, unknown>>(tree, effectOptions);
      // The `_tag` of a tagged object walked as a node is its tag, not an effect: it comes back as it is.
      for (const i of objectTagLeaves(def.nodes)) {
        const tag: unknown = effects[i];
        if (typeof tag === "string") effects[i] = F.of(tag);
      }
      return F.map(
        traverseArrayWithIndex(F)(effects, (_, fa) => fa),
        (bs) => def.unflatten(bs),
      );
    }) as (F: Applicative<unknown>) => (tree: unknown) => HKT<unknown, unknown>;
  const sequence = sequenceWith as PipeableSequence;

  const leaves = <T>(tree: T): LeafOf<T>[] => treeLeaves<LeafOf<T>>(tree, options);

  const leavesWithIndex = <T>(tree: T): [KeyPath, LeafOf<T>][] =>
    treeFlattenWithPath<LeafOf<T>>(tree, options)[0];

  const size = (tree: unknown): number => treeLeaves(tree, options).length;

  const structure = (tree: unknown): TreeDef => treeStructure(tree, options);

  const getEq = <A>(leafEqOrOptions?: Eq<A> | TreeEqualOptions): Eq<Tree<A>> => {
    if (leafEqOrOptions !== undefined && typeof (leafEqOrOptions as Eq<A>).equals === "function") {
      const E = leafEqOrOptions as Eq<A>;
      return {
        // No `x === y` shortcut: a tree the other functions refuse (a hole, a cycle) is refused
        // here too, at its path, even compared with itself.
        equals: (x, y) => {
          const [xs, dx] = treeFlatten<A>(x, options);
          const [ys, dy] = treeFlatten<A>(y, options);
          if (!dx.equals(dy)) return false;
          for (let i = 0; i < xs.length; i++) if (!E.equals(xs[i] as A, ys[i] as A)) return false;
          return true;
        },
      };
    }
    const equalOptions: TreeEqualOptions = {
      ...options,
      ...(leafEqOrOptions as TreeEqualOptions | undefined),
    };
    return { equals: (x, y) => treeEqual(x, y, equalOptions) };
  };

  const Functor: Functor1<URI> = { URI, map: (fa, f) => map(f)(fa) };
  const FunctorWithIndex: FunctorWithIndex1<URI, KeyPath> = {
    ...Functor,
    mapWithIndex: (fa, f) => mapWithIndex(f)(fa),
  };
  const Foldable: Foldable1<URI> = {
    URI,
    reduce: (fa, b, f) => reduce(b, f)(fa),
    foldMap: (M) => (fa, f) => foldMap(M)(f)(fa),
    reduceRight: (fa, b, f) => reduceRight(b, f)(fa),
  };
  const FoldableWithIndex: FoldableWithIndex1<URI, KeyPath> = {
    ...Foldable,
    reduceWithIndex: (fa, b, f) => reduceWithIndex(b, f)(fa),
    foldMapWithIndex: (M) => (fa, f) => foldMapWithIndex(M)(f)(fa),
    reduceRightWithIndex: (fa, b, f) => reduceRightWithIndex(b, f)(fa),
  };
  const Traversable: Traversable1<URI> = {
    ...Functor,
    ...Foldable,
    traverse:
      <F>(F: Applicative<F>) =>
      <A, B>(ta: Tree<A>, f: (a: A) => HKT<F, B>) =>
        traverse(F)(f)(ta),
    sequence: sequenceWith,
  };
  const TraversableWithIndex: TraversableWithIndex1<URI, KeyPath> = {
    ...FunctorWithIndex,
    ...FoldableWithIndex,
    traverse: Traversable.traverse,
    sequence: Traversable.sequence,
    traverseWithIndex:
      <F>(F: Applicative<F>) =>
      <A, B>(ta: Tree<A>, f: (path: KeyPath, a: A) => HKT<F, B>) =>
        traverseWithIndex(F)(f)(ta),
  };

  return Object.freeze({
    options,
    map,
    mapWithIndex,
    zipWith,
    filter,
    partition,
    reduce,
    reduceWithIndex,
    reduceRight,
    reduceRightWithIndex,
    foldMap,
    foldMapWithIndex,
    traverse,
    traverseWithIndex,
    sequence,
    leaves,
    leavesWithIndex,
    size,
    structure,
    getEq,
    Functor,
    FunctorWithIndex,
    Foldable,
    FoldableWithIndex,
    Traversable,
    TraversableWithIndex,
  });
}

/** The fields besides `_tag` of fp-ts's tagged values, by tag: `Option`, `Either` and `These`. */
const fpTsFields: ReadonlyMap<string, readonly string[]> = new Map([
  ["None", []],
  ["Some", ["value"]],
  ["Left", ["left"]],
  ["Right", ["right"]],
  ["Both", ["left", "right"]],
]);

// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever used with .call
const isEnumerable = Object.prototype.propertyIsEnumerable;

/** An own enumerable data property of `node` (a getter is not run, and is not one). */
function isDataField(node: object, key: string): boolean {
  const d = Object.getOwnPropertyDescriptor(node, key);
  return d !== undefined && d.enumerable === true && d.get === undefined && d.set === undefined;
}

/**
 * An fp-ts `Option`, `Either` or `These` value, taken as a leaf by `sequence`: a plain object whose
 * enumerable properties are exactly `_tag` and that tag's fields, own data properties, and whose
 * tag is not a registered record. Only the shape fp-ts builds is taken, so an ordinary tagged
 * object (`{ _tag: "Config", lr }`) stays a node; and no getter is run: an object that breaks the
 * node rules is not an fp-ts value, so the walk refuses it at its path. A hidden (non-enumerable
 * or symbol-keyed) extra property is not looked for: fp-ts never adds one, and such an object,
 * taken as a leaf, is handed to the applicative as it is, never walked.
 */
function isFpTsValue(registry: Registry, node: unknown): boolean {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return false;
  if (!isEnumerable.call(node, "_tag")) return false;
  const proto: unknown = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== null) return false;
  // Counting keys with `for...in` allocates nothing and runs no getter; descriptors (the costly
  // part) are read only for objects small enough to be one of these values.
  let count = 0;
  for (const _ in node) if (++count > 3) return false;
  const tagField = Object.getOwnPropertyDescriptor(node, "_tag") as PropertyDescriptor;
  if (tagField.get !== undefined || tagField.set !== undefined || typeof tagField.value !== "string")
    return false;
  const fields = fpTsFields.get(tagField.value);
  if (fields === undefined || count !== fields.length + 1) return false;
  for (let i = 0; i < fields.length; i++) if (!isDataField(node, fields[i] as string)) return false;
  return lookupSpec(registry, node) === undefined;
}

/**
 * The leaf indices of the `_tag` fields of plain-object nodes (kind OBJECT; a record's `_tag` is
 * not a child), from the pre-order nodes of a structure.
 */
function objectTagLeaves(nodes: readonly Meta[]): number[] {
  const out: number[] = [];
  if (!nodes.some((m) => m.kind === OBJECT && m.keys.includes("_tag"))) return out;
  let leaf = 0;
  walkNodes(nodes, (n, path, parent) => {
    if ((nodes[n] as Meta).kind !== LEAF) return;
    if (parent?.kind === OBJECT && path[path.length - 1] === "_tag") out.push(leaf);
    leaf++;
  });
  return out;
}

const defaults = withOptions({});

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Applies `f` to every leaf, keeping the structure (data-last `treeMap`).
 *
 * @category combinators
 * @example
 * pipe({ a: 1, b: [2, 3] }, Tree.map((x: number) => x * 2)); // { a: 2, b: [4, 6] }
 */
export const map: TreeModule["map"] = defaults.map;

/**
 * Applies `f(path, leaf)` to every leaf, `path` being the leaf's key path (data-last
 * `treeMapWithPath`).
 *
 * @category combinators
 * @example
 * pipe({ w: [0, 0] }, Tree.mapWithIndex((path, _x: number) => keystr(path))); // { w: [".w[0]", ".w[1]"] }
 */
export const mapWithIndex: TreeModule["mapWithIndex"] = defaults.mapWithIndex;

/**
 * Combines the leaves of two trees of one structure, `f(selfLeaf, thatLeaf)`; throws, naming the
 * first key path where the structures differ, when they do (data-last `treeMapN`).
 *
 * @category combinators
 * @example
 * const params = { w: tf.tensor([1, 2]) };
 * const grads = { w: tf.tensor([0.5, 0.5]) };
 * pipe(params, Tree.zipWith(grads, (p: tf.Tensor, g: tf.Tensor) => tf.sub(p, tf.mul(0.1, g))));
 */
export const zipWith: TreeModule["zipWith"] = defaults.zipWith;

/**
 * Keeps the leaves that satisfy `predicate` and puts `null` in place of the others, keeping the
 * structure (equinox's `filter`; `partition` from the tree layer). `null` is an empty node, so the
 * result's leaves are exactly the kept ones; `combine` puts the halves back together.
 *
 * @category filtering
 * @example
 * const isNumber = (x: unknown): x is number => typeof x === "number";
 * pipe({ a: 1, b: "x", c: [2, "y"] }, Tree.filter(isNumber)); // { a: 1, b: null, c: [2, null] }
 * pipe({ a: 1, b: "x", c: [2, "y"] }, Tree.filter(isNumber), Tree.leaves); // [1, 2]
 */
export const filter: TreeModule["filter"] = defaults.filter;

/**
 * Splits the leaves by `predicate` into two trees of the same structure, `null` where a leaf went
 * to the other side: fp-ts's `Separated`, `right` for the leaves that satisfy the predicate and
 * `left` for the others.
 *
 * @category filtering
 * @example
 * const { left, right } = pipe({ w: tf.ones([2]), lr: 0.1 }, Tree.partition((x: unknown) => x instanceof tf.Tensor));
 * left;                  // { w: null, lr: 0.1 }
 * combine(right, left);  // { w: tf.ones([2]), lr: 0.1 }
 */
export const partition: TreeModule["partition"] = defaults.partition;

// -------------------------------------------------------------------------------------
// folding
// -------------------------------------------------------------------------------------

/**
 * Folds the leaves left to right, in leaf order (sorted object keys).
 *
 * @category folding
 * @example
 * pipe({ b: 2, a: 1 }, Tree.reduce("", (s, x: number) => s + x)); // "12"
 */
export const reduce: TreeModule["reduce"] = defaults.reduce;

/**
 * Folds the leaves left to right with their key paths.
 *
 * @category folding
 * @example
 * pipe({ a: 1, b: [2] }, Tree.reduceWithIndex([] as string[], (path, acc, _x) => [...acc, keystr(path)])); // [".a", ".b[0]"]
 */
export const reduceWithIndex: TreeModule["reduceWithIndex"] = defaults.reduceWithIndex;

/**
 * Folds the leaves right to left.
 *
 * @category folding
 * @example
 * pipe([1, [2, 3]], Tree.reduceRight("", (x: number, s) => s + x)); // "321"
 */
export const reduceRight: TreeModule["reduceRight"] = defaults.reduceRight;

/**
 * Folds the leaves right to left with their key paths.
 *
 * @category folding
 * @example
 * pipe({ a: 1, b: 2 }, Tree.reduceRightWithIndex("", (path, _x, s) => s + keystr(path))); // ".b.a"
 */
export const reduceRightWithIndex: TreeModule["reduceRightWithIndex"] = defaults.reduceRightWithIndex;

/**
 * Maps every leaf into a monoid and combines the results in leaf order.
 *
 * @category folding
 * @example
 * import * as N from "fp-ts/number";
 * pipe({ a: 1, b: [2, 3] }, Tree.foldMap(N.MonoidSum)((x: number) => x * x)); // 14
 */
export const foldMap: TreeModule["foldMap"] = defaults.foldMap;

/**
 * Maps every leaf and its key path into a monoid and combines the results in leaf order.
 *
 * @category folding
 * @example
 * import * as S from "fp-ts/string";
 * pipe({ a: 1, b: 2 }, Tree.foldMapWithIndex(S.Monoid)((path, x: number) => `${keystr(path)}=${x};`)); // ".a=1;.b=2;"
 */
export const foldMapWithIndex: TreeModule["foldMapWithIndex"] = defaults.foldMapWithIndex;

// -------------------------------------------------------------------------------------
// traversing
// -------------------------------------------------------------------------------------

/**
 * Runs an effect per leaf, in leaf order, and collects the results into one effect of a tree of
 * the same structure: `E.Applicative` validates every leaf (first failure wins),
 * `E.getApplicativeValidation(semigroup)` collects all failures, `TE.ApplicativePar` runs async
 * work per leaf concurrently. Works on trees of any depth and on 100,000 leaves.
 *
 * @category traversing
 * @example
 * import * as E from "fp-ts/Either";
 * const positive = (x: number) => (x > 0 ? E.right(x) : E.left(`not positive: ${x}`));
 * pipe({ a: 1, b: [2] }, Tree.traverse(E.Applicative)(positive)); // E.right({ a: 1, b: [2] })
 * pipe({ a: 1, b: [-2] }, Tree.traverse(E.Applicative)(positive)); // E.left("not positive: -2")
 */
export const traverse: PipeableTraverse = defaults.traverse;

/**
 * Like `traverse`, with the leaf's key path, so that an error can say where.
 *
 * @category traversing
 * @example
 * import * as E from "fp-ts/Either";
 * pipe(
 *   { a: 1, b: [NaN] },
 *   Tree.traverseWithIndex(E.Applicative)((path, x: number) =>
 *     Number.isFinite(x) ? E.right(x) : E.left(`not finite at ${keystr(path)}`),
 *   ),
 * ); // E.left("not finite at .b[0]")
 */
export const traverseWithIndex: PipeableTraverseWithIndex = defaults.traverseWithIndex;

/**
 * Turns a tree of effects into an effect of a tree. fp-ts's tagged values (`Option`, `Either`,
 * `These`: exactly the plain objects fp-ts builds, `{ _tag: "Some", value }` and so on, with a tag
 * that is not a registered record) are taken as leaves, where the other functions of this module
 * would walk into them as objects. Any other tagged object is a node, as everywhere else, and its
 * `_tag` comes back as it is.
 *
 * @category traversing
 * @example
 * import * as O from "fp-ts/Option";
 * pipe({ a: O.some(1), b: [O.some(2)] }, Tree.sequence(O.Applicative)); // O.some({ a: 1, b: [2] })
 * pipe({ a: O.some(1), b: [O.none] }, Tree.sequence(O.Applicative));    // O.none
 * pipe({ cfg: { _tag: "Config", lr: O.some(0.1) } }, Tree.sequence(O.Applicative)); // O.some({ cfg: { _tag: "Config", lr: 0.1 } })
 */
export const sequence: PipeableSequence = defaults.sequence;

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The leaves, in leaf order (`treeLeaves`).
 *
 * @category utils
 * @example
 * pipe({ b: [2, 3], a: 1 }, Tree.map((x: number) => x + 1), Tree.leaves); // [2, 3, 4]
 */
export const leaves: TreeModule["leaves"] = defaults.leaves;

/**
 * The `[keyPath, leaf]` pairs, in leaf order (`treeFlattenWithPath`).
 *
 * @category utils
 * @example
 * Tree.leavesWithIndex({ a: [7] }); // [[["a", 0], 7]]
 */
export const leavesWithIndex: TreeModule["leavesWithIndex"] = defaults.leavesWithIndex;

/**
 * The number of leaves.
 *
 * @category utils
 * @example
 * Tree.size({ a: [1, 2], b: null }); // 2
 */
export const size: TreeModule["size"] = defaults.size;

/**
 * The structure (`treeStructure`).
 *
 * @category utils
 * @example
 * Tree.structure({ w: [0, 0] }).toString(); // "TreeDef({ w: [*, *] })"
 */
export const structure: TreeModule["structure"] = defaults.structure;

// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------

/**
 * An `Eq` for trees: same structure (as `TreeDef.equals`) and equal leaves. Given an `Eq` for the
 * leaves, leaves are compared with it, in leaf order; given `treeEqual`'s options (or nothing),
 * it is `treeEqual`: tensors by shape, dtype and values, numbers within `atol + rtol * |b|`.
 *
 * Lawful (reflexive, symmetric, transitive) with exact comparison and no `NaN` leaves; with
 * tolerances it is an approximate equality, not transitive (as numpy's `allclose`), and `NaN`
 * is unequal to itself unless `equalNan` is set.
 *
 * @category instances
 * @example
 * import * as N from "fp-ts/number";
 * Tree.getEq().equals({ w: tf.tensor([1, 2]) }, { w: tf.tensor([1, 2]) }); // true
 * Tree.getEq({ atol: 1e-3 }).equals([1], [1.0001]);                         // true
 * Tree.getEq(N.Eq).equals({ a: 1, b: [2] }, { b: [2], a: 1 });              // true
 */
export const getEq: TreeModule["getEq"] = defaults.getEq;

/**
 * A `Show` for trees, built on `treeFormat` (tensors as `float32[3,4]`, wrappers by tag, long
 * containers broken over lines).
 *
 * @category instances
 * @example
 * Tree.getShow().show({ w: tf.zeros([3, 4]), b: null }); // "{ b: null, w: float32[3,4] }"
 */
export function getShow<A = unknown>(options?: TreeFormatOptions): Show<Tree<A>> {
  return { show: (tree) => treeFormat(tree, options) };
}

/**
 * @category instances
 * @example
 * Tree.Functor.map({ a: 1 }, (x: number) => x + 1); // { a: 2 }
 */
export const Functor: Functor1<URI> = defaults.Functor;

/**
 * @category instances
 * @example
 * Tree.FunctorWithIndex.mapWithIndex({ a: 1 }, (path, x: number) => `${keystr(path)}:${x}`); // { a: ".a:1" }
 */
export const FunctorWithIndex: FunctorWithIndex1<URI, KeyPath> = defaults.FunctorWithIndex;

/**
 * @category instances
 * @example
 * Tree.Foldable.reduce([1, [2]], 0, (b, a: number) => b + a); // 3
 */
export const Foldable: Foldable1<URI> = defaults.Foldable;

/**
 * @category instances
 * @example
 * Tree.FoldableWithIndex.reduceWithIndex({ a: 1 }, "", (path, s, _x) => s + keystr(path)); // ".a"
 */
export const FoldableWithIndex: FoldableWithIndex1<URI, KeyPath> = defaults.FoldableWithIndex;

/**
 * @category instances
 * @example
 * import * as O from "fp-ts/Option";
 * Tree.Traversable.traverse(O.Applicative)([1, 2], (x: number) => O.some(x * 2)); // O.some([2, 4])
 */
export const Traversable: Traversable1<URI> = defaults.Traversable;

/**
 * @category instances
 * @example
 * import * as O from "fp-ts/Option";
 * Tree.TraversableWithIndex.traverseWithIndex(O.Applicative)({ a: 1 }, (path, x: number) => O.some(keystr(path))); // O.some({ a: ".a" })
 */
export const TraversableWithIndex: TraversableWithIndex1<URI, KeyPath> = defaults.TraversableWithIndex;
