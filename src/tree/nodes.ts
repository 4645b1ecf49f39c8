/**
 * How a single node is classified and rebuilt. The flatten, map and unwrap passes (the recursive
 * fast paths of `recursive.ts` and the explicit-stack loops of `walk.ts` they fall back to past
 * 2,000 levels, so depth 100,000 never overflows the call stack) all share these helpers, so that
 * every pass agrees on what a node is.
 *
 * @internal
 * @module
 */
import type { Key } from "./keyPath";
import { lookupSpec, type Registry, type WrapperSpec } from "./registry";
import type { ResolvedOptions } from "./options";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export const LEAF = 0;
export const NONE = 1;
export const ARRAY = 2;
export const OBJECT = 3;
export const RECORD = 4;
export type Kind = typeof LEAF | typeof NONE | typeof ARRAY | typeof OBJECT | typeof RECORD;

export interface LeafMeta {
  readonly kind: typeof LEAF;
}
export interface NoneMeta {
  readonly kind: typeof NONE;
  readonly value: null | undefined;
}
export interface ArrayMeta {
  readonly kind: typeof ARRAY;
  readonly arity: number;
}
export interface ObjectMeta {
  readonly kind: typeof OBJECT;
  readonly arity: number;
  /** Keys in sorted order: the order children are visited in. */
  readonly keys: readonly string[];
  /** `order[i]` is the sorted index of the i-th key in the original insertion order; `null` when already sorted. */
  readonly order: readonly number[] | null;
  readonly nullProto: boolean;
  /** Whether one of the keys is `"__proto__"` (which `build` must define rather than assign). */
  readonly protoKey: boolean;
  /**
   * @internal Per child, the shape that child had last time (a structural inline cache: the
   * `containers` child of a `{ tensors, containers }` object is nearly always shaped alike), so
   * that the flatten loop can check a guess instead of looking the shape up. Mutable on purpose.
   */
  readonly hints?: (ShapeEntry | undefined)[] | null;
  /** @internal How `build` makes objects of this shape (see `ObjectBuilder`). Mutable on purpose. */
  readonly builder?: ObjectBuilder | null;
}

/**
 * @internal A compiled constructor for objects of one shape, made after the shape has been built
 * `COMPILE_AFTER` times. Why: `build` otherwise stores each key by name through one store site
 * that sees every shape of the tree (a megamorphic keyed store, the slowest kind), while a
 * function that returns an object literal `{ "weight": v[s + 1], "bias": v[s] }` creates the
 * object with its final hidden class in one step. Shapes that are built once (a big dictionary,
 * a one-off object) never pay for the compilation; where code generation is forbidden (a
 * browser page whose Content-Security-Policy disallows `unsafe-eval`) `build` keeps its loop.
 */
export interface ObjectBuilder {
  fn: ((values: readonly unknown[], start: number) => Record<string, unknown>) | null;
  /** Builds so far; set to -Infinity when the shape is never to be compiled. */
  uses: number;
}
export interface RecordMeta {
  readonly kind: typeof RECORD;
  readonly arity: number;
  readonly spec: WrapperSpec;
  /** The original record: its static fields (everything but the children) are copied from it. */
  readonly template: Readonly<Record<string, unknown>>;
}
export type NodeMeta = LeafMeta | NoneMeta | ArrayMeta | ObjectMeta | RecordMeta;

const noKeys: readonly string[] = Object.freeze([]);

/**
 * Every meta is made here, with the same fields in the same order, so that they all share one
 * hidden class: the hot loops read `kind` and `arity` of every node, and with five differently
 * shaped metas those reads would be megamorphic (several times slower than monomorphic ones).
 */
