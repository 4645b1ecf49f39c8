/**
 * What a node is, decided in one place. Every pass of the engine (flatten, rebuild) reads a node
 * through `enter`, which classifies it and pushes its children, so every function agrees on what
 * a node is and what its children are.
 *
 * A node is described by a `Meta`: its kind (leaf, none, array, plain object, registered record,
 * registered node type) and what rebuilding it needs (sorted keys, whether it was frozen, a
 * record's static fields). Metas of objects are cached per shape (the same own keys in the same
 * order), so that trees built alike carry the very same metas.
 *
 * The node rules (see `rules.ts` and the README) are applied here: holes in arrays and odd
 * properties are refused, and whether a node was frozen is recorded so it comes back frozen.
 *
 * @internal
 * @module
 */
import type { Key } from "./keyPath";
import type { NodeTypeSpec, RecordSpec, Registry } from "./registry";
import { NodeRuleError, checkOrdinary } from "./rules";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export const LEAF = 0;
export const NONE = 1;
export const ARRAY = 2;
export const OBJECT = 3;
export const RECORD = 4;
export const CUSTOM = 5;
export type Kind = typeof LEAF | typeof NONE | typeof ARRAY | typeof OBJECT | typeof RECORD | typeof CUSTOM;

/**
 * One node of a structure. Every meta has the same fields in the same order (one hidden class:
 * the hot loops read `kind` and `arity` of every node).
 */
export interface Meta {
  readonly kind: Kind;
  /** How many children. */
  readonly arity: number;
  /** The key of each child, in visiting order (sorted, for objects); empty for arrays. */
  readonly keys: readonly Key[];
  /** Objects: `order[i]` is the sorted index of the i-th key in insertion order; `null` when sorted. */
  readonly order: readonly number[] | null;
  readonly nullProto: boolean;
  /** Whether the node was frozen (it is rebuilt frozen). */
  readonly frozen: boolean;
  /** The record's or node type's spec. */
  readonly spec: RecordSpec | NodeTypeSpec | undefined;
  /** Records: the original record (its static fields are copied from it). Node types: `aux`. */
  readonly data: unknown;
  /** None: the value (`null` or `undefined`). */
  readonly value: null | undefined;
  /** Objects: per child, that child's shape last time (a guess that saves a lookup). Mutable. */
  readonly hints: (Shape | undefined)[] | null;
}

function meta(
  kind: Kind,
  arity: number,
  keys: readonly Key[],
  order: readonly number[] | null,
  nullProto: boolean,
  frozen: boolean,
  spec: RecordSpec | NodeTypeSpec | undefined,
  data: unknown,
  value: null | undefined,
): Meta {
  const hints = kind === OBJECT ? new Array<Shape | undefined>(arity).fill(undefined) : null;
  return { kind, arity, keys, order, nullProto, frozen, spec, data, value, hints };
}

const noKeys: readonly Key[] = Object.freeze([]);
const none = (value: null | undefined): Meta =>
  Object.freeze(meta(NONE, 0, noKeys, null, false, false, undefined, undefined, value));
export const leafMeta: Meta = Object.freeze(
  meta(LEAF, 0, noKeys, null, false, false, undefined, undefined, undefined),
);
export const nullMeta: Meta = none(null);
export const undefinedMeta: Meta = none(undefined);

const arrayMetas: [Meta[], Meta[]] = [[], []];
export function arrayMeta(arity: number, frozen: boolean): Meta {
  const cache = arrayMetas[frozen ? 1 : 0];
  const cached = arity < 256 ? cache[arity] : undefined;
  if (cached !== undefined) return cached;
  const made = Object.freeze(
    meta(ARRAY, arity, noKeys, null, false, frozen, undefined, undefined, undefined),
  );
  if (arity < 256) cache[arity] = made;
  return made;
}

// -------------------------------------------------------------------------------------
// shapes: objects with the same own keys in the same order share their metas
// -------------------------------------------------------------------------------------

export interface Shape {
  /** Own keys in insertion order (what `Object.keys` returns). */
  readonly insertion: readonly string[];
  readonly sorted: readonly string[];
  readonly order: readonly number[] | null;
  /** Whether `_tag` is among the keys: only then can an object of this shape be a record. */
  readonly hasTag: boolean;
  /** Metas by `nullProto * 2 + frozen`, made on first use. */
  readonly metas: (Meta | undefined)[];
}

/** Shapes by first key, bounded so that objects used as big dictionaries cannot grow it forever. */
const shapes = new Map<string, Shape[]>();
let cachedShapes = 0;
const MAX_SHAPES = 4096;
const MAX_SHAPE_KEYS = 64;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function makeShape(keys: readonly string[]): Shape {
  const n = keys.length;
  let isSorted = true;
  for (let i = 1; i < n && isSorted; i++) if ((keys[i - 1] as string) > (keys[i] as string)) isSorted = false;
  let sorted = keys;
  let order: number[] | null = null;
  if (!isSorted) {
    const byName = keys.map((_, i) => i).sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
    order = new Array<number>(n);
    for (let j = 0; j < n; j++) order[byName[j] as number] = j;
    sorted = byName.map((i) => keys[i] as string);
  }
  return {
    insertion: Object.freeze(keys.slice()),
    sorted: Object.freeze(sorted.slice()),
    order: order === null ? null : Object.freeze(order),
    hasTag: keys.includes("_tag"),
    metas: [undefined, undefined, undefined, undefined],
  };
}

