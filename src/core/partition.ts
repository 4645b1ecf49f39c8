/**
 * `partition` and `combine`: split a tree in two by a filter on its leaves, and put the halves
 * back together (equinox's `partition`/`combine`).
 *
 * Both halves keep the original structure; a leaf that went to the other half is a `null` hole.
 * That is what makes the idiom work: train the first half, keep the second fixed, `combine` them
 * before calling the model.
 *
 * @example
 * const model = { w: tf.ones([2]), lr: 0.1 };
 * const [params, fixed] = partition(model, (x) => x instanceof tf.Tensor);
 * params; // { w: <the tensor>, lr: null }
 * combine(params, fixed); // { w: <the tensor>, lr: 0.1 }
 *
 * @module
 */
import { describeMeta } from "./build";
import { treeFlatten } from "./flatten";
import { describePath, type KeyPath } from "./keyPath";
import { describeValue } from "./describeValue";
import { flattenAlike } from "./map";
import { ARRAY, CUSTOM, LEAF, NONE, OBJECT, RECORD, type Meta } from "./node";
import type { TreeOptions } from "./options";
import type { RecordSpec } from "./registry";
import { walkNodes, type TreeDef } from "./treedef";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A test on one leaf: `true` sends the leaf to the first half.
 *
 * @example
 * const isTensor: LeafPredicate = (x) => x instanceof tf.Tensor;
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a leaf's type is the caller's to annotate in the predicate
export type LeafPredicate = (leaf: any) => boolean;

/**
 * What `partition` splits by: a predicate applied to every leaf, or a *tree prefix* of the input
 * whose leaves are booleans or predicates, each deciding for the whole subtree at its place
 * (equinox's `filter_spec`). A bare `true`/`false` is the smallest prefix: everything or nothing.
 *
 * @example
 * const byLeaf: PartitionFilter = (x) => typeof x === "number";
 * const byPlace: PartitionFilter = { encoder: true, decoder: (x: unknown) => x instanceof tf.Tensor };
 */
export type PartitionFilter = LeafPredicate | boolean | object;

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Splits `tree` into `[kept, rest]`: `kept` holds the leaves the filter accepts, `rest` the
 * others, both with the structure of `tree` and `null` where the leaf went to the other half.
 * Records (wrappers) stay records in both halves, with `null` children where needed, so static
 * fields are never lost. `combine(kept, rest)` gives the tree back.
 *
 * `filter` is either a predicate on leaves or a tree prefix of `tree` whose leaves are booleans or
 * predicates (see {@link PartitionFilter}); a prefix that does not match the tree throws, naming
 * the key path. A predicate must return a boolean. Nothing is copied but the containers: leaves
 * (tensors included) are shared with the input, which is not modified.
 *
 * @example
 * const [nums, rest] = partition({ a: 1, b: "x", c: [2, "y"] }, (x) => typeof x === "number");
 * nums; // { a: 1, b: null, c: [2, null] }
 * rest; // { a: null, b: "x", c: [null, "y"] }
 * partition({ enc: [1, 2], dec: [3] }, { enc: true, dec: false })[0]; // { enc: [1, 2], dec: [null] }
 */
export function partition<T>(tree: T, filter: PartitionFilter, options?: TreeOptions): [T, T] {
  const [leaves, def] = treeFlatten(tree, options);
  const keep =
    typeof filter === "function"
      ? byPredicate(filter as LeafPredicate, leaves, def)
      : byPrefix(filter, leaves, def, options);
  const kept = leaves.map((x, i) => (keep[i] === true ? x : null));
  const rest = leaves.map((x, i) => (keep[i] === true ? null : x));
  return [def.unflatten(kept) as T, def.unflatten(rest) as T];
}

/**
 * Merges trees of one structure: at each place, the first value that is not a hole (`null` or
 * `undefined`); a hole when every tree has one there (`undefined` when one of them is, since
 * partition fills with `null`). It undoes {@link partition}.
 *
 * Holes count as leaves here, so the trees must have the same structure with `null` in place of
 * whole leaves; a difference throws, naming the key path and what each tree holds there. Use
 * `withOptions(options).combine` to pass tree options (for example the `isLeaf` given to
 * `partition`).
 *
 * @example
 * combine({ a: 1, b: null }, { a: null, b: 2 });       // { a: 1, b: 2 }
 * combine([null, null, 3], [1, null, 4], [9, 8, 7]);   // [1, 8, 3]
 */
export function combine<T>(...trees: readonly T[]): T {
  return combineTrees(trees, undefined);
}

/**
 * @internal {@link combine} under tree options: the same `isLeaf` or `registry` that the halves
 * were partitioned with (`noneIsLeaf` is always on, holes being leaves). Users reach it as
 * `withOptions(options).combine`.
 *
 * @example
 * const isPair = (x: unknown) => Array.isArray(x) && x.length === 2;
 * const [pairs, other] = partition({ p: [1, 2], q: 3 }, isPair, { isLeaf: isPair });
 * combineWith({ isLeaf: isPair })(pairs, other); // { p: [1, 2], q: 3 }
 */
