/**
 * Recursive fast paths for flatten and map, with a depth budget.
 *
 * Why two traversals: V8 runs a plain recursive walk several times faster than the explicit-stack
 * loops of `walk.ts` (arguments and locals stay in registers, no parallel frame arrays to keep),
 * and real trees are a few dozen levels deep. But recursion overflows the call stack on a tree
 * 100,000 levels deep, and never ends on a cyclic one. So these functions recurse only up to
 * `DEPTH_BUDGET` levels; past it (or on a stack overflow) they throw `TooDeep`, and the caller
 * abandons the partial result and redoes the whole call with the iterative path, which handles
 * any depth and reports cycles. Both paths classify nodes with the same helpers from `nodes.ts`
 * and produce identical output.
 *
 * @internal
 * @module
 */
import type { ChunkedList } from "./chunkedList";
import type { Key, KeyPath } from "./keyPath";
import {
  ARRAY,
  LEAF,
  NONE,
  OBJECT,
  RECORD,
  metaEqual,
  arrayMeta,
  build,
  classifyKeys,
  keysAre,
  leafMeta,
  nullMeta,
  shapeMeta,
  undefinedMeta,
  type NodeMeta,
  type ObjectMeta,
  type RecordMeta,
  type ShapeEntry,
} from "./nodes";
import type { ResolvedOptions } from "./options";

/** Levels of recursion before giving up to the iterative path (far below V8's stack limit). */
export const DEPTH_BUDGET = 2000;

/**
 * Thrown (always this one instance, made once: no stack trace captured per throw) when the
 * recursive path gives up. Never escapes to the user.
 */
export const TOO_DEEP = new Error(
  "paramtree: tree deeper than the recursion budget (internal, never escapes)",
);

/** Whether `e` means "redo iteratively": the budget was exceeded or the call stack overflowed. */
export function isTooDeep(e: unknown): boolean {
  return e === TOO_DEEP || (e instanceof RangeError && /call stack/i.test(e.message));
}

type Hint = ShapeEntry | undefined;

/**
 * Whether the own enumerable keys of `node` are exactly `entry.insertion`, in one `for...in`
 * (served from V8's enum cache, no allocation). An enumerable property inherited from a polluted
 * `Object.prototype` makes the count differ, so such objects take the slow path.
 */
function hasShape(node: object, entry: ShapeEntry): boolean {
  return keysAre(node, entry.insertion);
}

/**
 * Classifies the plain object `node`, trying the guessed shape `hint` first. The shape found is
 * left in `found.entry`.
 */
export function classifyPlain(
  node: object,
  nullProto: boolean,
  registry: ResolvedOptions["registry"],
  hint: Hint,
  found: { entry: Hint },
): ObjectMeta | RecordMeta {
  if (hint !== undefined && !hint.hasTag && hasShape(node, hint)) {
    found.entry = hint;
    return shapeMeta(hint, nullProto);
  }
  return classifyKeys(node, Object.keys(node), nullProto, registry, found);
}

/**
 * Classifies the plain object `node` like `classifyPlain` and writes its children, in visiting
 * order, to `values[base .. base + arity)`. On a guessed shape the values are read in the same
 * `for...in` that checks the keys (enum-cache loads, much cheaper than keyed loads by name).
 */
function gatherChildren(
  node: object,
  nullProto: boolean,
  registry: ResolvedOptions["registry"],
  hint: Hint,
  found: { entry: Hint },
  values: unknown[],
  base: number,
): ObjectMeta | RecordMeta {
  if (hint !== undefined && !hint.hasTag) {
    const insertion = hint.insertion;
    const order = hint.order;
    const n = insertion.length;
    let i = 0;
    let same = true;
    for (const k in node) {
      if (i === n || k !== insertion[i]) {
        same = false;
        break;
      }
      values[base + (order === null ? i : (order[i] as number))] = (node as Record<string, unknown>)[k];
      i++;
    }
    if (same && i === n) {
      found.entry = hint;
      return shapeMeta(hint, nullProto);
    }
  }
  const meta = classifyKeys(node, Object.keys(node), nullProto, registry, found);
  const keys = meta.kind === OBJECT ? meta.keys : meta.spec.children;
  for (let j = 0; j < keys.length; j++)
    values[base + j] = (node as Record<string, unknown>)[keys[j] as string];
  return meta;
}

// -------------------------------------------------------------------------------------
// flatten
// -------------------------------------------------------------------------------------

