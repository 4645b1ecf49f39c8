/**
 * Rebuilding a node from its children, and comparing and describing metas: the other half of
 * `node.ts`, shared by every pass that makes trees (rebuild, unflatten).
 *
 * @internal
 * @module
 */
import { ARRAY, CUSTOM, LEAF, NONE, OBJECT, RECORD, type Meta } from "./node";
import { markRecord, marks, ownSpecOf } from "./ownSpecs";
import type { NodeTypeSpec, RecordSpec } from "./registry";
import { PLAIN_DATA_LIMIT, dataKind, markBuilt, nodeTypeFailure } from "./rules";
import { staticText } from "./staticText";

// -------------------------------------------------------------------------------------
// building
// -------------------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever used with .call
const hasOwn = Object.prototype.hasOwnProperty;

/** `out[key] = value`, keeping a `__proto__` key an own data property (never the prototype). */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

/**
 * Builds an internal node of `meta` from its children, read from `values[start .. start + arity)`
 * in visiting order. Objects get back their insertion order, records their static fields, and
 * frozen nodes come back frozen.
 */
export function build(meta: Meta, values: readonly unknown[], start: number): unknown {
  const n = meta.arity;
  switch (meta.kind) {
    case ARRAY: {
      const out = new Array<unknown>(n);
      for (let j = 0; j < n; j++) out[j] = values[start + j];
      return meta.frozen ? Object.freeze(out) : out;
    }
    case OBJECT: {
      const out: Record<string, unknown> = meta.nullProto
        ? (Object.create(null) as Record<string, unknown>)
        : {};
      // Data properties only, by construction: the next pass need not check it (`rules.ts`).
      markBuilt(out);
      const keys = meta.keys as readonly string[];
      const order = meta.order;
      for (let i = 0; i < n; i++) {
        const j = order === null ? i : (order[i] as number);
        setOwn(out, keys[j] as string, values[start + j]);
      }
      return meta.frozen ? Object.freeze(out) : out;
    }
    case RECORD: {
      const template = meta.data as Readonly<Record<string, unknown>>;
      const out: Record<string, unknown> = meta.nullProto
        ? (Object.create(null) as Record<string, unknown>)
        : {};
      markBuilt(out);
      for (const key of Object.keys(template)) setOwn(out, key, template[key]);
      const children = meta.keys as readonly string[];
      for (let j = 0; j < n; j++) {
        const key = children[j] as string;
        let value = values[start + j];
        // A child the record did not have (an empty child) stays absent: the record comes back
        // with the keys it had.
        if (value === undefined && !hasOwn.call(template, key)) continue;
        // A frozen record keeps a frozen array child frozen even when it is replaced (treeAt), as a
        // frozen copy: an array the caller passed in is never frozen in place.
        const was = template[key];
        if (
          meta.frozen &&
          Array.isArray(value) &&
          Array.isArray(was) &&
          Object.isFrozen(was) &&
          !Object.isFrozen(value)
        ) {
          value = Object.freeze(value.slice());
        }
        setOwn(out, key, value);
      }
      // A record that carried its own spec still does when rebuilt (`ownSpecs.ts`).
      const own = marks.any ? ownSpecOf(template) : undefined;
      if (own !== undefined) markRecord(out, own);
      return meta.frozen ? Object.freeze(out) : out;
    }
    case CUSTOM: {
      const spec = meta.spec as NodeTypeSpec;
      try {
        return spec.unflatten(meta.data, values.slice(start, start + n));
      } catch (cause) {
        // The pass that builds the node adds its path, as for a failing flatten.
        throw nodeTypeFailure(spec.name, "unflatten", cause);
      }
    }
    default:
      throw new Error(`build: a ${describeMeta(meta)} has no children`);
  }
}

/** The child `index` of `node` as the classifier read it (for `buildIfChanged`). */
function sameChildren(meta: Meta, node: unknown, values: readonly unknown[], start: number): boolean {
  const n = meta.arity;
  if (meta.kind === ARRAY) {
    const arr = node as readonly unknown[];
    for (let j = 0; j < n; j++) if (!Object.is(values[start + j], arr[j])) return false;
    return true;
  }
  if (meta.kind === CUSTOM) {
    // The children as the node type's flatten gives them (it read them from `node` the same way).
    const children = (meta.spec as NodeTypeSpec).flatten(node).children;
    for (let j = 0; j < n; j++) if (!Object.is(values[start + j], children[j])) return false;
    return true;
  }
  const obj = node as Record<string, unknown>;
  const keys = meta.keys as readonly string[];
  for (let j = 0; j < n; j++) if (!Object.is(values[start + j], obj[keys[j] as string])) return false;
  return true;
}

