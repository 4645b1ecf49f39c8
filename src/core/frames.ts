/**
 * The explicit stack shared by the engine's two passes (flatten and rebuild): one frame per
 * internal node being visited, as parallel arrays (cheaper than an object per frame). Both passes
 * are loops, never recursion, so a tree 100,000 levels deep is as fine as a flat one; a cycle
 * makes the stack grow without end, which `checkCycle` notices.
 *
 * @internal
 * @module
 */
import { describePath, type Key } from "./keyPath";
import { RECORD, childKey, type Meta, type Shape } from "./node";
import { NodeRuleError, NodeTypeError } from "./rules";

export class Frames {
  /** The node of each frame (cleared when the frame ends, so nothing is kept alive). */
  readonly nodes: unknown[] = [];
  readonly metas: Meta[] = [];
  /** Where the frame's children start in the pass's pending stack. */
  readonly base: number[] = [];
  /** Which child of its parent the frame's node is. */
  readonly slot: number[] = [];
  /** How many frames `0 .. f` are registered records (so a hook can tell "inside a record" in O(1)). */
  readonly records: number[] = [];
  /** The shape last seen per depth: the guess for the next object child of an array. */
  readonly hints: (Shape | undefined)[] = [];
  size = 0;
  private nextCycleCheck = 1024;

  push(node: unknown, meta: Meta, base: number, slot: number): void {
    const f = this.size++;
    this.nodes[f] = node;
    this.metas[f] = meta;
    this.base[f] = base;
    this.slot[f] = slot;
    this.records[f] = (f === 0 ? 0 : (this.records[f - 1] as number)) + (meta.kind === RECORD ? 1 : 0);
    if (this.size >= this.nextCycleCheck) {
      this.nextCycleCheck *= 2;
      this.checkCycle();
    }
  }

  /**
   * Empties the frames for another pass (see `rebuildPass.ts`'s spare arrays): no node or meta of
   * a finished tree stays reachable. The depth hints stay (shapes, guesses that are checked).
   */
  clear(): void {
    this.nodes.fill(undefined);
    this.metas.length = 0;
    this.size = 0;
    this.nextCycleCheck = 1024;
  }

  /** The key path of child `slot` of the frame `size - 1` (the root's path when `size` is 0). */
  pathTo(size: number, slot: number): Key[] {
    const out = new Array<Key>(size);
    for (let g = 0; g < size; g++) {
      out[g] = childKey(this.metas[g] as Meta, g === size - 1 ? slot : (this.slot[g + 1] as number));
    }
    return out;
  }

  /**
   * Looks for a node that is its own ancestor. Run each time the depth doubles: linear work
   * overall, nothing at all for shallow trees.
   */
  private checkCycle(): void {
    const seen = new Map<unknown, number>();
    for (let f = 0; f < this.size; f++) {
      const node = this.nodes[f];
      const first = seen.get(node);
      if (first !== undefined) {
        const outer = describePath(this.pathTo(first, this.slot[first] as number));
        const inner = describePath(this.pathTo(f, this.slot[f] as number));
        throw new Error(
          `cyclic tree: the node at ${outer} contains itself (it is reached again at ${inner}); trees must be acyclic`,
        );
      }
      seen.set(node, f);
    }
  }
}

/** Adds the path to a node rule's complaint (see `node.ts`); rethrows anything else. */
export function withPath(e: unknown, path: () => Key[]): unknown {
  if (e instanceof NodeTypeError)
    return new TypeError(`the node at ${describePath(path())}: ${e.message}`, { cause: e.cause });
  if (!(e instanceof NodeRuleError)) return e;
  return new TypeError(
    `the node at ${describePath(path())} has ${e.message}: trees hold own enumerable data properties ` +
      `only (make such a value a leaf with \`isLeaf\`, or register its class with \`registerNodeType\`)`,
  );
}
