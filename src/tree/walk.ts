/**
 * The iterative traversals: depth-first walks in leaf order (sorted object keys) on an explicit
 * stack, so a tree 100,000 levels deep is as fine as a flat one, and that notice cycles instead of
 * running forever. flatten and map first try the faster recursive paths of `recursive.ts`, which
 * give up past 2,000 levels and leave the call to these loops.
 *
 * @internal
 * @module
 */
import { ChunkedList } from "./chunkedList";
import type { Key, KeyPath } from "./keyPath";
import { describePath } from "./keyPath";
import type { ResolvedOptions } from "./options";
import {
  ARRAY,
  LEAF,
  NONE,
  OBJECT,
  RECORD,
  arrayMeta,
  build,
  childKey,
  classifyKeys,
  classifyObject,
  leafMeta,
  shapeMeta,
  type ShapeEntry,
  nullMeta,
  undefinedMeta,
  type ArrayMeta,
  type NodeMeta,
  type ObjectMeta,
  type RecordMeta,
} from "./nodes";
import { flattenRecursive, isTooDeep, mapRecursive } from "./recursive";

export type InternalMeta = ArrayMeta | ObjectMeta | RecordMeta;

/**
 * Frames of the explicit stack, one per internal node being visited, as parallel arrays (cheaper
 * than an object per frame).
 */
export class Frames {
  nodes: any[] = [];
  metas: InternalMeta[] = [];
  next: number[] = [];
  size = 0;
  private nextCycleCheck = 1024;

  push(node: unknown, meta: InternalMeta): void {
    const sp = this.size++;
    this.nodes[sp] = node;
    this.metas[sp] = meta;
    this.next[sp] = 0;
    if (this.size >= this.nextCycleCheck) this.checkCycle();
  }

  /** The key path of the child most recently taken from the top frame. */
  path(): Key[] {
    const out = new Array<Key>(this.size);
    for (let f = 0; f < this.size; f++)
      out[f] = childKey(this.metas[f] as InternalMeta, (this.next[f] as number) - 1);
    return out;
  }

  private checkCycle(): void {
    this.nextCycleCheck *= 2;
    checkCycle(this.nodes, this.size, () => this.path());
  }
}

/**
 * A cycle makes the stack grow without end, so it is enough to look for a repeated ancestor
 * each time the depth doubles: linear work overall, nothing at all for shallow trees.
 */
function checkCycle(nodes: readonly unknown[], size: number, path: () => Key[]): void {
  const seen = new Map<unknown, number>();
  for (let f = 0; f < size; f++) {
    const node = nodes[f];
    const first = seen.get(node);
    if (first !== undefined) {
      const p = path();
      throw new Error(
        `cyclic tree: the node at ${describePath(p.slice(0, first))} contains itself ` +
          `(it is reached again at ${describePath(p.slice(0, f))}); trees must be acyclic`,
      );
    }
    seen.set(node, f);
  }
}

/**
 * What `node` is under `options`: `classify`, written out where the hot loops can inline it
 * (null and undefined first, since the tests on `typeof` are cheaper than the option lookups).
 */
function classifyFast(
  node: unknown,
  isLeaf: ((node: unknown) => boolean) | undefined,
  noneIsLeaf: boolean,
  registry: ResolvedOptions["registry"],
): NodeMeta {
  if (isLeaf !== undefined && isLeaf(node)) return leafMeta;
  if (typeof node !== "object") return node === undefined && !noneIsLeaf ? undefinedMeta : leafMeta;
  if (node === null) return noneIsLeaf ? leafMeta : nullMeta;
  if (Array.isArray(node)) return arrayMeta(node.length);
  const proto = Object.getPrototypeOf(node);
  if (proto === Object.prototype) return classifyObject(node, false, registry);
  if (proto === null) return classifyObject(node, true, registry);
  return leafMeta;
}

/**
 * Visits every node in leaf order: `enter(node, meta, frames)` is called on each node before its
 * children (with `frames.path()` giving its path), and `leave(meta, node)` after the last child of
 * each internal node.
 */
