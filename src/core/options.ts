/**
 * The options every function that walks a tree takes (as optree's: learn them once, know them all).
 *
 * @module
 */
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

/** @internal */
export function resolveOptions(options: TreeOptions | undefined): ResolvedOptions {
  if (options === undefined) return noOptions;
  return {
    isLeaf: options.isLeaf,
    noneIsLeaf: options.noneIsLeaf === true,
    registry: options.registry ?? emptyRegistry,
  };
}
