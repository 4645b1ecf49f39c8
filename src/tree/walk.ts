/**
 * The one traversal every pass shares: a depth-first walk in leaf order (sorted object keys) that
 * runs on an explicit stack, so a tree 100,000 levels deep is as fine as a flat one, and that
 * notices cycles instead of running forever.
 *
 * @internal
 * @module
 */
import type { Key, KeyPath } from "./keyPath";
import { describePath } from "./keyPath";
import type { ResolvedOptions } from "./options";
import {
  ARRAY,
  LEAF,
  NONE,
  OBJECT,
  arrayMeta,
  build,
  childKey,
  classifyObject,
  leafMeta,
  nullMeta,
  undefinedMeta,
  type ArrayMeta,
  type NodeMeta,
  type ObjectMeta,
  type RecordMeta,
} from "./nodes";

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
    for (let f = 0; f < this.size; f++) out[f] = childKey(this.metas[f] as InternalMeta, (this.next[f] as number) - 1);
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

/** `Frames.path` for a bare stack. */
function pathOf(metas: readonly InternalMeta[], next: readonly number[], size: number): Key[] {
  const out = new Array<Key>(size);
  for (let f = 0; f < size; f++) out[f] = childKey(metas[f] as InternalMeta, (next[f] as number) - 1);
  return out;
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

/**
 * The flatten pass, written out rather than built on `walk` because it runs at every training
 * step: no callback per node, no allocation per node but the leaf itself (object metas come from
 * the shape cache), and the key path of each leaf copied from a running key stack in one `slice`.
 * Appends to `leaves`, and to `nodes` and `paths` when they are given.
 */
export function flattenInto(
  root: unknown,
  options: ResolvedOptions,
  leaves: unknown[],
  nodes: NodeMeta[] | null,
  paths: KeyPath[] | null,
): void {
  const { isLeaf, noneIsLeaf, registry } = options;
  const stackNodes: any[] = [];
  const stackMetas: InternalMeta[] = [];
  const stackNext: number[] = [];
  const keys: Key[] = [];
  let size = 0;
  let nextCycleCheck = 1024;
  let node = root;
  for (;;) {
    const meta = classifyFast(node, isLeaf, noneIsLeaf, registry);
    if (nodes !== null) nodes.push(meta);
    if (meta.kind === LEAF) {
      leaves.push(node);
      if (paths !== null) paths.push(keys.slice(0, size));
    } else if (meta.kind !== NONE && (meta as InternalMeta).arity > 0) {
      stackNodes[size] = node;
      stackMetas[size] = meta as InternalMeta;
      stackNext[size] = 0;
      if (++size >= nextCycleCheck) {
        nextCycleCheck *= 2;
        checkCycle(stackNodes, size, () => pathOf(stackMetas, stackNext, size));
      }
    }
    for (;;) {
      const top = size - 1;
      if (top < 0) return;
      const m = stackMetas[top] as InternalMeta;
      const i = stackNext[top] as number;
      if (i < m.arity) {
        stackNext[top] = i + 1;
        const container = stackNodes[top];
        if (m.kind === ARRAY) {
          node = container[i];
          if (paths !== null) keys[top] = i;
        } else {
          const key = (m.kind === OBJECT ? m.keys[i] : m.spec.children[i]) as string;
          node = container[key];
          if (paths !== null) keys[top] = key;
        }
        break;
      }
      size = top;
      stackNodes[top] = undefined;
    }
  }
}

/**
 * The map pass: a post-order rebuild in one walk, each internal node built as soon as its last
 * child is done, with each leaf replaced by `f(leaf)` (or `f(leaf, frames)` when `withFrames`, for
 * callers that need the leaf's path).
 */
export function rebuildTree(
  root: unknown,
  options: ResolvedOptions,
  f: (leaf: any, frames: Frames) => unknown,
  withFrames: boolean,
): unknown {
  const { isLeaf, noneIsLeaf, registry } = options;
  const frames = new Frames();
  const values: unknown[] = [];
  let sp = 0;
  let node = root;
  for (;;) {
    const meta = classifyFast(node, isLeaf, noneIsLeaf, registry);
    if (meta.kind === LEAF) values[sp++] = withFrames ? f(node, frames) : (f as (leaf: unknown) => unknown)(node);
    else if (meta.kind === NONE) values[sp++] = node;
    else if ((meta as InternalMeta).arity > 0) frames.push(node, meta as InternalMeta);
    else {
      const empty = build(meta as InternalMeta, values, sp);
      values[sp++] = empty;
    }
    for (;;) {
      const top = frames.size - 1;
      if (top < 0) return values[0];
      const m = frames.metas[top] as InternalMeta;
      const i = frames.next[top] as number;
      if (i < m.arity) {
        frames.next[top] = i + 1;
        const container = frames.nodes[top];
        node =
          m.kind === ARRAY ? container[i] : container[(m.kind === OBJECT ? m.keys[i] : m.spec.children[i]) as string];
        break;
      }
      frames.size = top;
      frames.nodes[top] = undefined;
      const base = sp - m.arity;
      const value = build(m, values, base);
      for (let j = base + 1; j < sp; j++) values[j] = undefined;
      values[base] = value;
      sp = base + 1;
    }
  }
}