function makeMeta(
  kind: Kind,
  arity: number,
  keys: readonly string[],
  order: readonly number[] | null,
  nullProto: boolean,
  spec: WrapperSpec | undefined,
  template: Readonly<Record<string, unknown>> | undefined,
  value: null | undefined,
): any {
  // `hints` (objects only) is the flatten loop's guess, per child, of that child's shape.
  const hints = kind === OBJECT ? new Array<ShapeEntry | undefined>(arity).fill(undefined) : null;
  const protoKey = keys.includes("__proto__");
  // A literal would set the prototype for a `__proto__` key, and null-prototype objects are rare.
  const compilable = kind === OBJECT && !protoKey && !nullProto && arity <= MAX_COMPILED_KEYS;
  const builder: ObjectBuilder | null = compilable ? { fn: null, uses: 0 } : null;
  return { kind, arity, keys, order, nullProto, spec, template, value, hints, protoKey, builder };
}

export const leafMeta: LeafMeta = Object.freeze(
  makeMeta(LEAF, 0, noKeys, null, false, undefined, undefined, undefined),
);
export const nullMeta: NoneMeta = Object.freeze(
  makeMeta(NONE, 0, noKeys, null, false, undefined, undefined, null),
);
export const undefinedMeta: NoneMeta = Object.freeze(
  makeMeta(NONE, 0, noKeys, null, false, undefined, undefined, undefined),
);

const arrayMetaCache: ArrayMeta[] = [];
export function arrayMeta(arity: number): ArrayMeta {
  if (arity < 256) {
    return (arrayMetaCache[arity] ??= newArrayMeta(arity));
  }
  return newArrayMeta(arity);
}

function newArrayMeta(arity: number): ArrayMeta {
  return Object.freeze(makeMeta(ARRAY, arity, noKeys, null, false, undefined, undefined, undefined));
}

// -------------------------------------------------------------------------------------
// classification
// -------------------------------------------------------------------------------------

/** Sorted own enumerable keys of a plain object, with the permutation back to insertion order. */
export function sortedKeys(node: object): { keys: string[]; order: number[] | null } {
  return sortKeys(Object.keys(node));
}

function sortKeys(keys: readonly string[]): { keys: string[]; order: number[] | null } {
  const n = keys.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return { keys: keys.slice(), order: null };
  const byName = keys.map((_, i) => i).sort((a, b) => ((keys[a] as string) < (keys[b] as string) ? -1 : 1));
  const order = new Array<number>(n);
  for (let j = 0; j < n; j++) order[byName[j] as number] = j;
  return { keys: byName.map((i) => keys[i] as string), order };
}

/**
 * What the classification of a plain object depends on besides its values: its own keys in
 * insertion order. Objects of one "shape" (the same keys in the same order, such as every
 * `{ weight, bias }` of a model) share one entry, so the sorting and the `ObjectMeta` are made once
 * per shape instead of once per node, and two trees built alike carry identical metas (which makes
 * comparing structures a pointer comparison).
 */
export interface ShapeEntry {
  /** Own keys in insertion order (what `Object.keys` returns): the cache key. */
  readonly insertion: readonly string[];
  /** `order[i]` is the sorted index of `insertion[i]`; `null` when already sorted. */
  readonly order: readonly number[] | null;
  /** The metas for a normal and a null-prototype object of this shape, made on first use. */
  plain: ObjectMeta | undefined;
  nullProto: ObjectMeta | undefined;
  /** Whether `_tag` is among the keys: only then can the object be a registered record. */
  readonly hasTag: boolean;
}

/**
 * Shapes by first key. The cache is bounded (in shapes and in keys per shape) so that objects used
 * as large dictionaries, whose key sets never repeat, cannot grow it without end; objects beyond
 * the bounds are classified as before, with fresh metas.
 */
const shapes = new Map<string, ShapeEntry[]>();
let cachedShapes = 0;
const MAX_SHAPES = 4096;
const MAX_SHAPE_KEYS = 64;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The cached shape of an object whose `Object.keys` are `keys`; `undefined` beyond the cache bounds. */
export function lookupShape(keys: string[]): ShapeEntry | undefined {
  if (keys.length > MAX_SHAPE_KEYS) return undefined;
  const first = keys.length === 0 ? "" : (keys[0] as string);
  let bucket = shapes.get(first);
  if (bucket !== undefined) {
    for (let b = 0; b < bucket.length; b++) {
      const entry = bucket[b] as ShapeEntry;
      if (sameKeys(entry.insertion, keys)) return entry;
    }
  }
  if (cachedShapes >= MAX_SHAPES) return undefined;
  if (bucket === undefined) shapes.set(first, (bucket = []));
  const frozen = Object.freeze(keys.slice());
  const entry: ShapeEntry = {
    insertion: frozen,
    order: sortKeys(frozen.slice()).order,
    plain: undefined,
    nullProto: undefined,
    hasTag: keys.includes("_tag"),
  };
  bucket.push(entry);
  cachedShapes++;
  return entry;
}

