/**
 * The engine's rebuild: one post-order pass that makes a new tree from an old one, each internal
 * node built as soon as its last child is done. Every function that makes a tree from a tree is
 * built on it (treeMap, unwrap, treeAt, nonTrainable, the codec's encoder).
 *
 * The caller says what happens at leaves (`leaf`), may replace whole subtrees before they are
 * visited (`replace`, pre-order) and may turn each rebuilt record into something else (`record`,
 * post-order: how `unwrap` is a few lines). With `share`, a node whose children all come back as
 * the very same values is returned as is, so untouched subtrees are shared with the input.
 *
 * @internal
 * @module
 */
import { build, buildIfChanged } from "./build";
import { giveBack, takeScratch, withPath, type Frames } from "./frames";
import type { Key } from "./keyPath";
import { LEAF, NONE, RECORD, enter, nullMeta, type Meta, type Shape } from "./node";
import type { ResolvedOptions } from "./options";

/** `replace`'s answer when the node is to be visited as usual. */
export const VISIT: unique symbol = Symbol("visit");

export interface RebuildHooks {
  /** The new value of leaf number `index` (in leaf order). */
  readonly leaf: (leaf: unknown, index: number) => unknown;
  /**
   * Before a node is visited (pre-order index `index`): a value to use instead, or `VISIT`. A
   * replaced subtree is not visited; `sizes[index]` (nodes in the subtree at pre-order index
   * `index`) keeps the indices of the nodes after it right. Leaf indices are then meaningless.
   */
  readonly replace?: ((node: unknown, meta: Meta, index: number) => unknown) | undefined;
  readonly sizes?: readonly number[] | undefined;
  /** After a record is rebuilt from its new children: its final value. */
  readonly record?: ((record: unknown, meta: Meta) => unknown) | undefined;
  /** Return nodes whose children did not change as they are. */
  readonly share: boolean;
}

/**
 * The pass's position, for hooks that need the key path of the node they are called on (errors,
 * `treeMapWithPath`): `path()` is valid during a hook call.
 */
export class Cursor {
  frames: Frames | undefined;
  size = 0;
  slot = 0;
  path(): Key[] {
    return this.frames === undefined ? [] : this.frames.pathTo(this.size, this.slot);
  }
}

/**
 * How deep the recursive rebuild goes before it hands the subtree to the loop. Trees users have are
 * a few dozen levels deep; the loop takes any depth. Kept well under the flatten's limit
 * (`walk.ts`): a rebuild's hooks may start passes of their own (a wrapper's unwrap), each with
 * its own recursion on the same call stack.
 */
export const MAX_REBUILD_DEPTH = 128;

/** The state of one pass (one object rather than a closure per call). */
class Pass {
  leafIndex = 0;
  /** The top of `pend` (children of the nodes being visited) and of `values` (their new values). */
  sp = 0;
  vp = 0;
  /** Whether a subtree went to the loop (which leaves frames to clear). */
  deep = false;
  constructor(
    readonly isLeaf: ((node: unknown) => boolean) | undefined,
    readonly noneIsLeaf: boolean,
    readonly registry: ResolvedOptions["registry"],
    readonly hooks: RebuildHooks,
    readonly at: Cursor,
    readonly frames: Frames,
    readonly pend: unknown[],
    readonly values: unknown[],
    readonly out: number[],
  ) {}
}

/**
 * Rebuilds `root` with `hooks` (see {@link RebuildHooks}); `cursor`, when given, follows the pass
 * for the hooks. Without `replace`, the tree is rebuilt by a recursion (see `rebuild`), which
 * hands subtrees deeper than `MAX_REBUILD_DEPTH` to the loop; with it, by the loop alone.
 */
export function rebuildPass(
  root: unknown,
  options: ResolvedOptions,
  hooks: RebuildHooks,
  cursor?: Cursor,
): unknown {
  const scratch = takeScratch();
  const frames = scratch.frames;
  const at = cursor ?? new Cursor();
  at.frames = frames;
  const { isLeaf, noneIsLeaf, registry } = options;
  const pass = new Pass(
    isLeaf,
    noneIsLeaf,
    registry,
    hooks,
    at,
    frames,
    scratch.pend,
    scratch.values,
    scratch.out,
  );
  let done = false;
  try {
    const out =
      hooks.replace === undefined
        ? rebuild(pass, root, 0, 0, frames.hints, 0)
        : loop(pass, root, 0, 0, frames.hints, 0);
    done = true;
    return out;
  } catch (e) {
    throw withPath(e, () => frames.pathTo(at.size, at.slot));
  } finally {
    // The recursion empties what it used as it goes; the loop and a failed pass leave arrays to clear.
    giveBack(scratch, done && !pass.deep);
  }
}

/**
 * The recursion: the new value of `node`, at depth `depth`, child `slot` of its parent;
 * `hints[2 * h]` and `hints[2 * h + 1]` are the shapes last seen at its place (as in the loop).
 * Each internal node is written to the frames (node, meta, slot, records above), so that the
 * cursor, a rule's path, the cycle check and the loop below see what the loop alone would.
 */