/**
 * `keys.slice(0, depth)`. Real paths are a few keys long, and for those an array literal is the
 * cheapest copy (V8 allocates it inline; `slice` is a builtin call, `new Array(n)` with a variable
 * `n` a runtime one). In `npm run bench`, flatten with paths went from 1.37-1.38x to 1.32-1.33x
 * plain flatten on ResNet152 and from 1.29x to 1.25x on ResNet18 (three runs before, two after):
 * small, but the same in every run.
 */
export function copyPath(k: readonly Key[], depth: number): Key[] {
  switch (depth) {
    case 0:
      return [];
    case 1:
      return [k[0] as Key];
    case 2:
      return [k[0] as Key, k[1] as Key];
    case 3:
      return [k[0] as Key, k[1] as Key, k[2] as Key];
    case 4:
      return [k[0] as Key, k[1] as Key, k[2] as Key, k[3] as Key];
    case 5:
      return [k[0] as Key, k[1] as Key, k[2] as Key, k[3] as Key, k[4] as Key];
    case 6:
      return [k[0] as Key, k[1] as Key, k[2] as Key, k[3] as Key, k[4] as Key, k[5] as Key];
    case 7:
      return [k[0] as Key, k[1] as Key, k[2] as Key, k[3] as Key, k[4] as Key, k[5] as Key, k[6] as Key];
    case 8:
      return [
        k[0] as Key,
        k[1] as Key,
        k[2] as Key,
        k[3] as Key,
        k[4] as Key,
        k[5] as Key,
        k[6] as Key,
        k[7] as Key,
      ];
    default: {
      const path = new Array<Key>(depth);
      for (let i = 0; i < depth; i++) path[i] = k[i] as Key;
      return path;
    }
  }
}

/** The state of one recursive flatten (one object, so the recursion passes one pointer). */
interface FlattenState {
  readonly isLeaf: ((node: unknown) => boolean) | undefined;
  readonly noneIsLeaf: boolean;
  readonly registry: ResolvedOptions["registry"];
  readonly leaves: ChunkedList<unknown>;
  readonly nodes: ChunkedList<NodeMeta> | null;
  readonly pairs: ChunkedList<[KeyPath, unknown]> | null;
  /** The key path of the current node (`keys[0 .. depth)`), kept only when `pairs` is wanted. */
  readonly keys: Key[];
  readonly found: { entry: Hint };
  /** Scratch stack of gathered children, and its top. */
  readonly values: unknown[];
  sp: number;
}

/**
 * The recursive flatten: same output as `flattenInto` (leaves, pre-order metas, `[path, leaf]`
 * pairs) or throws `TOO_DEEP` past the depth budget, leaving partial output behind.
 */
export function flattenRecursive(
  root: unknown,
  options: ResolvedOptions,
  leaves: ChunkedList<unknown>,
  nodes: ChunkedList<NodeMeta> | null,
  pairs: ChunkedList<[KeyPath, unknown]> | null,
): void {
  const state: FlattenState = {
    isLeaf: options.isLeaf,
    noneIsLeaf: options.noneIsLeaf,
    registry: options.registry,
    leaves,
    nodes,
    pairs,
    keys: [],
    found: { entry: undefined },
    values: [],
    sp: 0,
  };
  flattenNode(root, state, 0, undefined);
}

/**
 * Flattens `node` at `depth`; returns the next guess for a node in its place: its shape if it is a
 * plain object, its elements' shape if it is an array.
 */
function flattenNode(node: unknown, s: FlattenState, depth: number, hint: Hint): Hint {
  let meta: NodeMeta;
  const isLeaf = s.isLeaf;
  if (isLeaf !== undefined && isLeaf(node)) meta = leafMeta;
  else if (typeof node !== "object") meta = node === undefined && !s.noneIsLeaf ? undefinedMeta : leafMeta;
  else if (node === null) meta = s.noneIsLeaf ? leafMeta : nullMeta;
  else if (Array.isArray(node)) {
    if (depth >= DEPTH_BUDGET) throw TOO_DEEP;
    const n = node.length;
    if (s.nodes !== null) s.nodes.push(arrayMeta(n));
    const withKeys = s.pairs !== null;
    // For an array, the hint is a guess at its elements' shape (they are nearly always alike), and
    // the shape of its last object element goes back to the parent as next time's guess.
    let h: Hint = hint;
    for (let i = 0; i < n; i++) {
      if (withKeys) s.keys[depth] = i;
      const e = flattenNode(node[i], s, depth + 1, h);
      if (e !== undefined) h = e;
    }
    return h;
  } else {
    const proto = Object.getPrototypeOf(node);
    if (proto === Object.prototype || proto === null) {
      if (depth >= DEPTH_BUDGET) throw TOO_DEEP;
      const base = s.sp;
      const om = gatherChildren(node, proto === null, s.registry, hint, s.found, s.values, base);
      const entry = s.found.entry;
      if (s.nodes !== null) s.nodes.push(om);
      s.sp = base + om.arity;
      flattenChildren(om, s, depth + 1, base);
      s.sp = base;
      return entry;
    }
    meta = leafMeta;
  }
  if (s.nodes !== null) s.nodes.push(meta);
  if (meta.kind === LEAF) {
    if (s.pairs === null) s.leaves.push(node);
    else s.pairs.push([copyPath(s.keys, depth), node]);
  }
  return undefined;
}

