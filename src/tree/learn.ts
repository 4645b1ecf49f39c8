/**
 * The general flatten with its structure shown to the program cache (see `program.ts`).
 *
 * Why a module of its own: `treeFlatten` uses it after no program accepted the tree, and
 * `treeLeaves` and `treeMap`, whose own walks build no structure, use it to let the cache see a
 * tree that seems to come back. Those callers have just tried the programs, so this must not try
 * them again (a program that nearly fits would be read twice per call, and its failures counted
 * twice).
 *
 * @internal
 * @module
 */
import type { NodeMeta } from "./nodes";
import type { ResolvedOptions } from "./options";
import { observeStructure } from "./program";
import { TreeDef } from "./treedef";
import { flattenInto } from "./walk";

/** The leaves and structure of `tree` by the general walk, the structure shown to the cache. */
export function flattenAndObserve<L>(tree: unknown, options: ResolvedOptions): [L[], TreeDef] {
  const { leaves, nodes } = flattenInto(tree, options, true, false);
  const def = new TreeDef(nodes as NodeMeta[], leaves.length);
  observeStructure(def, options);
  return [leaves as L[], def];
}