function rebuild(
  pass: Pass,
  node: unknown,
  depth: number,
  slot: number,
  hints: (Shape | undefined)[],
  h: number,
): unknown {
  const at = pass.at;
  at.size = depth;
  at.slot = slot;
  if (depth === MAX_REBUILD_DEPTH) {
    pass.deep = true;
    return loop(pass, node, depth, slot, hints, h);
  }
  const pend = pass.pend;
  const pl = pass.sp;
  const meta = enter(node, pass.isLeaf, pass.noneIsLeaf, pass.registry, hints, h, pend, pl);
  const kind = meta.kind;
  const hooks = pass.hooks;
  if (kind === LEAF) return hooks.leaf(node, pass.leafIndex++);
  if (kind === NONE) return node;
  const n = meta.arity;
  let value: unknown;
  if (n === 0) value = hooks.share ? node : build(meta, pass.values, 0);
  else {
    const frames = pass.frames;
    frames.nodes[depth] = node;
    frames.metas[depth] = meta;
    frames.slot[depth] = slot;
    frames.records[depth] =
      (depth === 0 ? 0 : (frames.records[depth - 1] as number)) + (kind === RECORD ? 1 : 0);
    const top = pl + n - 1;
    pass.sp = pl + n;
    const values = pass.values;
    const start = pass.vp;
    pass.vp = start + n;
    // A child of an object is guessed from its parent's shape's hints, any other from its depth's.
    const objectHints = meta.hints;
    // Whether every child comes back as the very value the classifier read (then `node` is kept).
    let same = hooks.share;
    for (let j = 0; j < n; j++) {
      const child = pend[top - j];
      pend[top - j] = undefined;
      const v =
        objectHints !== null
          ? rebuild(pass, child, depth + 1, j, objectHints, j)
          : rebuild(pass, child, depth + 1, j, frames.hints, depth + 1);
      if (same && !Object.is(v, child)) same = false;
      values[start + j] = v;
    }
    pass.sp = pl;
    value = same ? node : build(meta, values, start);
    for (let j = start; j < start + n; j++) values[j] = undefined;
    pass.vp = start;
    // Nothing of this tree stays reachable from the spare frames (a record's meta holds the record).
    frames.nodes[depth] = undefined;
    frames.metas[depth] = nullMeta;
  }
  const record = hooks.record;
  if (record !== undefined && kind === RECORD) {
    at.size = depth;
    at.slot = slot;
    value = record(value, meta);
  }
  return value;
}

/**
 * The loop: rebuilds `root`, child `rootSlot` of the frame `floor - 1` (the root of the tree when
 * `floor` is 0), with an explicit stack pushed on top of the frames `0 .. floor` already there,
 * so a tree of any depth is fine and paths and the cycle check see the whole way down.
 */
function loop(
  pass: Pass,
  root: unknown,
  floor: number,
  rootSlot: number,
  rootHints: (Shape | undefined)[],
  rootH: number,
): unknown {
  const { isLeaf, noneIsLeaf, registry, hooks, at, frames } = pass;
  const { leaf, replace, record, share, sizes } = hooks;
  // Its own pending nodes and values: the recursion's are in use below it.
  const scratch = floor === 0 ? undefined : takeScratch();
  const pend = scratch === undefined ? pass.pend : scratch.pend;
  pend[0] = root;
  const values = scratch === undefined ? pass.values : scratch.values;
  /** Where each frame's children's values start in `values` (by frame, from `floor`). */
  const out = scratch === undefined ? pass.out : scratch.out;
  // The frame arrays as locals: read for every node.
  const fBase = frames.base;
  const fMetas = frames.metas;
  const fNodes = frames.nodes;
  const fSlot = frames.slot;
  const depthHints = frames.hints;
  let pl = 1;
  let sp = 0;
  let preIndex = 0;
  let slot = rootSlot;
  let size = floor;
  frames.size = floor;
  try {
    for (;;) {
      // Build every finished frame from its children's values (all of them once `pend` is empty).
      while (size > floor && (fBase[size - 1] as number) >= pl) {
        const top = --size;
        const meta = fMetas[top] as Meta;
        const node = fNodes[top];
        fNodes[top] = undefined;
        const start = out[top - floor] as number;
        let value = share ? buildIfChanged(meta, node, values, start) : build(meta, values, start);
        if (record !== undefined && meta.kind === RECORD) {
          at.size = top;
          at.slot = fSlot[top] as number;
          value = record(value, meta);
        }
        for (let j = start + 1; j < sp; j++) values[j] = undefined;
        values[start] = value;
        sp = start + 1;
      }
      if (pl === 0) {
        const value = values[0];
        values[0] = undefined;
        return value;
      }
      const node = pend[--pl];
      let hints = rootHints;
      let h = rootH;
      if (size > floor) {
        const parent = fMetas[size - 1] as Meta;
        slot = (fBase[size - 1] as number) + parent.arity - 1 - pl;
        if (parent.hints !== null) {
          hints = parent.hints;
          h = slot;
        } else {
          hints = depthHints;
          h = size;
        }
      }
      at.size = size;
      at.slot = slot;
      const meta = enter(node, isLeaf, noneIsLeaf, registry, hints, h, pend, pl);
      if (replace !== undefined) {
        const index = preIndex++;
        const instead = replace(node, meta, index);
        if (instead !== VISIT) {
          // Skip the node: its children were pushed above `pl`, and are overwritten unvisited.
          values[sp++] = instead;
          preIndex = index + (sizes === undefined ? 1 : (sizes[index] as number));
          continue;
        }
      }
      if (meta.kind === LEAF) values[sp++] = leaf(node, pass.leafIndex++);
      else if (meta.kind === NONE) values[sp++] = node;
      else if (meta.arity === 0) {
        let value = share ? node : build(meta, values, sp);
        if (record !== undefined && meta.kind === RECORD) value = record(value, meta);
        values[sp++] = value;
      } else {
        out[size - floor] = sp;
        frames.size = size;
        frames.push(node, meta, pl, slot);
        size++;
        pl += meta.arity;
      }
    }
  } finally {
    if (scratch !== undefined) giveBack(scratch, false);
  }
}