export function walk(
  root: unknown,
  options: ResolvedOptions,
  enter: (node: unknown, meta: NodeMeta, frames: Frames) => void,
  leave?: (meta: InternalMeta, node: unknown) => void,
): void {
  const frames = new Frames();
  const { isLeaf, noneIsLeaf, registry } = options;
  let node = root;
  for (;;) {
    const meta = classifyFast(node, isLeaf, noneIsLeaf, registry);
    enter(node, meta, frames);
    if (meta.kind >= ARRAY) {
      if ((meta as InternalMeta).arity > 0) frames.push(node, meta as InternalMeta);
      else if (leave !== undefined) leave(meta as InternalMeta, node);
    }
    // Climb out of finished frames, then step into the next child.
    for (;;) {
      const top = frames.size - 1;
      if (top < 0) return;
      const meta = frames.metas[top] as InternalMeta;
      const i = frames.next[top] as number;
      if (i < meta.arity) {
        frames.next[top] = i + 1;
        const container = frames.nodes[top];
        node =
          meta.kind === ARRAY
            ? container[i]
            : meta.kind === OBJECT
              ? container[meta.keys[i] as string]
              : container[meta.spec.children[i] as string];
        break;
      }
      frames.size = top;
      if (leave !== undefined) leave(meta, frames.nodes[top]);
      frames.nodes[top] = undefined;
    }
  }
}

// -------------------------------------------------------------------------------------
// the hot loops: flatten and map
// -------------------------------------------------------------------------------------

/*
 * flattenInto and rebuildTree run at every training step, so they are written out rather than
 * built on `walk`, and shaped after what V8 does fast:
 *
 * - Pending values, not cursors: entering an internal node pushes all of its children at once
 *   onto a `pend` stack, last one first, so that popping yields leaf order. A frame per internal
 *   node remembers where its children start in `pend` (to know when it is finished, for the path
 *   of a child, for the cycle check, and for rebuilding) but is not consulted per child.
 * - Objects are read with `for...in`, which V8 serves from the shape's enum cache without
 *   allocating, and checked against a guessed shape in the same pass (see `ObjectMeta.hints`):
 *   on a hit, an object costs one `for...in` and no `Object.keys`, no hashing, no sort.
 * - No callback per node, no allocation per node but the output itself, and every meta has one
 *   hidden class.
 */

/** The shape most recently seen, per depth of the stack: the guess for a child of an array. */
type Hint = ShapeEntry | undefined;

/**
 * Pushes the children of the plain object `node` onto `pend` (first sorted child on top, at
 * `pl + n - 1`) if its own keys are exactly `entry.insertion`, in one `for...in` pass; returns
 * `false`, leaving garbage above `pl`, if they are not. An enumerable property inherited from a
 * polluted `Object.prototype` makes the count differ, so such objects take the slow path.
 */
function pushIfShape(node: any, entry: ShapeEntry, pend: unknown[], pl: number): boolean {
  const insertion = entry.insertion;
  const n = insertion.length;
  const top = pl + n - 1;
  const order = entry.order;
  let i = 0;
  if (order === null) {
    for (const k in node) {
      if (i === n || k !== insertion[i]) return false;
      pend[top - i] = node[k];
      i++;
    }
  } else {
    for (const k in node) {
      if (i === n || k !== insertion[i]) return false;
      pend[top - (order[i] as number)] = node[k];
      i++;
    }
  }
  return i === n;
}

/** Pushes `node[keys[j]]` for every j onto `pend`, `keys[0]`'s value on top. */
function pushByKeys(node: any, keys: readonly string[], pend: unknown[], pl: number): void {
  const top = pl + keys.length - 1;
  for (let j = keys.length - 1; j >= 0; j--) pend[top - j] = node[keys[j] as string];
}

/**
 * Classifies a plain object and pushes its children onto `pend` at `pl`. `hint` is the guessed
 * shape; the shape found is left in `found.entry` for the caller to remember.
 */
function enterObject(
  node: object,
  nullProto: boolean,
  registry: ResolvedOptions["registry"],
  hint: Hint,
  pend: unknown[],
  pl: number,
  found: { entry: Hint },
): ObjectMeta | RecordMeta {
  if (hint !== undefined && !hint.hasTag && pushIfShape(node, hint, pend, pl)) {
    found.entry = hint;
    return shapeMeta(hint, nullProto);
  }
  const meta = classifyKeys(node, Object.keys(node), nullProto, registry, found);
  pushByKeys(node, meta.kind === RECORD ? meta.spec.children : meta.keys, pend, pl);
  return meta;
}

/**
 * One step of the iterative passes: classifies `node`, child `slot` of frame `size - 1` (`parent`),
 * and pushes its children onto `pend` at `pl` when it has any. Object shapes guessed for the next
 * object in the same place are kept on the parent object's meta, or in `fHint[size]`.
 */