/** Flattens the children of an object or record, already gathered in `s.values[base ..)`. */
function flattenChildren(meta: ObjectMeta | RecordMeta, s: FlattenState, depth: number, base: number): void {
  const withKeys = s.pairs !== null;
  const values = s.values;
  if (meta.kind === OBJECT) {
    const keys = meta.keys;
    const hints = meta.hints as Hint[];
    for (let j = 0; j < meta.arity; j++) {
      if (withKeys) s.keys[depth - 1] = keys[j] as string;
      const h = hints[j];
      const e = flattenNode(values[base + j], s, depth, h);
      if (e !== h && e !== undefined) hints[j] = e;
    }
  } else {
    const children = meta.spec.children;
    let h: Hint = undefined;
    for (let j = 0; j < children.length; j++) {
      if (withKeys) s.keys[depth - 1] = children[j] as string;
      const e = flattenNode(values[base + j], s, depth, h);
      if (e !== undefined) h = e;
    }
  }
}

// -------------------------------------------------------------------------------------
// map
// -------------------------------------------------------------------------------------

/** The state of one recursive map. */
interface MapState {
  readonly isLeaf: ((node: unknown) => boolean) | undefined;
  readonly noneIsLeaf: boolean;
  readonly registry: ResolvedOptions["registry"];
  readonly f: (leaf: any, path: Key[] | undefined) => unknown;
  readonly withPath: boolean;
  /**
   * Every leaf result so far, in leaf order: when the recursion gives up, the iterative redo
   * reuses them, so that `f` is still called exactly once per leaf.
   */
  readonly results: ChunkedList<unknown>;
  readonly keys: Key[];
  readonly found: { entry: Hint };
  /** Scratch stack for the children's values while a node is built, and its top. */
  readonly values: unknown[];
  sp: number;
}

/**
 * The recursive map: `f(leaf)` (or `f(leaf, path)` when `withPath`) at every leaf, the tree
 * rebuilt around the results. Throws `TOO_DEEP` past the depth budget, with the results so far in
 * `results`.
 */
export function mapRecursive(
  root: unknown,
  options: ResolvedOptions,
  f: (leaf: any, path: Key[] | undefined) => unknown,
  withPath: boolean,
  results: ChunkedList<unknown>,
): unknown {
  const state: MapState = {
    isLeaf: options.isLeaf,
    noneIsLeaf: options.noneIsLeaf,
    registry: options.registry,
    f,
    withPath,
    results,
    keys: [],
    found: { entry: undefined },
    values: [],
    sp: 0,
  };
  return mapNode(root, state, 0, undefined);
}

function mapLeaf(node: unknown, s: MapState, depth: number): unknown {
  // Without paths `f` gets exactly one argument, as the user's function expects.
  const out = s.withPath ? s.f(node, copyPath(s.keys, depth)) : (s.f as (leaf: unknown) => unknown)(node);
  s.results.push(out);
  return out;
}

