/**
 * The engine's flatten: one pre-order pass that collects the leaves, the metas of every node
 * (the structure) and, when asked, the key path of every leaf. Every function that reads a tree
 * is built on it (treeFlatten, treeLeaves, treeMapN, partition, treeAt's shadow, the codec).
 *
 * Pending values, not cursors: entering an internal node pushes all of its children onto `pend`
 * at once, last one first, so that popping yields leaf order; a frame per internal node remembers
 * where its children start (to know when it is finished, and for paths and the cycle check).
 *
 * @internal
 * @module
 */
import { Frames, withPath } from "./frames";
import type { Key } from "./keyPath";
import { metaEqual } from "./build";
import { LEAF, NONE, childKey, enter, type Meta, type Shape } from "./node";
import { NodeRuleError } from "./rules";
import { Walk, tooDeep, walkNode } from "./walk";
import type { ResolvedOptions } from "./options";

/**
 * What one flatten collects. `metas` and `pairs` are `null` unless asked for; `pairs` holds a
 * `[path, leaf]` pair per leaf, made as the leaf is met (what `treeFlattenWithPath` returns).
 */
export interface Flat {
  readonly leaves: unknown[];
  readonly metas: Meta[] | null;
  readonly pairs: [Key[], unknown][] | null;
}

export function flattenPass(
  root: unknown,
  options: ResolvedOptions,
  withMetas: boolean,
  withPaths: boolean,
): Flat {
  const walk = new Walk(options, withMetas, withPaths, deeper);
  try {
    walkNode(walk, root, 0, walk.depthHints, 0);
  } catch (e) {
    // A node that breaks a rule, or a cycle: the loop again from the root, which names the path.
    if (e === tooDeep || e instanceof NodeRuleError || e instanceof RangeError) {
      const again = new Walk(options, withMetas, withPaths, deeper);
      flattenLoop(root, again, 0);
      return collected(again);
    }
    throw e;
  }
  return collected(walk);
}

function collected(walk: Walk): Flat {
  return {
    leaves: walk.leaves.toArray(),
    metas: walk.metas === null ? null : walk.metas.toArray(),
    pairs: walk.pairs === null ? null : walk.pairs.toArray(),
  };
}

/**
 * Where the recursion hands over a subtree deeper than it goes: the loop carries on from `node`
 * into the same lists, so nothing walked so far is walked again. Should the subtree fail (a rule,
 * a cycle), `tooDeep` sends the whole tree through the loop, whose error names the full path.
 */
function deeper(walk: Walk, node: unknown, depth: number): void {
  try {
    flattenLoop(node, walk, depth);
  } catch {
    throw tooDeep;
  }
}

/**
 * The same pass as a loop over an explicit stack: any depth, cycles found, errors with paths.
 * It appends to the lists of `out`, for the subtree `root` at `depth` (its path is
 * `out.pathKeys[0 .. depth)`).
 */
function flattenLoop(root: unknown, out: Walk, depth: number): void {
  const { isLeaf, noneIsLeaf, registry, leaves, metas, pairs, pathKeys } = out;
  const frames = new Frames();
  // The frame arrays as locals: read for every node.
  const fBase = frames.base;
  const fMetas = frames.metas;
  const fNodes = frames.nodes;
  const depthHints = frames.hints;
  const pend: unknown[] = [root];
  let pl = 1;
  let slot = 0;
  let size = 0;
  try {
    while (pl > 0) {
      const node = pend[--pl];
      // Frames with no child left in `pend` are finished.
      while (size > 0 && (fBase[size - 1] as number) > pl) fNodes[--size] = undefined;
      let hints = depthHints;
      let at = size;
      if (size > 0) {
        const parent = fMetas[size - 1] as Meta;
        slot = (fBase[size - 1] as number) + parent.arity - 1 - pl;
        // The path so far, kept up to date only when paths are asked for (a copy per leaf).
        if (pathKeys !== null) pathKeys[depth + size - 1] = childKey(parent, slot);
        if (parent.hints !== null) {
          hints = parent.hints;
          at = slot;
        }
      }
      const meta = enter(node, isLeaf, noneIsLeaf, registry, hints, at, pend, pl);
      if (metas !== null) metas.push(meta);
      if (meta.kind === LEAF) {
        leaves.push(node);
        if (pairs !== null) pairs.push([(pathKeys as Key[]).slice(0, depth + size), node]);
      } else if (meta.kind !== NONE && meta.arity > 0) {
        frames.size = size;
        frames.push(node, meta, pl, slot);
        size++;
        pl += meta.arity;
      }
    }
  } catch (e) {
    frames.size = size;
    throw withPath(e, () => frames.pathTo(size, slot));
  }
}

/**
 * The same pass guided by a structure known beforehand (`expected`, pre-order metas, as a
 * TreeDef holds them): each node is classified as usual, with the expected object shape as the
 * guess, and compared with the expected node. Returns the leaves, or `null` at the first node that
 * differs (or breaks a rule): the caller then runs the discovering pass, which names the place.
 * Why: checking that a tree has a known structure is cheaper than discovering its structure
 * (nothing to record, no shape to look up), and `treeMapN`, `combine` and structure checks only
 * need to know whether trees match.
 */
export function readAlong(
  root: unknown,
  options: ResolvedOptions,
  expected: readonly Meta[],
): unknown[] | null {
  const { isLeaf, noneIsLeaf, registry } = options;
  const leaves: unknown[] = [];
  const guess: (Shape | undefined)[] = [undefined, undefined];
  const pend: unknown[] = [root];
  let pl = 1;
  let n = 0;
  const total = expected.length;
  try {
    while (pl > 0) {
      if (n === total) return null;
      const want = expected[n++] as Meta;
      const node = pend[--pl];
      guess[0] = want.shape;
      guess[1] = undefined;
      const meta = enter(node, isLeaf, noneIsLeaf, registry, guess, 0, pend, pl);
      if (meta !== want && !metaEqual(meta, want)) return null;
      if (meta.kind === LEAF) leaves.push(node);
      else if (meta.kind !== NONE) pl += meta.arity;
    }
  } catch (e) {
    if (e instanceof NodeRuleError) return null;
    throw e;
  }
  return n === total ? leaves : null;
}