function enterPending(
  node: unknown,
  options: ResolvedOptions,
  parent: InternalMeta | undefined,
  slot: number,
  size: number,
  fHint: Hint[],
  pend: unknown[],
  pl: number,
  found: { entry: Hint },
): NodeMeta {
  if (options.isLeaf !== undefined && options.isLeaf(node)) return leafMeta;
  if (typeof node !== "object") return node === undefined && !options.noneIsLeaf ? undefinedMeta : leafMeta;
  if (node === null) return options.noneIsLeaf ? leafMeta : nullMeta;
  if (Array.isArray(node)) {
    const n = node.length;
    // Ascending positions (last child first), so that `pend` grows without holes: a hole
    // the size of a big array would turn it into a slow dictionary-backed array.
    const top = pl + n - 1;
    for (let i = n - 1; i >= 0; i--) pend[top - i] = node[i];
    return arrayMeta(n);
  }
  const proto = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== null) return leafMeta;
  const hints = parent !== undefined && parent.kind === OBJECT ? parent.hints : null;
  const hint = hints != null ? hints[slot] : fHint[size];
  const meta = enterObject(node, proto === null, options.registry, hint, pend, pl, found);
  const entry = found.entry;
  if (entry !== hint && entry !== undefined) {
    if (hints != null) hints[slot] = entry;
    else fHint[size] = entry;
  }
  return meta;
}

/** The path to the node of frame `f`: the keys from the root through frames 0 .. f-1. */
function framePath(metas: readonly InternalMeta[], slots: readonly number[], f: number): Key[] {
  const out = new Array<Key>(f);
  for (let g = 1; g <= f; g++) out[g - 1] = childKey(metas[g - 1] as InternalMeta, slots[g] as number);
  return out;
}

function checkFrames(
  nodes: readonly unknown[],
  metas: readonly InternalMeta[],
  slots: readonly number[],
  size: number,
): void {
  checkCycle(nodes, size, () => framePath(metas, slots, size - 1));
}

/** What a flatten pass collects: the leaves, and on request the pre-order metas and `[path, leaf]` pairs. */
export interface Flattened {
  readonly leaves: unknown[];
  readonly nodes: NodeMeta[] | null;
  readonly pairs: [KeyPath, unknown][] | null;
}

/**
 * The flatten pass: the leaves in order, plus the metas in pre-order when `withNodes`, and
 * `[path, leaf]` pairs instead of the bare leaves when `withPairs`.
 *
 * Tries the recursive fast path of `recursive.ts` first; on a tree deeper than its budget (or a
 * cyclic one) it throws away the partial output and redoes the call with the iterative loop below.
 */
export function flattenInto(
  root: unknown,
  options: ResolvedOptions,
  withNodes: boolean,
  withPairs: boolean,
): Flattened {
  for (let attempt = 0; ; attempt++) {
    const leaves = new ChunkedList<unknown>();
    const nodes = withNodes ? new ChunkedList<NodeMeta>() : null;
    const pairs = withPairs ? new ChunkedList<[KeyPath, unknown]>() : null;
    if (attempt === 0) {
      try {
        flattenRecursive(root, options, leaves, nodes, pairs);
      } catch (e) {
        if (!isTooDeep(e)) throw e;
        continue;
      }
    } else {
      flattenIterative(root, options, leaves, nodes, pairs);
    }
    return {
      leaves: leaves.toArray(),
      nodes: nodes === null ? null : nodes.toArray(),
      pairs: pairs === null ? null : pairs.toArray(),
    };
  }
}

/** The iterative flatten: any depth, cycles detected. */
function flattenIterative(
  root: unknown,
  options: ResolvedOptions,
  leaves: ChunkedList<unknown>,
  nodes: ChunkedList<NodeMeta> | null,
  pairs: ChunkedList<[KeyPath, unknown]> | null,
): void {
  const pend: unknown[] = [root];
  let pl = 1;
  const fNodes: unknown[] = [];
  const fMetas: InternalMeta[] = [];
  const fBase: number[] = [];
  const fSlot: number[] = [];
  const fHint: Hint[] = [];
  const keys: Key[] = [];
  const found: { entry: Hint } = { entry: undefined };
  let size = 0;
  let nextCycleCheck = 1024;
  while (pl > 0) {
    const node = pend[--pl];
    // Frames with no child left in `pend` are finished.
    while (size > 0 && (fBase[size - 1] as number) > pl) fNodes[--size] = undefined;
    // `node` is child `slot` of the top frame.
    let slot = 0;
    let parent: InternalMeta | undefined;
    if (size > 0) {
      parent = fMetas[size - 1] as InternalMeta;
      slot = (fBase[size - 1] as number) + parent.arity - 1 - pl;
      if (pairs !== null) keys[size - 1] = childKey(parent, slot);
    }
    const meta = enterPending(node, options, parent, slot, size, fHint, pend, pl, found);
    if (nodes !== null) nodes.push(meta);
    if (meta.kind === LEAF) {
      if (pairs === null) leaves.push(node);
      else pairs.push([keys.slice(0, size), node]);
    } else if (meta.kind !== NONE && (meta as InternalMeta).arity > 0) {
      fNodes[size] = node;
      fMetas[size] = meta as InternalMeta;
      fBase[size] = pl;
      fSlot[size] = slot;
      pl += (meta as InternalMeta).arity;
      if (++size >= nextCycleCheck) {
        nextCycleCheck *= 2;
        checkFrames(fNodes, fMetas, fSlot, size);
      }
    }
  }
}

