/**
 * The one traversal every pass shares: a depth-first walk in leaf order (sorted object keys) that
 * runs on an explicit stack, so a tree 100,000 levels deep is as fine as a flat one, and that
 * notices cycles instead of running forever.
 *
 * @internal
 * @module
 */
import type { Key } from "./keyPath";
import { describePath } from "./keyPath";
import type { ResolvedOptions } from "./options";
import { classify, childKey, type ArrayMeta, type NodeMeta, type ObjectMeta, type RecordMeta, ARRAY, OBJECT } from "./nodes";

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

  /**
   * A cycle makes the stack grow without end, so it is enough to look for a repeated ancestor
   * each time the depth doubles: linear work overall, nothing at all for shallow trees.
   */
  private checkCycle(): void {
    this.nextCycleCheck *= 2;
    const seen = new Map<unknown, number>();
    for (let f = 0; f < this.size; f++) {
      const node = this.nodes[f];
      const first = seen.get(node);
      if (first !== undefined) {
        const path = this.path();
        throw new Error(
          `cyclic tree: the node at ${describePath(path.slice(0, first))} contains itself ` +
            `(it is reached again at ${describePath(path.slice(0, f))}); trees must be acyclic`,
        );
      }
      seen.set(node, f);
    }
  }
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
  let node = root;
  for (;;) {
    const meta = classify(node, options);
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
