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
import { marks, ownSpecOf } from "./ownSpecs";
import { NodeRuleError, NodeTypeError, checkOrdinary, nodeTypeFailure } from "./rules";
import { shapeOf, type Shape } from "./shape";

export type { Shape };

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
  /** Objects: per child, the two shapes that child had most recently (guesses that save a lookup). Mutable. */
  readonly hints: (Shape | undefined)[] | null;
  /** Objects: the shape the meta was made for. */
  readonly shape: Shape | undefined;
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
  shape?: Shape,
): Meta {
  const hints = kind === OBJECT ? new Array<Shape | undefined>(2 * arity).fill(undefined) : null;
  return { kind, arity, keys, order, nullProto, frozen, spec, data, value, hints, shape };
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

export function objectMeta(shape: Shape, nullProto: boolean, frozen: boolean): Meta {
  const slot = (nullProto ? 2 : 0) + (frozen ? 1 : 0);
  // Not frozen: `hints` is written by the passes.
  return ((shape.metas[slot] as Meta | undefined) ??= meta(
    OBJECT,
    shape.sorted.length,
    shape.sorted,
    shape.order,
    nullProto,
    frozen,
    undefined,
    undefined,
    undefined,
    shape,
  ));
}

// -------------------------------------------------------------------------------------
// classification: the one place that decides what a node is and reads its children
// -------------------------------------------------------------------------------------

/**
 * Classifies `node` and pushes its children onto `pend` (the first child on top, at
 * `pl + arity - 1`). `hints[2 * at]` and `hints[2 * at + 1]` are the two shapes most recently
 * seen at this place, tried before the shape is looked up, and updated here (an object field that
 * alternates between two shapes, such as a layer's `buffers`, is still served from them). Throws
 * `NodeRuleError` on a node that breaks a rule.
 */
export function enter(
  node: unknown,
  isLeaf: ((node: unknown) => boolean) | undefined,
  noneIsLeaf: boolean,
  registry: Registry,
  hints: (Shape | undefined)[],
  at: number,
  pend: unknown[],
  pl: number,
): Meta {
  if (isLeaf !== undefined && isLeaf(node)) return leafMeta;
  if (typeof node !== "object") return node === undefined && !noneIsLeaf ? undefinedMeta : leafMeta;
  if (node === null) return noneIsLeaf ? leafMeta : nullMeta;
  const proto: unknown = Object.getPrototypeOf(node);
  if (Array.isArray(node)) {
    // Only arrays themselves: an instance of a subclass of Array (or an array whose prototype was
    // changed) is a leaf, as any class instance, unless its class is registered.
    if (proto !== Array.prototype) return enterOther(node, proto, registry, pend, pl);
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
  if (proto === Object.prototype || proto === null) {
    return enterObject(node, proto === null, registry, hints, 2 * at, pend, pl);
  }
  return enterOther(node, proto, registry, pend, pl);
}

/** Any other object: an instance of a registered node type, else a leaf. */
function enterOther(node: object, proto: unknown, registry: Registry, pend: unknown[], pl: number): Meta {
  if (registry.types.size > 0) {
    const spec = registry.types.get(proto as object);
    if (spec !== undefined) return enterCustom(node, spec, pend, pl);
  }
  return leafMeta;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever used with .call
const isEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * The spec of `node` (a plain object) if it is a registered record: known by its own enumerable
 * `_tag` alone, without listing its keys; a record the registry does not know may carry its own
 * spec (see `ownSpecs.ts`).
 */
export function recordSpecOf(node: object, registry: Registry): RecordSpec | undefined {
  if (registry.specs.size === 0 && !marks.any) return undefined;
  const tag = (node as Record<string, unknown>)._tag;
  if (typeof tag !== "string") return undefined;
  const spec = registry.specs.get(tag) ?? ownSpecOf(node);
  return spec !== undefined && isEnumerable.call(node, "_tag") ? spec : undefined;
}

/** A plain object: by its guessed shape in one `for...in`, else by `Object.keys` and the cache. */
function enterObject(
  node: object,
  nullProto: boolean,
  registry: Registry,
  hints: (Shape | undefined)[],
  h: number,
  pend: unknown[],
  pl: number,
): Meta {
  const obj = node as Record<string, unknown>;
  checkOrdinary(node); // before any read: a getter is never run
  let shape: Shape;
  const first = hints[h];
  const second = hints[h + 1];
  if (first !== undefined && !first.hasTag && readByShape(obj, first, pend, pl)) shape = first;
  else if (second !== undefined && !second.hasTag && readByShape(obj, second, pend, pl)) {
    shape = second;
    hints[h] = second;
    hints[h + 1] = first;
  } else {
    const spec = recordSpecOf(node, registry);
    if (spec !== undefined) {
      const children = spec.children;
      const top = pl + children.length - 1;
      for (let j = 0; j < children.length; j++) pend[top - j] = obj[children[j] as string];
      const frozen = Object.isFrozen(node);
      return meta(RECORD, children.length, children, null, nullProto, frozen, spec, node, undefined);
    }
    shape = shapeOf(Object.keys(node));
    hints[h + 1] = first;
    hints[h] = shape;
    const sorted = shape.sorted;
    const top = pl + sorted.length - 1;
    for (let j = 0; j < sorted.length; j++) pend[top - j] = obj[sorted[j] as string];
  }
  return objectMeta(shape, nullProto, Object.isFrozen(node));
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

/**
 * A node type's keys, children and aux, as its `flatten` gives them, checked: a `NodeTypeError`
 * when it throws or returns keys and children that do not pair up (the passes add the path; a
 * display shows the message).
 */
export function readNodeType(
  node: object,
  spec: NodeTypeSpec,
): { readonly keys: readonly unknown[]; readonly children: readonly unknown[]; readonly aux: unknown } {
  let flat: unknown;
  try {
    flat = spec.flatten(node);
  } catch (cause) {
    throw nodeTypeFailure(spec.name, "flatten", cause);
  }
  const { keys, children, aux } = (flat ?? {}) as { keys?: unknown; children?: unknown; aux?: unknown };
  if (!Array.isArray(keys) || !Array.isArray(children) || keys.length !== children.length) {
    throw new NodeTypeError(
      `the ${spec.name} node type's flatten did not return as many keys as children (an array of each)`,
    );
  }
  return { keys, children, aux };
}

function enterCustom(node: object, spec: NodeTypeSpec, pend: unknown[], pl: number): Meta {
  const { keys, children, aux } = readNodeType(node, spec);
  const top = pl + children.length - 1;
  for (let j = 0; j < children.length; j++) pend[top - j] = children[j];
  return meta(
    CUSTOM,
    children.length,
    Object.freeze(keys.slice() as Key[]),
    null,
    false,
    false,
    spec,
    aux,
    undefined,
  );
}

/** The key of child `index` of an internal node. */
export function childKey(m: Meta, index: number): Key {
  return m.kind === ARRAY ? index : (m.keys[index] as Key);
}
