/**
 * The options every tree function takes (as optree does: learn them once, know them all).
 *
 * @module
 */
import type { Registry } from "./registry";
import { defaultRegistry } from "../wrappers/defaultRegistry";

/**
 * Options shared by every tree function.
 *
 * - `isLeaf(node)`: asked first at every node; `true` makes the node a leaf, whatever it is.
 * - `noneIsLeaf`: treat `null` and `undefined` as leaves instead of empty nodes (as optree's
 *   `none_is_leaf`).
 * - `registry`: which tagged records are nodes; `defaultRegistry` (the built-in wrappers) when
 *   omitted.
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

/** @internal */
export function resolveOptions(options: TreeOptions | undefined): ResolvedOptions {
  return {
    isLeaf: options?.isLeaf,
    noneIsLeaf: options?.noneIsLeaf === true,
    registry: options?.registry ?? defaultRegistry,
  };
}