export function makeObjectMeta(keys: string[], nullProto: boolean): ObjectMeta {
  const sorted = sortKeys(keys.slice());
  const order = sorted.order === null ? null : Object.freeze(sorted.order);
  return Object.freeze(
    makeMeta(
      OBJECT,
      keys.length,
      Object.freeze(sorted.keys),
      order,
      nullProto,
      undefined,
      undefined,
      undefined,
    ),
  );
}

/**
 * Whether the keys a `for...in` gives for `node` are exactly `expected`, in order, in one pass
 * served from V8's enum cache (no allocation): its own enumerable keys, and nothing inherited (an
 * enumerable property on a polluted `Object.prototype` makes the lists differ, and the caller
 * then takes its slow path).
 */
export function keysAre(node: object, expected: readonly string[]): boolean {
  const n = expected.length;
  let i = 0;
  for (const k in node) {
    if (i === n || k !== expected[i]) return false;
    i++;
  }
  return i === n;
}

/**
 * Classifies a plain object (prototype `Object.prototype`, or `null` when `nullProto`): a
 * registered record or an ordinary object node.
 */
export function classifyObject(
  node: object,
  nullProto: boolean,
  registry: Registry,
): ObjectMeta | RecordMeta {
  return classifyKeys(node, Object.keys(node), nullProto, registry, { entry: undefined });
}

/**
 * `classifyObject` given the object's own keys (`Object.keys(node)`); the cached shape of those
 * keys is left in `found.entry` (`undefined` beyond the cache bounds), for callers that keep it as
 * a guess for the next object.
 */
export function classifyKeys(
  node: object,
  keys: string[],
  nullProto: boolean,
  registry: Registry,
  found: { entry: ShapeEntry | undefined },
): ObjectMeta | RecordMeta {
  const entry = lookupShape(keys);
  found.entry = entry;
  // Only an own enumerable `_tag` (one of `keys`) makes a record, cached shape or not.
  if (entry === undefined ? keys.includes("_tag") : entry.hasTag) {
    const tag = (node as { _tag?: unknown })._tag;
    if (typeof tag === "string") {
      const spec = registry.specs.get(tag);
      if (spec !== undefined) {
        return recordMeta(spec, node as Record<string, unknown>);
      }
    }
  }
  return entry === undefined ? makeObjectMeta(keys, nullProto) : shapeMeta(entry, nullProto);
}

/**
 * The meta of a registered record: one per record node (the template differs), left unfrozen,
 * which costs a second hidden class, not a megamorphic one.
 */
export function recordMeta(spec: WrapperSpec, template: Readonly<Record<string, unknown>>): RecordMeta {
  return makeMeta(RECORD, spec.children.length, noKeys, null, false, spec, template, undefined);
}

/** The meta of an (unregistered) object of shape `entry`. */
export function shapeMeta(entry: ShapeEntry, nullProto: boolean): ObjectMeta {
  if (nullProto) return (entry.nullProto ??= makeObjectMeta(entry.insertion.slice(), true));
  return (entry.plain ??= makeObjectMeta(entry.insertion.slice(), false));
}

/**
 * What `node` is under `options`. Objects come back with their sorted keys (so that callers do
 * not compute them twice).
 */
export function classify(node: unknown, options: ResolvedOptions): NodeMeta {
  if (options.isLeaf !== undefined && options.isLeaf(node)) return leafMeta;
  if (node === null) return options.noneIsLeaf ? leafMeta : nullMeta;
  if (node === undefined) return options.noneIsLeaf ? leafMeta : undefinedMeta;
  if (typeof node !== "object") return leafMeta;
  if (Array.isArray(node)) return arrayMeta(node.length);
  const proto = Object.getPrototypeOf(node);
  if (proto === Object.prototype) return classifyObject(node, false, options.registry);
  if (proto === null) return classifyObject(node, true, options.registry);
  return leafMeta;
}