function shapeOf(keys: string[]): Shape {
  if (keys.length > MAX_SHAPE_KEYS) return makeShape(keys);
  const first = keys.length === 0 ? "" : (keys[0] as string);
  let bucket = shapes.get(first);
  if (bucket !== undefined) {
    for (let b = 0; b < bucket.length; b++) {
      const shape = bucket[b] as Shape;
      if (sameKeys(shape.insertion, keys)) return shape;
    }
  }
  const shape = makeShape(keys);
  if (cachedShapes < MAX_SHAPES) {
    if (bucket === undefined) shapes.set(first, (bucket = []));
    bucket.push(shape);
    cachedShapes++;
  }
  return shape;
}

function shapeMeta(shape: Shape, nullProto: boolean, frozen: boolean): Meta {
  const slot = (nullProto ? 2 : 0) + (frozen ? 1 : 0);
  // Not frozen: `hints` is written by the passes.
  return (shape.metas[slot] ??= meta(
    OBJECT,
    shape.sorted.length,
    shape.sorted,
    shape.order,
    nullProto,
    frozen,
    undefined,
    undefined,
    undefined,
  ));
}

// -------------------------------------------------------------------------------------
// classification: the one place that decides what a node is and reads its children
// -------------------------------------------------------------------------------------

/**
 * Classifies `node` and pushes its children onto `pend` (the first child on top, at
 * `pl + arity - 1`). `hint` guesses an object's shape (the shape seen last time at this place);
 * the shape found is left in `found.shape`. Throws `NodeRuleError` on a node that breaks a rule.
 */
export function enter(
  node: unknown,
  isLeaf: ((node: unknown) => boolean) | undefined,
  noneIsLeaf: boolean,
  registry: Registry,
  hint: Shape | undefined,
  pend: unknown[],
  pl: number,
  found: { shape: Shape | undefined },
): Meta {
  if (isLeaf !== undefined && isLeaf(node)) return leafMeta;
  if (typeof node !== "object") return node === undefined && !noneIsLeaf ? undefinedMeta : leafMeta;
  if (node === null) return noneIsLeaf ? leafMeta : nullMeta;
  if (Array.isArray(node)) {
    const n = node.length;
    // Ascending positions, so that `pend` grows without holes (a hole would make it slow).
    const top = pl + n - 1;
    for (let i = n - 1; i >= 0; i--) {
      const child: unknown = node[i];
      if (child === undefined && !(i in node))
        throw new NodeRuleError(`a hole at index ${i} (a sparse array)`);
      pend[top - i] = child;
    }
    return arrayMeta(n, Object.isFrozen(node));
  }
  const proto: unknown = Object.getPrototypeOf(node);
  if (proto === Object.prototype || proto === null) {
    return enterObject(node, proto === null, registry, hint, pend, pl, found);
  }
  if (registry.types.size > 0) {
    const spec = registry.types.get(proto as object);
    if (spec !== undefined) return enterCustom(node, spec, pend, pl);
  }
  return leafMeta;
}

/** A plain object: by its guessed shape in one `for...in`, else by `Object.keys` and the cache. */
function enterObject(
  node: object,
  nullProto: boolean,
  registry: Registry,
  hint: Shape | undefined,
  pend: unknown[],
  pl: number,
  found: { shape: Shape | undefined },
): Meta {
  const obj = node as Record<string, unknown>;
  checkOrdinary(node); // before any read: a getter is never run
  let shape: Shape;
  if (hint !== undefined && !hint.hasTag && readByShape(obj, hint, pend, pl)) shape = hint;
  else {
    shape = shapeOf(Object.keys(node));
    if (shape.hasTag) {
      const tag = obj._tag;
      const spec = typeof tag === "string" ? registry.specs.get(tag) : undefined;
      if (spec !== undefined) {
        const children = spec.children;
        const top = pl + children.length - 1;
        for (let j = 0; j < children.length; j++) pend[top - j] = obj[children[j] as string];
        found.shape = undefined;
        return meta(
          RECORD,
          children.length,
          children,
          null,
          nullProto,
          Object.isFrozen(node),
          spec,
          node,
          undefined,
        );
      }
    }
    const sorted = shape.sorted;
    const top = pl + sorted.length - 1;
    for (let j = 0; j < sorted.length; j++) pend[top - j] = obj[sorted[j] as string];
  }
  found.shape = shape;
  return shapeMeta(shape, nullProto, Object.isFrozen(node));
}

/**
 * Pushes the children of `obj` if its own enumerable keys are exactly `shape.insertion`, in one
 * `for...in` (no allocation); `false` otherwise (an inherited enumerable key makes them differ).
 */
function readByShape(obj: Record<string, unknown>, shape: Shape, pend: unknown[], pl: number): boolean {
  const insertion = shape.insertion;
  const order = shape.order;
  const n = insertion.length;
  const top = pl + n - 1;
  let i = 0;
  for (const k in obj) {
    if (i === n || k !== insertion[i]) return false;
    pend[top - (order === null ? i : (order[i] as number))] = obj[k];
    i++;
  }
  return i === n;
}

function enterCustom(node: object, spec: NodeTypeSpec, pend: unknown[], pl: number): Meta {
  const { keys, children, aux } = spec.flatten(node);
  if (!Array.isArray(keys) || !Array.isArray(children) || keys.length !== children.length) {
    throw new NodeRuleError(`a ${spec.name} whose flatten did not return as many keys as children`);
  }
  const top = pl + children.length - 1;
  for (let j = 0; j < children.length; j++) pend[top - j] = children[j];
  return meta(CUSTOM, children.length, Object.freeze(keys.slice()), null, false, false, spec, aux, undefined);
}

/** The key of child `index` of an internal node. */
export function childKey(m: Meta, index: number): Key {
  return m.kind === ARRAY ? index : (m.keys[index] as Key);
}
