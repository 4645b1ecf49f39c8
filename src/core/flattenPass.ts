/**
 * The engine's flatten: one pre-order pass that collects the leaves and the metas of every node
 * (the structure). Every function that reads a tree is built on it (treeFlatten, treeLeaves,
 * treeMapN, partition, treeAt's shadow, the codec). The key paths of the leaves are made
 * afterwards from the metas (`leafPairs`), not during the pass.
 *
 * Pending values, not cursors: entering an internal node pushes all of its children onto `pend`
 * at once, last one first, so that popping yields leaf order; a frame per internal node remembers
 * where its children start (to know when it is finished, and for error paths and the cycle check).
 *
 * @internal
 * @module
 */
import { Frames, withPath } from "./frames";
import type { Key } from "./keyPath";
import { metaEqual } from "./build";
import { ARRAY, LEAF, NONE, enter, type Meta, type Shape } from "./node";
import { NodeRuleError } from "./rules";
import { Walk, tooDeep, walkNode } from "./walk";
import type { ResolvedOptions } from "./options";

/** What one flatten collects. `metas` is `null` unless asked for. */
export interface Flat {
  readonly leaves: unknown[];
  readonly metas: Meta[] | null;
}

export function flattenPass(root: unknown, options: ResolvedOptions, withMetas: boolean): Flat {
  const walk = new Walk(options, withMetas, deeper);
  try {
    walkNode(walk, root, 0, walk.depthHints, 0);
  } catch (e) {
    // A node that breaks a rule, or a cycle: the loop again from the root, which names the path.
    if (e === tooDeep || e instanceof NodeRuleError || e instanceof RangeError) {
      const again = new Walk(options, withMetas, deeper);
      flattenLoop(root, again);
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
  };
}

/**
 * Where the recursion hands over a subtree deeper than it goes: the loop carries on from `node`
 * into the same lists, so nothing walked so far is walked again. Should the subtree fail (a rule,
 * a cycle), `tooDeep` sends the whole tree through the loop, whose error names the full path.
 */
function deeper(walk: Walk, node: unknown): void {
  try {
    flattenLoop(node, walk);
  } catch {
    throw tooDeep;
  }
}

/**
 * The same pass as a loop over an explicit stack: any depth, cycles found, errors with paths.
 * It appends to the lists of `out`, for the subtree `root`. Its errors name the path from `root`
 * (read from its frames), which is the full path when it runs from the tree's root, as it does
 * after any failure (`deeper`).
 */
function flattenLoop(root: unknown, out: Walk): void {
  const { isLeaf, noneIsLeaf, registry, leaves, metas } = out;
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
        if (parent.hints !== null) {
          hints = parent.hints;
          at = slot;
        }
      }
      const meta = enter(node, isLeaf, noneIsLeaf, registry, hints, at, pend, pl);
      if (metas !== null) metas.push(meta);
      if (meta.kind === LEAF) leaves.push(node);
      else if (meta.kind !== NONE && meta.arity > 0) {
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
 * The `[path, leaf]` pair of every leaf, in leaf order, from the pre-order `metas` of a flatten
 * and its `leaves` (what `treeFlattenWithPath` returns; each path a fresh array).
 *
 * Why after the pass rather than during it: keeping a running path in the walk costs a write per
 * node and a test per node in every flatten, and the flatten records the metas anyway. Here the
 * metas are read once, on an explicit stack (any depth, no recursion). The node being read stays
 * in locals; the running path holds the keys down to its parent, written once per internal node
 * and shared by all of its descendants; each leaf's path is then one array literal made of that
 * prefix and its own key.
 */
export function leafPairs(metas: readonly Meta[], leaves: readonly unknown[]): [Key[], unknown][] {
  const out = new Array<[Key[], unknown]>(leaves.length);
  const root = metas[0] as Meta;
  if (root.kind === LEAF) out[0] = [[], leaves[0]];
  if (root.kind === LEAF || root.kind === NONE || root.arity === 0) return out;
  // The node whose children are being read: its keys (`null` for an array, whose keys are the
  // indices), its arity and its next child; it is at `path[0 .. depth)`.
  let keys: readonly Key[] | null = root.kind === ARRAY ? null : root.keys;
  let arity = root.arity;
  let next = 0;
  let depth = 0;
  // The nodes above it, outermost first: the same three, with `next` past the open child.
  const aboveKeys: (readonly Key[] | null)[] = [];
  const aboveArity: number[] = [];
  const aboveNext: number[] = [];
  const path: Key[] = [];
  let n = 1;
  let k = 0;
  for (;;) {
    if (next === arity) {
      if (depth === 0) return out;
      depth--;
      keys = aboveKeys[depth] as readonly Key[] | null;
      arity = aboveArity[depth] as number;
      next = aboveNext[depth] as number;
      continue;
    }
    const key = keys === null ? next : (keys[next] as Key);
    next++;
    const meta = metas[n++] as Meta;
    const kind = meta.kind;
    if (kind === LEAF) {
      out[k] = [withKey(path, depth, key), leaves[k]];
      k++;
    } else if (kind !== NONE && meta.arity > 0) {
      path[depth] = key;
      aboveKeys[depth] = keys;
      aboveArity[depth] = arity;
      aboveNext[depth] = next;
      depth++;
      keys = kind === ARRAY ? null : meta.keys;
      arity = meta.arity;
      next = 0;
    }
  }
}

/**
 * `[...path.slice(0, n), key]`, as an array literal for the paths of most models (ResNet's have
 * up to 7 keys): a literal is allocated in place, `slice` is a call into the runtime.
 */
function withKey(path: readonly Key[], n: number, key: Key): Key[] {
  switch (n) {
    case 0:
      return [key];
    case 1:
      return [path[0] as Key, key];
    case 2:
      return [path[0] as Key, path[1] as Key, key];
    case 3:
      return [path[0] as Key, path[1] as Key, path[2] as Key, key];
    case 4:
      return [path[0] as Key, path[1] as Key, path[2] as Key, path[3] as Key, key];
    case 5:
      return [path[0] as Key, path[1] as Key, path[2] as Key, path[3] as Key, path[4] as Key, key];
    case 6:
      return [
        path[0] as Key,
        path[1] as Key,
        path[2] as Key,
        path[3] as Key,
        path[4] as Key,
        path[5] as Key,
        key,
      ];
    case 7:
      return [
        path[0] as Key,
        path[1] as Key,
        path[2] as Key,
        path[3] as Key,
        path[4] as Key,
        path[5] as Key,
        path[6] as Key,
        key,
      ];
    default: {
      const out = path.slice(0, n);
      out.push(key);
      return out;
    }
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
