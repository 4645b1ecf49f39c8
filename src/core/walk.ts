/**
 * The engine's flatten as a recursion: the fast way through the trees users have (a few dozen
 * levels deep at most), used by `flattenPass` before its loop. It classifies nodes by the rules of
 * `node.ts` (plain objects by their guessed shape, records and node types by `enter` itself) and
 * collects what the loop collects, in the same order.
 *
 * Why a second way through the tree: on the benchmark's ResNet trees the loop spent much of its
 * time keeping its explicit stack (frames, slots, the pending stack), which the recursion does not
 * need; `treeLeaves` got about 1.3x faster. Below `MAX_DEPTH` levels the recursion hands the
 * subtree to the loop (`deeper`), which appends to the same lists, so a tree 100,000 levels deep
 * is walked once. A node that breaks a rule, or a cycle (infinitely deep, so it ends in the loop),
 * makes the caller run the loop from the root, whose error names the key path; such a tree may see
 * `isLeaf` called twice on the nodes before the refusal.
 *
 * @internal
 * @module
 */
import { ChunkedList } from "./chunkedList";
import {
  LEAF,
  arrayMeta,
  enter,
  leafMeta,
  nullMeta,
  objectMeta,
  recordSpecOf,
  undefinedMeta,
  type Meta,
  type Shape,
} from "./node";
import { NodeRuleError, checkOrdinary } from "./rules";
import { shapeOf } from "./shape";
import type { ResolvedOptions } from "./options";

/** How deep the recursion goes before it hands the tree to the loop. */
export const MAX_DEPTH = 400;
/** Thrown when the walk must be done again by the loop (always caught by `flattenPass`). */
export const tooDeep = new Error("the recursive walk hands the tree to the loop");

/** The state of one recursive flatten (one object rather than a closure per call). */

export class Walk {
  readonly isLeaf: ((node: unknown) => boolean) | undefined;
  readonly noneIsLeaf: boolean;
  readonly registry: ResolvedOptions["registry"];
  readonly leaves = new ChunkedList<unknown>();
  readonly metas: ChunkedList<Meta> | null;
  /** Children of the objects being visited, in sorted key order: `n` slots per object from `sp`. */
  readonly pend: unknown[] = [];
  sp = 0;
  /** The shapes last seen per depth (`2 * depth`, `2 * depth + 1`): guesses for objects in arrays. */
  readonly depthHints: (Shape | undefined)[] = [];
  /** Carries on below `MAX_DEPTH` (the loop of `flattenPass.ts`, which imports this module). */
  readonly deeper: (w: Walk, node: unknown) => void;
  constructor(options: ResolvedOptions, withMetas: boolean, deeper: (w: Walk, node: unknown) => void) {
    this.deeper = deeper;
    this.isLeaf = options.isLeaf;
    this.noneIsLeaf = options.noneIsLeaf;
    this.registry = options.registry;
    this.metas = withMetas ? new ChunkedList<Meta>() : null;
  }
}

function leaf(w: Walk, node: unknown): void {
  w.leaves.push(node);
  if (w.metas !== null) w.metas.push(leafMeta);
}

/**
 * Copies the values of `obj` to `pend[base ..)` in sorted key order if its own enumerable keys are
 * exactly `shape.insertion`, in one `for...in` (no allocation); `false` otherwise.
 */
function readByShape(obj: Record<string, unknown>, shape: Shape, pend: unknown[], base: number): boolean {
  const insertion = shape.insertion;
  const order = shape.order;
  const n = insertion.length;
  let i = 0;
  for (const k in obj) {
    if (i === n || k !== insertion[i]) return false;
    pend[base + (order === null ? i : (order[i] as number))] = obj[k];
    i++;
  }
  return i === n;
}

/**
 * Checks the plain object `node` against the node rules and copies its values to `pend[base ..)`
 * in sorted key order; returns its shape, or `undefined` for a registered record (left to
 * `enter`). `hints[h]` and `hints[h + 1]` are the two shapes most recently seen at its place,
 * tried before a lookup, and updated.
 */
