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
import { Frames, withPath } from "./frames";
import type { Key } from "./keyPath";
import { LEAF, NONE, RECORD, enter, type Meta } from "./node";
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
 * The arrays of one pass (its frames, pending nodes and values), kept by a finished pass for the
 * next one. A model is rebuilt again and again (`unwrap` at every training step); for a small
 * model, making and growing these arrays was about a tenth of the pass. A pass started inside a
 * hook (a wrapper whose own unwrap rebuilds a tree) takes another set, or makes one. Emptied
 * before they are kept, so that no node of a finished tree stays reachable, and kept only while
 * small.
 */
interface Scratch {
  readonly frames: Frames;
  readonly pend: unknown[];
  readonly values: unknown[];
  readonly out: number[];
}

const spares: Scratch[] = [];
const MAX_SPARES = 4;
/** Longest array kept (the width and depth of the trees that are worth it). */
const MAX_SPARE_LENGTH = 4096;

function takeScratch(): Scratch {
  return spares.pop() ?? { frames: new Frames(), pend: [], values: [], out: [] };
}

function giveBack(scratch: Scratch): void {
  const { frames, pend, values } = scratch;
  if (
    spares.length >= MAX_SPARES ||
    pend.length > MAX_SPARE_LENGTH ||
    values.length > MAX_SPARE_LENGTH ||
    frames.nodes.length > MAX_SPARE_LENGTH
  ) {
    return;
  }
  pend.fill(undefined);
  values.fill(undefined);
  frames.clear();
  spares.push(scratch);
}

export function rebuildPass(
  root: unknown,
  options: ResolvedOptions,
  hooks: RebuildHooks,
  cursor?: Cursor,
): unknown {
  const { isLeaf, noneIsLeaf, registry } = options;
  const { leaf, replace, record, share, sizes } = hooks;
  const scratch = takeScratch();
  const frames = scratch.frames;
  const at = cursor ?? new Cursor();
  at.frames = frames;
  const pend = scratch.pend;
  pend[0] = root;
  const values = scratch.values;
  /** Where each frame's children's values start in `values`. */
  const out = scratch.out;
  // The frame arrays as locals: read for every node.
  const fBase = frames.base;
  const fMetas = frames.metas;
  const fNodes = frames.nodes;
  const fSlot = frames.slot;
  const depthHints = frames.hints;
  let pl = 1;
  let sp = 0;
  let leafIndex = 0;
  let preIndex = 0;
  let slot = 0;
  let size = 0;
  try {
    for (;;) {
      // Build every finished frame from its children's values (all of them once `pend` is empty).
      while (size > 0 && (fBase[size - 1] as number) >= pl) {
        const top = --size;
        const meta = fMetas[top] as Meta;
        const node = fNodes[top];
        fNodes[top] = undefined;
        // The node being built is child `slot` of frame `top - 1`: what an error in `build` names.
        slot = fSlot[top] as number;
        const start = out[top] as number;
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
      if (pl === 0) return values[0];
      const node = pend[--pl];
      let hints = depthHints;
      let h = size;
      if (size > 0) {
        const parent = fMetas[size - 1] as Meta;
        slot = (fBase[size - 1] as number) + parent.arity - 1 - pl;
        if (parent.hints !== null) {
          hints = parent.hints;
          h = slot;
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
      if (meta.kind === LEAF) values[sp++] = leaf(node, leafIndex++);
      else if (meta.kind === NONE) values[sp++] = node;
      else if (meta.arity === 0) {
        let value = share ? node : build(meta, values, sp);
        if (record !== undefined && meta.kind === RECORD) value = record(value, meta);
        values[sp++] = value;
      } else {
        out[size] = sp;
        frames.size = size;
        frames.push(node, meta, pl, slot);
        size++;
        pl += meta.arity;
      }
    }
  } catch (e) {
    throw withPath(e, () => frames.pathTo(size, slot));
  } finally {
    giveBack(scratch);
  }
}