/** The mapped value of `node`; `s.found.entry` is left at the shape it had (or `undefined`). */
function mapNode(node: unknown, s: MapState, depth: number, hint: Hint): unknown {
  const isLeaf = s.isLeaf;
  if (isLeaf !== undefined && isLeaf(node)) return mapLeaf(node, s, depth);
  if (typeof node !== "object") {
    return node === undefined && !s.noneIsLeaf ? node : mapLeaf(node, s, depth);
  }
  if (node === null) return s.noneIsLeaf ? mapLeaf(node, s, depth) : node;
  if (depth >= DEPTH_BUDGET) throw TOO_DEEP;
  const withPath = s.withPath;
  if (Array.isArray(node)) {
    const n = node.length;
    const out = new Array(n);
    let h: Hint = hint; // the elements' guessed shape, as in `flattenNode`
    for (let i = 0; i < n; i++) {
      if (withPath) s.keys[depth] = i;
      s.found.entry = undefined;
      out[i] = mapNode(node[i], s, depth + 1, h);
      const e = s.found.entry;
      if (e !== undefined) h = e;
    }
    s.found.entry = h;
    return out;
  }
  const proto = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== null) return mapLeaf(node, s, depth);
  const values = s.values;
  const base = s.sp;
  // The children are gathered at values[base ..), and each replaced by its mapped value in turn.
  const meta = gatherChildren(node, proto === null, s.registry, hint, s.found, values, base);
  const entry = s.found.entry;
  s.sp = base + meta.arity;
  if (meta.kind === OBJECT) {
    const keys = meta.keys;
    const hints = meta.hints as Hint[];
    for (let j = 0; j < meta.arity; j++) {
      if (withPath) s.keys[depth] = keys[j] as string;
      const h = hints[j];
      s.found.entry = undefined;
      values[base + j] = mapNode(values[base + j], s, depth + 1, h);
      const e = s.found.entry;
      if (e !== h && e !== undefined) hints[j] = e;
    }
  } else {
    const children = meta.spec.children;
    let h: Hint = undefined;
    for (let j = 0; j < children.length; j++) {
      if (withPath) s.keys[depth] = children[j] as string;
      s.found.entry = undefined;
      values[base + j] = mapNode(values[base + j], s, depth + 1, h);
      const e = s.found.entry;
      if (e !== undefined) h = e;
    }
  }
  const out = build(meta, values, base);
  s.sp = base;
  s.found.entry = entry;
  return out;
}

// -------------------------------------------------------------------------------------
// flatten alongside (treeMapN)
// -------------------------------------------------------------------------------------

/** The state of one `flattenAlongside`. */
interface AlongsideState {
  readonly isLeaf: ((node: unknown) => boolean) | undefined;
  readonly noneIsLeaf: boolean;
  readonly registry: ResolvedOptions["registry"];
  /** `columns[t]` receives the leaves of tree `t`. */
  readonly columns: unknown[][];
  readonly nodes: NodeMeta[];
  /** `level[d][t - 1]` is the node of tree `t` at depth `d` (reused, so nothing is allocated per node). */
  readonly level: unknown[][];
  readonly found: { entry: Hint };
  /** Scratch stack of gathered children, and its top. */
  readonly values: unknown[];
  sp: number;
}

/**
 * Flattens `trees[0]` (leaves into `columns[0]`, pre-order metas into `nodes`) and, in the same
 * walk, the other trees guided by it: each of their nodes is checked against the first tree's
 * node at the same place (objects matched by key) instead of being flattened on its own. Returns
 * `false` at the first difference, leaving partial output: the caller then compares the full
 * structures to describe the difference. Throws `TOO_DEEP` past the depth budget.
 */
export function flattenAlongside(
  trees: readonly unknown[],
  options: ResolvedOptions,
  columns: unknown[][],
  nodes: NodeMeta[],
): boolean {
  const state: AlongsideState = {
    isLeaf: options.isLeaf,
    noneIsLeaf: options.noneIsLeaf,
    registry: options.registry,
    columns,
    nodes,
    level: [trees.slice(1)],
    found: { entry: undefined },
    values: [],
    sp: 0,
  };
  return alongNode(trees[0], state, 0, undefined);
}

/**
 * Whether `node` (of another tree) is a node like `meta` (of the first tree); `hint` guesses its
 * shape. The children of an object or record are gathered at `s.values[base ..)`.
 */
function sameNode(node: unknown, meta: NodeMeta, s: AlongsideState, hint: Hint, base: number): boolean {
  const isLeaf = s.isLeaf;
  if (isLeaf !== undefined && isLeaf(node)) return meta.kind === LEAF;
  if (typeof node !== "object") {
    const none = node === undefined && !s.noneIsLeaf;
    return none ? meta === undefinedMeta : meta.kind === LEAF;
  }
  if (node === null) return s.noneIsLeaf ? meta.kind === LEAF : meta === nullMeta;
  if (Array.isArray(node)) return meta.kind === ARRAY && meta.arity === node.length;
  const proto = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== null) return meta.kind === LEAF;
  if (meta.kind !== OBJECT && meta.kind !== RECORD) return false;
  const other = gatherChildren(node, proto === null, s.registry, hint, s.found, s.values, base);
  return other === meta || metaEqual(other, meta);
}