/**
 * Like {@link build}, but returns `node` itself when every child is the very same value as
 * before: passes that change some leaves only (unwrap, treeAt) share the untouched subtrees.
 */
export function buildIfChanged(
  meta: Meta,
  node: unknown,
  values: readonly unknown[],
  start: number,
): unknown {
  return sameChildren(meta, node, values, start) ? node : build(meta, values, start);
}

// -------------------------------------------------------------------------------------
// comparing
// -------------------------------------------------------------------------------------

/**
 * Static data compared by value: arrays and plain objects element by element, anything else
 * (a class instance, a typed array, a tensor, an object with an accessor) by identity, without
 * reading it. At most 10,000 containers are compared (a cyclic or huge value is then unequal to
 * any other), so a getter is never run and a cycle never followed forever.
 */
export function staticEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  // Pairs still to compare, on an explicit stack: a static value may be deep.
  const pending: unknown[] = [a, b];
  let budget = PLAIN_DATA_LIMIT;
  while (pending.length > 0) {
    const y = pending.pop();
    const x = pending.pop();
    if (Object.is(x, y)) continue;
    if (x === null || y === null || typeof x !== "object" || typeof y !== "object") return false;
    if (--budget < 0) return false;
    const kind = dataKind(x);
    if (kind === undefined || kind !== dataKind(y)) return false;
    if (kind === "array") {
      const xa = x as readonly unknown[];
      const ya = y as readonly unknown[];
      if (xa.length !== ya.length) return false;
      for (let i = 0; i < xa.length; i++) pending.push(xa[i], ya[i]);
      continue;
    }
    const kx = Object.keys(x).sort();
    const ky = Object.keys(y).sort();
    if (kx.length !== ky.length) return false;
    const rx = x as Record<string, unknown>;
    const ry = y as Record<string, unknown>;
    for (let i = 0; i < kx.length; i++) {
      const k = kx[i] as string;
      if (k !== ky[i]) return false;
      pending.push(rx[k], ry[k]);
    }
  }
  return true;
}

/** The static fields of a record: everything but `_tag` and its children, sorted by name. */
export function staticFields(meta: Meta): [string, unknown][] {
  const template = meta.data as Readonly<Record<string, unknown>>;
  const children = meta.keys;
  return Object.keys(template)
    .filter((k) => k !== "_tag" && !children.includes(k))
    .sort()
    .map((k) => [k, template[k]]);
}

/** Same structure at this node (frozenness and insertion order do not count). */
export function metaEqual(a: Meta, b: Meta): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.arity !== b.arity) return false;
  switch (a.kind) {
    case LEAF:
    case ARRAY:
      return true;
    case NONE:
      return a.value === b.value;
    case OBJECT:
      return a.keys === b.keys || a.keys.every((k, i) => k === b.keys[i]);
    case RECORD: {
      if ((a.spec as RecordSpec).tag !== (b.spec as RecordSpec).tag) return false;
      if (a.data === b.data) return true;
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
    case CUSTOM:
      // Object.is: a Map keyed by NaN is the same structure as itself.
      return (
        a.spec === b.spec && a.keys.every((k, i) => Object.is(k, b.keys[i])) && staticEqual(a.data, b.data)
      );
  }
}

// -------------------------------------------------------------------------------------
// describing
// -------------------------------------------------------------------------------------

/** A short description of a node, for error messages. */
export function describeMeta(meta: Meta): string {
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
      return `a ${(meta.spec as RecordSpec).tag} record`;
    case CUSTOM: {
      // Two nodes of one type differ by their keys or their aux: say both, or the message would
      // read "a Map but ... a Map".
      const keys = meta.keys.map((k) => (typeof k === "number" ? String(k) : JSON.stringify(k))).join(", ");
      // An aux that only repeats the keys (a Map's) says nothing more.
      const data = meta.data;
      const repeatsKeys =
        Array.isArray(data) &&
        data.length === meta.keys.length &&
        data.every((k, i) => Object.is(k, meta.keys[i]));
      const aux = data === undefined || repeatsKeys ? "" : ` and aux ${staticText(data)}`;
      return `a ${(meta.spec as NodeTypeSpec).name} with keys [${keys}]${aux}`;
    }
  }
}