function readObject(
  node: object,
  registry: ResolvedOptions["registry"],
  hints: (Shape | undefined)[],
  h: number,
  pend: unknown[],
  base: number,
): Shape | undefined {
  checkOrdinary(node);
  const obj = node as Record<string, unknown>;
  const first = hints[h];
  if (first !== undefined && !first.hasTag && readByShape(obj, first, pend, base)) return first;
  const second = hints[h + 1];
  if (second !== undefined && !second.hasTag && readByShape(obj, second, pend, base)) {
    hints[h + 1] = first;
    hints[h] = second;
    return second;
  }
  if (recordSpecOf(node, registry) !== undefined) return undefined;
  const shape = shapeOf(Object.keys(node));
  hints[h + 1] = first;
  hints[h] = shape;
  const keys = shape.sorted;
  for (let j = 0; j < keys.length; j++) pend[base + j] = obj[keys[j] as string];
  return shape;
}

/**
 * Visits `node` at `depth`; `hints[h]` and `hints[h + 1]` are the two shapes most recently seen at
 * its place (its parent's shape's `hints` for a child of an object), tried before a lookup.
 */
export function walkNode(
  w: Walk,
  node: unknown,
  depth: number,
  hints: (Shape | undefined)[],
  h: number,
): void {
  if (depth === MAX_DEPTH) return w.deeper(w, node);
  if (w.isLeaf !== undefined && w.isLeaf(node)) return leaf(w, node);
  if (typeof node !== "object") {
    if (node === undefined && !w.noneIsLeaf) {
      if (w.metas !== null) w.metas.push(undefinedMeta);
      return;
    }
    return leaf(w, node);
  }
  if (node === null) {
    if (w.noneIsLeaf) return leaf(w, node);
    if (w.metas !== null) w.metas.push(nullMeta);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(node);
  // Only arrays themselves: an instance of a subclass of Array (or an array whose prototype was
  // changed) is a leaf, as any class instance, unless its class is registered.
  const isArray = Array.isArray(node);
  if (isArray && proto === Array.prototype) {
    const n = node.length;
    if (w.metas !== null) w.metas.push(arrayMeta(n, Object.isFrozen(node)));
    const dh = w.depthHints;
    const d2 = 2 * depth;
    for (let i = 0; i < n; i++) {
      const child: unknown = node[i];
      if (child === undefined && !(i in node))
        throw new NodeRuleError(`a hole at index ${i} (a sparse array)`);
      walkNode(w, child, depth + 1, dh, d2);
    }
    return;
  }
  if (isArray || (proto !== Object.prototype && proto !== null)) {
    const types = w.registry.types;
    return types.size > 0 && types.has(proto as object) ? other(w, node, depth) : leaf(w, node);
  }
  const pend = w.pend;
  const base = w.sp;
  const shape = readObject(node, w.registry, hints, h, pend, base);
  if (shape === undefined) return other(w, node, depth);
  if (w.metas !== null) w.metas.push(objectMeta(shape, proto === null, Object.isFrozen(node)));
  const n = shape.sorted.length;
  const childHints = shape.hints;
  w.sp = base + n;
  for (let j = 0; j < n; j++) {
    const child = pend[base + j];
    pend[base + j] = undefined;
    walkNode(w, child, depth + 1, childHints, 2 * j);
  }
  w.sp = base;
}

/** Records and node types: classified by `enter`, children read from its stack. */
function other(w: Walk, node: unknown, depth: number): void {
  const pend = w.pend;
  const pl = w.sp;
  const meta = enter(node, undefined, w.noneIsLeaf, w.registry, w.depthHints, depth, pend, pl);
  if (meta.kind === LEAF) return leaf(w, node);
  if (w.metas !== null) w.metas.push(meta);
  const n = meta.arity;
  const top = pl + n - 1;
  w.sp = pl + n;
  for (let j = 0; j < n; j++) {
    const child = pend[top - j];
    pend[top - j] = undefined;
    walkNode(w, child, depth + 1, w.depthHints, 2 * (depth + 1));
  }
  w.sp = pl;
}