/** The key of child `index` of an internal node. */
export function childKey(meta: ArrayMeta | ObjectMeta | RecordMeta, index: number): Key {
  switch (meta.kind) {
    case ARRAY:
      return index;
    case OBJECT:
      return meta.keys[index] as string;
    case RECORD:
      return meta.spec.children[index] as string;
  }
}

/** Child `index` of an internal node. */
export function childAt(node: any, meta: ArrayMeta | ObjectMeta | RecordMeta, index: number): unknown {
  switch (meta.kind) {
    case ARRAY:
      return node[index];
    case OBJECT:
      return node[meta.keys[index] as string];
    case RECORD:
      return node[meta.spec.children[index] as string];
  }
}

// -------------------------------------------------------------------------------------
// rebuilding
// -------------------------------------------------------------------------------------

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // `target["__proto__"] = v` would change the prototype; keep it an own data property instead.
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Builds an internal node from its children, read from `values[start .. start + arity)` in
 * visiting order.
 */
export function build(meta: ArrayMeta | ObjectMeta | RecordMeta, values: unknown[], start: number): unknown {
  switch (meta.kind) {
    case ARRAY: {
      const n = meta.arity;
      const out = new Array(n);
      for (let j = 0; j < n; j++) out[j] = values[start + j];
      return out;
    }
    case OBJECT: {
      const builder = meta.builder;
      if (builder != null) {
        if (builder.fn !== null) return builder.fn(values, start);
        if (++builder.uses === COMPILE_AFTER) builder.fn = compileBuilder(meta, builder);
      }
      const out: Record<string, unknown> = meta.nullProto ? Object.create(null) : {};
      const { keys, order } = meta;
      const n = meta.arity;
      if (!meta.protoKey) {
        // The common case, with plain stores (`setOwn` guards a `__proto__` key).
        if (order === null) for (let j = 0; j < n; j++) out[keys[j] as string] = values[start + j];
        else {
          for (let i = 0; i < n; i++) {
            const j = order[i] as number;
            out[keys[j] as string] = values[start + j];
          }
        }
      } else if (order === null) {
        for (let j = 0; j < n; j++) setOwn(out, keys[j] as string, values[start + j]);
      } else {
        for (let i = 0; i < n; i++) {
          const j = order[i] as number;
          setOwn(out, keys[j] as string, values[start + j]);
        }
      }
      return out;
    }
    case RECORD:
      return buildRecord(meta.spec, meta.template, values, start);
  }
}

/** Builds of one shape before its constructor is compiled (see `ObjectBuilder`). */
const COMPILE_AFTER = 4;
/** Bigger objects (dictionaries, rarely rebuilt alike) keep the loop: compiling them costs more. */
const MAX_COMPILED_KEYS = 256;

/**
 * A function returning a fresh object of `meta`'s shape, keys in their original insertion order,
 * values read from `values[start + j]` for sorted index `j`; `null` where code generation is not
 * allowed. Keys are written as JSON string literals, which no key can break out of, and shapes
 * with a `__proto__` key never get here.
 */
function compileBuilder(meta: ObjectMeta, builder: ObjectBuilder): ObjectBuilder["fn"] {
  const { keys, order } = meta;
  const fields: string[] = [];
  for (let i = 0; i < meta.arity; i++) {
    const j = order === null ? i : (order[i] as number);
    fields.push(`${JSON.stringify(keys[j])}: v[s + ${j}]`);
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function("v", "s", `"use strict"; return { ${fields.join(", ")} };`) as ObjectBuilder["fn"];
  } catch {
    builder.uses = -Infinity;
    return null;
  }
}

/**
 * Like {@link build}, but returns `node` itself when every child is the very same value as
 * before: passes that change only some leaves (unwrap, nonTrainable) share untouched subtrees.
 */