/**
 * One node of the first tree and the matching nodes of the others (`s.level[depth]`); leaves
 * `s.found.entry` at the first tree's node's shape (the next guess) when it returns `true`.
 * The children of objects and records are gathered in `s.values`: the first tree's at
 * `[base, base + n)`, tree t's at `[base + t * n, base + (t + 1) * n)`.
 */
function alongNode(node: unknown, s: AlongsideState, depth: number, hint: Hint): boolean {
  s.found.entry = undefined;
  let meta: NodeMeta;
  const isLeaf = s.isLeaf;
  const base = s.sp;
  if (isLeaf !== undefined && isLeaf(node)) meta = leafMeta;
  else if (typeof node !== "object") meta = node === undefined && !s.noneIsLeaf ? undefinedMeta : leafMeta;
  else if (node === null) meta = s.noneIsLeaf ? leafMeta : nullMeta;
  else if (Array.isArray(node)) meta = arrayMeta(node.length);
  else {
    const proto = Object.getPrototypeOf(node);
    meta =
      proto === Object.prototype || proto === null
        ? gatherChildren(node, proto === null, s.registry, hint, s.found, s.values, base)
        : leafMeta;
  }
  const entry = s.found.entry;
  const others = s.level[depth] as unknown[];
  const k = others.length;
  const n = meta.kind >= ARRAY ? (meta as ObjectMeta).arity : 0;
  for (let t = 0; t < k; t++) if (!sameNode(others[t], meta, s, hint, base + (t + 1) * n)) return false;
  s.nodes.push(meta);
  if (meta.kind === LEAF) {
    (s.columns[0] as unknown[]).push(node);
    for (let t = 0; t < k; t++) (s.columns[t + 1] as unknown[]).push(others[t]);
    s.found.entry = undefined;
    return true;
  }
  s.found.entry = entry;
  if (n === 0) return true;
  if (depth + 1 >= DEPTH_BUDGET) throw TOO_DEEP;
  const next = (s.level[depth + 1] ??= new Array<unknown>(k));
  const values = s.values;
  if (meta.kind === ARRAY) {
    const container = node as unknown[];
    let h: Hint = undefined;
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < k; t++) next[t] = (others[t] as unknown[])[i];
      if (!alongNode(container[i], s, depth + 1, h)) return false;
      if (s.found.entry !== undefined) h = s.found.entry;
    }
  } else {
    s.sp = base + (k + 1) * n;
    const hints = meta.kind === OBJECT ? (meta.hints as Hint[]) : null;
    let h: Hint = undefined;
    for (let j = 0; j < n; j++) {
      for (let t = 0; t < k; t++) next[t] = values[base + (t + 1) * n + j];
      const guess = hints !== null ? hints[j] : h;
      if (!alongNode(values[base + j], s, depth + 1, guess)) return false;
      const e = s.found.entry;
      if (e !== undefined && e !== guess) {
        if (hints !== null) hints[j] = e;
        else h = e;
      }
    }
    s.sp = base;
  }
  s.found.entry = entry;
  return true;
}

// -------------------------------------------------------------------------------------
// unflatten
// -------------------------------------------------------------------------------------

/** The state of one recursive unflatten: the next node and leaf to read, and a scratch stack. */
interface UnflattenState {
  readonly nodes: readonly NodeMeta[];
  readonly leaves: readonly unknown[];
  ni: number;
  li: number;
  readonly values: unknown[];
  sp: number;
}

/**
 * Rebuilds a tree from its pre-order metas and leaves, reading both forwards; throws `TOO_DEEP`
 * past the depth budget (the caller then uses `unflattenNodes`, which has no depth limit).
 */
export function unflattenRecursive(nodes: readonly NodeMeta[], leaves: readonly unknown[]): unknown {
  const state: UnflattenState = { nodes, leaves, ni: 0, li: 0, values: [], sp: 0 };
  return unflattenNode(state, 0);
}

function unflattenNode(s: UnflattenState, depth: number): unknown {
  const meta = s.nodes[s.ni++] as NodeMeta;
  if (meta.kind === LEAF) return s.leaves[s.li++];
  if (meta.kind === NONE) return meta.value;
  if (depth >= DEPTH_BUDGET) throw TOO_DEEP;
  const n = meta.arity;
  if (meta.kind === ARRAY) {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = unflattenNode(s, depth + 1);
    return out;
  }
  const base = s.sp;
  s.sp = base + n;
  const values = s.values;
  for (let j = 0; j < n; j++) values[base + j] = unflattenNode(s, depth + 1);
  const out = build(meta, values, base);
  s.sp = base;
  return out;
}
