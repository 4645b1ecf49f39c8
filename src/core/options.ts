/**
 * The options every function that walks a tree takes (as optree's: learn them once, know them all).
 *
 * @module
 */
import { describeValue } from "./describeValue";
import { emptyRegistry, type Registry } from "./registry";

/**
 * Options shared by every function that walks a tree.
 *
 * - `isLeaf(node)`: asked first at every node; `true` makes the node a leaf, whatever it is.
 * - `noneIsLeaf`: treat `null` and `undefined` as leaves instead of empty nodes (as optree's
 *   `none_is_leaf`).
 * - `registry`: which tagged records and classes are nodes. The functions of the root entry
 *   default to `defaultRegistry` (the built-in wrappers); the engine's own (`paramtree/core`) to
 *   `emptyRegistry`.
 *
 * @example
 * treeLeaves({ a: [1, 2], b: null }, { noneIsLeaf: true }); // [1, 2, null]
 * treeLeaves({ a: [1, 2] }, { isLeaf: Array.isArray });    // [[1, 2]]
 */
export interface TreeOptions {
  readonly isLeaf?: ((node: unknown) => boolean) | undefined;
  readonly noneIsLeaf?: boolean | undefined;
  readonly registry?: Registry | undefined;
}

/** @internal Options with their defaults filled in. */
export interface ResolvedOptions {
  readonly isLeaf: ((node: unknown) => boolean) | undefined;
  readonly noneIsLeaf: boolean;
  readonly registry: Registry;
}

const noOptions: ResolvedOptions = Object.freeze({
  isLeaf: undefined,
  noneIsLeaf: false,
  registry: emptyRegistry,
});

/**
 * @internal The options with their defaults; a TypeError naming the option when one has the
 * wrong type (JavaScript callers, or a cast), before it could fail deep inside a walk.
 */
export function resolveOptions(options: TreeOptions | undefined): ResolvedOptions {
  if (options === undefined) return noOptions;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `tree options must be an object ({ isLeaf?, noneIsLeaf?, registry? }), got ${describeValue(options)}`,
    );
  }
  const { isLeaf, noneIsLeaf, registry } = options;
  if (isLeaf !== undefined && typeof isLeaf !== "function") {
    throw new TypeError(`tree options: isLeaf must be a function, got ${describeValue(isLeaf)}`);
  }
  if (noneIsLeaf !== undefined && typeof noneIsLeaf !== "boolean") {
    throw new TypeError(`tree options: noneIsLeaf must be true or false, got ${describeValue(noneIsLeaf)}`);
  }
  if (registry !== undefined && !isRegistry(registry)) {
    throw new TypeError(
      `tree options: registry must be a registry (emptyRegistry, defaultRegistry, or what registerWrapper / registerNodeType return), got ${describeValue(registry)}`,
    );
  }
  return { isLeaf, noneIsLeaf: noneIsLeaf === true, registry: registry ?? emptyRegistry };
}

function isRegistry(x: unknown): x is Registry {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Partial<Registry>;
  return r._tag === "Registry" && r.specs instanceof Map && r.types instanceof Map;
}