/**
 * How many leaves the last `rebuildTree` mapped on the recursive path (-1 after a deep tree):
 * `treeMap` tells the program cache (see `program.ts`) without a second walk.
 */
export const lastRebuild = { leaves: -1 };

/**
 * The map pass: a post-order rebuild in one walk, each internal node built as soon as its last
 * child is done, each leaf replaced by `f(leaf)` (or `f(leaf, path)` when `withPath`, `path` being
 * a fresh array with the leaf's key path).
 *
 * Tries the recursive fast path of `recursive.ts` first; on a tree deeper than its budget (or a
 * cyclic one) it redoes the call with the iterative loop below, which reuses the results `f`
 * already gave for the leaves visited so far: `f` is called once per leaf, in leaf order, either way.
 */
export function rebuildTree(
  root: unknown,
  options: ResolvedOptions,
  f: (leaf: any, path: Key[] | undefined) => unknown,
  withPath: boolean,
): unknown {
  const done = new ChunkedList<unknown>();
  try {
    const out = mapRecursive(root, options, f, withPath, done);
    lastRebuild.leaves = done.length;
    return out;
  } catch (e) {
    if (!isTooDeep(e)) throw e;
  }
  lastRebuild.leaves = -1;
  return rebuildIterative(root, options, f, withPath, done);
}

/** The iterative map: any depth, cycles detected; leaf `i` takes `done[i]` when there is one. */
function rebuildIterative(
  root: unknown,
  options: ResolvedOptions,
  f: (leaf: any, path: Key[] | undefined) => unknown,
  withPath: boolean,
  done: ChunkedList<unknown>,
): unknown {
  let leafIndex = 0;
  const pend: unknown[] = [root];
  let pl = 1;
  const fNodes: unknown[] = [];
  const fMetas: InternalMeta[] = [];
  const fBase: number[] = [];
  const fSlot: number[] = [];
  const fOut: number[] = [];
  const fHint: Hint[] = [];
  const keys: Key[] = [];
  const found: { entry: Hint } = { entry: undefined };
  const values: unknown[] = [];
  let sp = 0;
  let size = 0;
  let nextCycleCheck = 1024;
  for (;;) {
    // Build every finished frame from its children's values (all of them once `pend` is empty).
    while (size > 0 && (fBase[size - 1] as number) >= pl) {
      const top = --size;
      fNodes[top] = undefined;
      const base = fOut[top] as number;
      const value = build(fMetas[top] as InternalMeta, values, base);
      for (let j = base + 1; j < sp; j++) values[j] = undefined;
      values[base] = value;
      sp = base + 1;
    }
    if (pl === 0) return values[0];
    const node = pend[--pl];
    let slot = 0;
    let parent: InternalMeta | undefined;
    if (size > 0) {
      parent = fMetas[size - 1] as InternalMeta;
      slot = (fBase[size - 1] as number) + parent.arity - 1 - pl;
      if (withPath) keys[size - 1] = childKey(parent, slot);
    }
    const meta = enterPending(node, options, parent, slot, size, fHint, pend, pl, found);
    if (meta.kind === LEAF) {
      values[sp++] =
        leafIndex < done.length
          ? done.get(leafIndex)
          : withPath
            ? f(node, keys.slice(0, size))
            : (f as (leaf: unknown) => unknown)(node);
      leafIndex++;
    } else if (meta.kind === NONE) values[sp++] = node;
    else if ((meta as InternalMeta).arity === 0) {
      const empty = build(meta as InternalMeta, values, sp);
      values[sp++] = empty;
    } else {
      fNodes[size] = node;
      fMetas[size] = meta as InternalMeta;
      // The frame is finished when `pend` drops back to `fBase` (its children occupy
      // pend[fBase .. fBase + arity)); the loop head tests `fBase >= pl` after the last pop.
      fBase[size] = pl;
      fSlot[size] = slot;
      fOut[size] = sp;
      pl += (meta as InternalMeta).arity;
      if (++size >= nextCycleCheck) {
        nextCycleCheck *= 2;
        checkFrames(fNodes, fMetas, fSlot, size);
      }
    }
  }
}