export function combineWith(options: TreeOptions): <T>(...trees: readonly T[]) => T {
  return (...trees) => combineTrees(trees, options);
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

function combineTrees<T>(trees: readonly T[], options: TreeOptions | undefined): T {
  if (trees.length === 0) throw new TypeError("combine: expected at least one tree");
  const opts: TreeOptions = { ...options, noneIsLeaf: true };
  const [def, columns] = flattenAlike("combine", trees, opts);
  const out = columns[0] as unknown[];
  const n = out.length;
  for (let t = 1; t < columns.length; t++) {
    const leaves = columns[t] as unknown[];
    for (let i = 0; i < n; i++) {
      // A value wins over a hole; among holes, `undefined` wins over `null` (partition's filler),
      // so that a leaf that was `undefined` comes back `undefined`.
      if (out[i] == null && (leaves[i] != null || leaves[i] === undefined)) out[i] = leaves[i];
    }
  }
  return def.unflatten(out) as T;
}

function checkBoolean(value: unknown, leaf: unknown, path: () => string): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(
      `partition: the filter returned ${describeValue(value)} (not a boolean) for the leaf at ${path()}` +
        (leaf === null ? "" : ` (${describeValue(leaf)})`),
    );
  }
  return value;
}

/** The path of leaf `i` of `def`, for error messages. */
function leafPath(def: TreeDef, i: number): string {
  return describePath(def.leafPath(i));
}

function byPredicate(filter: LeafPredicate, leaves: readonly unknown[], def: TreeDef): boolean[] {
  return leaves.map((leaf, i) => checkBoolean(filter(leaf), leaf, () => leafPath(def, i)));
}

/** Same node shape for prefix matching: kind, length, keys and tag (static fields may differ). */
function sameShape(spec: Meta, node: Meta): boolean {
  switch (spec.kind) {
    case LEAF:
      return true;
    case NONE:
      return node.kind === NONE && node.value === spec.value;
    case ARRAY:
      return node.kind === ARRAY && node.arity === spec.arity;
    case OBJECT:
    case CUSTOM:
      return (
        node.kind === spec.kind &&
        node.arity === spec.arity &&
        node.spec === spec.spec &&
        spec.keys.every((k, i) => k === node.keys[i])
      );
    case RECORD:
      return node.kind === RECORD && (node.spec as RecordSpec).tag === (spec.spec as RecordSpec).tag;
  }
}

/**
 * Follows the pre-order nodes of the filter prefix alongside those of the tree. A node is either
 * governed by a prefix leaf above it (then only its leaves matter) or matched one-to-one with the
 * next prefix node: the tree's pre-order is the prefix's restricted to ungoverned nodes.
 */
function byPrefix(
  filter: unknown,
  leaves: readonly unknown[],
  def: TreeDef,
  options?: TreeOptions,
): boolean[] {
  const [specLeaves, specDef] = treeFlatten<unknown>(filter, {
    registry: options?.registry,
    isLeaf: (x) => typeof x === "boolean" || typeof x === "function",
  });
  for (const s of specLeaves) {
    if (typeof s !== "boolean" && typeof s !== "function") {
      throw new TypeError(
        `partition: the filter's leaves must be booleans or predicates, got ${describeValue(s)}`,
      );
    }
  }
  const specNodes = specDef.nodes;
  const nodes = def.nodes;
  const keep: boolean[] = [];
  let p = 0;
  let sl = 0;
  let govDepth = -1;
  let govFilter: unknown = false;
  const apply = (f: unknown, i: number, path: KeyPath): boolean =>
    typeof f === "boolean"
      ? f
      : checkBoolean((f as LeafPredicate)(leaves[i]), leaves[i], () => describePath(path));
  walkNodes(nodes, (n, path) => {
    const meta = nodes[n] as Meta;
    const depth = path.length;
    if (govDepth >= 0 && depth > govDepth) {
      if (meta.kind === LEAF) keep.push(apply(govFilter, keep.length, path));
      return;
    }
    govDepth = -1;
    const spec = specNodes[p++];
    if (spec === undefined || !sameShape(spec, meta)) {
      throw new Error(
        `partition: the filter is not a prefix of the tree: at ${describePath(path)} the filter has ` +
          `${spec === undefined ? "nothing" : describeMeta(spec)} but the tree has ${describeMeta(meta)}`,
      );
    }
    if (spec.kind !== LEAF) {
      if (meta.kind === LEAF) keep.push(false);
      return;
    }
    const f = specLeaves[sl++];
    if (meta.kind === LEAF) keep.push(apply(f, keep.length, path));
    else if (meta.kind !== NONE) {
      govDepth = depth;
      govFilter = f;
    }
  });
  return keep;
}