export function buildIfChanged(
  meta: ArrayMeta | ObjectMeta | RecordMeta,
  node: unknown,
  values: unknown[],
  start: number,
): unknown {
  for (let j = 0; j < meta.arity; j++) {
    if (!Object.is(values[start + j], childAt(node, meta, j))) return build(meta, values, start);
  }
  return node;
}

/**
 * A copy of `template` with its child fields replaced; frozen when the template was.
 *
 * A frozen record's array children that were frozen (`Parameterize`'s `args`) come back frozen
 * too, as frozen copies: a wrapper made immutable by its constructor stays immutable through
 * `treeMap`, `treeAt` or `partition`, and an array the caller passed in is never frozen in place.
 */
export function buildRecord(
  spec: WrapperSpec,
  template: Readonly<Record<string, unknown>>,
  values: readonly unknown[],
  start: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.getPrototypeOf(template) === null ? Object.create(null) : {};
  for (const key of Object.keys(template)) setOwn(out, key, template[key]);
  const children = spec.children;
  const frozen = Object.isFrozen(template);
  for (let j = 0; j < children.length; j++) {
    const key = children[j] as string;
    let value = values[start + j];
    const was = template[key];
    if (
      frozen &&
      Array.isArray(value) &&
      Array.isArray(was) &&
      Object.isFrozen(was) &&
      !Object.isFrozen(value)
    ) {
      value = Object.freeze(value.slice());
    }
    setOwn(out, key, value);
  }
  return frozen ? Object.freeze(out) : out;
}

// -------------------------------------------------------------------------------------
// comparison and description
// -------------------------------------------------------------------------------------

function staticEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => staticEqual(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const pa = Object.getPrototypeOf(a);
    const pb = Object.getPrototypeOf(b);
    if ((pa === Object.prototype || pa === null) && (pb === Object.prototype || pb === null)) {
      const ka = Object.keys(a).sort();
      const kb = Object.keys(b).sort();
      return (
        ka.length === kb.length &&
        ka.every((k, i) => k === kb[i] && staticEqual((a as any)[k], (b as any)[k]))
      );
    }
  }
  return false;
}

/** The static fields of a record: everything but `_tag` and its children. */
export function staticFields(meta: RecordMeta): [string, unknown][] {
  const children = meta.spec.children;
  return Object.keys(meta.template)
    .filter((k) => k !== "_tag" && !children.includes(k))
    .sort()
    .map((k) => [k, meta.template[k]]);
}

export function metaEqual(a: NodeMeta, b: NodeMeta): boolean {
  if (a === b) return true;
  switch (a.kind) {
    case LEAF:
      return b.kind === LEAF;
    case NONE:
      return b.kind === NONE && a.value === b.value;
    case ARRAY:
      return b.kind === ARRAY && a.arity === b.arity;
    case OBJECT: {
      if (b.kind !== OBJECT || a.arity !== b.arity) return false;
      if (a.keys === b.keys) return true;
      for (let i = 0; i < a.arity; i++) if (a.keys[i] !== b.keys[i]) return false;
      return true;
    }
    case RECORD: {
      if (b.kind !== RECORD || a.spec.tag !== b.spec.tag) return false;
      if (a.template === b.template) return true;
      const sa = staticFields(a);
      const sb = staticFields(b);
      return (
        sa.length === sb.length &&
        sa.every(([k, v], i) => {
          const other = sb[i] as [string, unknown];
          return k === other[0] && staticEqual(v, other[1]);
        })
      );
    }
  }
}

/** A short description of a node kind, for error messages. */
export function describeMeta(meta: NodeMeta): string {
  switch (meta.kind) {
    case LEAF:
      return "a leaf";
    case NONE:
      return meta.value === null ? "null" : "undefined";
    case ARRAY:
      return `an array of length ${meta.arity}`;
    case OBJECT:
      return meta.arity === 0
        ? "an empty object"
        : `an object with keys [${meta.keys.map((k) => JSON.stringify(k)).join(", ")}]`;
    case RECORD:
      return `a ${meta.spec.tag} record`;
  }
}

export { lookupSpec };
