"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.setOwn = setOwn;
exports.build = build;
exports.buildIfChanged = buildIfChanged;
exports.staticEqual = staticEqual;
exports.staticFields = staticFields;
exports.metaEqual = metaEqual;
exports.describeMeta = describeMeta;
/**
 * Rebuilding a node from its children, and comparing and describing metas: the other half of
 * `node.ts`, shared by every pass that makes trees (rebuild, unflatten).
 *
 * @internal
 * @module
 */
const node_1 = require("./node");
// -------------------------------------------------------------------------------------
// building
// -------------------------------------------------------------------------------------
/** `out[key] = value`, keeping a `__proto__` key an own data property (never the prototype). */
function setOwn(out, key, value) {
    if (key === "__proto__") {
        Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    }
    else {
        out[key] = value;
    }
}
/**
 * Builds an internal node of `meta` from its children, read from `values[start .. start + arity)`
 * in visiting order. Objects get back their insertion order, records their static fields, and
 * frozen nodes come back frozen.
 */
function build(meta, values, start) {
    const n = meta.arity;
    switch (meta.kind) {
        case node_1.ARRAY: {
            const out = new Array(n);
            for (let j = 0; j < n; j++)
                out[j] = values[start + j];
            return meta.frozen ? Object.freeze(out) : out;
        }
        case node_1.OBJECT: {
            const out = meta.nullProto
                ? Object.create(null)
                : {};
            const keys = meta.keys;
            const order = meta.order;
            for (let i = 0; i < n; i++) {
                const j = order === null ? i : order[i];
                setOwn(out, keys[j], values[start + j]);
            }
            return meta.frozen ? Object.freeze(out) : out;
        }
        case node_1.RECORD: {
            const template = meta.data;
            const out = meta.nullProto
                ? Object.create(null)
                : {};
            for (const key of Object.keys(template))
                setOwn(out, key, template[key]);
            const children = meta.keys;
            for (let j = 0; j < n; j++) {
                const key = children[j];
                let value = values[start + j];
                // A frozen record keeps a frozen array child frozen even when it is replaced (treeAt), as a
                // frozen copy: an array the caller passed in is never frozen in place.
                const was = template[key];
                if (meta.frozen &&
                    Array.isArray(value) &&
                    Array.isArray(was) &&
                    Object.isFrozen(was) &&
                    !Object.isFrozen(value)) {
                    value = Object.freeze(value.slice());
                }
                setOwn(out, key, value);
            }
            return meta.frozen ? Object.freeze(out) : out;
        }
        case node_1.CUSTOM:
            return meta.spec.unflatten(meta.data, values.slice(start, start + n));
        default:
            throw new Error(`build: a ${describeMeta(meta)} has no children`);
    }
}
/** The child `index` of `node` as the classifier read it (for `buildIfChanged`). */
function sameChildren(meta, node, values, start) {
    const n = meta.arity;
    if (meta.kind === node_1.ARRAY) {
        const arr = node;
        for (let j = 0; j < n; j++)
            if (!Object.is(values[start + j], arr[j]))
                return false;
        return true;
    }
    if (meta.kind === node_1.CUSTOM)
        return false;
    const obj = node;
    const keys = meta.keys;
    for (let j = 0; j < n; j++)
        if (!Object.is(values[start + j], obj[keys[j]]))
            return false;
    return true;
}
/**
 * Like {@link build}, but returns `node` itself when every child is the very same value as
 * before: passes that change some leaves only (unwrap, treeAt) share the untouched subtrees.
 */
function buildIfChanged(meta, node, values, start) {
    return sameChildren(meta, node, values, start) ? node : build(meta, values, start);
}
// -------------------------------------------------------------------------------------
// comparing
// -------------------------------------------------------------------------------------
/** Static data compared by value: arrays and plain objects element-wise, the rest by identity. */
function staticEqual(a, b) {
    if (Object.is(a, b))
        return true;
    if (Array.isArray(a) && Array.isArray(b)) {
        return a.length === b.length && a.every((x, i) => staticEqual(x, b[i]));
    }
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
        const pa = Object.getPrototypeOf(a);
        const pb = Object.getPrototypeOf(b);
        if ((pa === Object.prototype || pa === null) && (pb === Object.prototype || pb === null)) {
            const ka = Object.keys(a).sort();
            const kb = Object.keys(b).sort();
            const ra = a;
            const rb = b;
            return ka.length === kb.length && ka.every((k, i) => k === kb[i] && staticEqual(ra[k], rb[k]));
        }
    }
    return false;
}
/** The static fields of a record: everything but `_tag` and its children, sorted by name. */
function staticFields(meta) {
    const template = meta.data;
    const children = meta.keys;
    return Object.keys(template)
        .filter((k) => k !== "_tag" && !children.includes(k))
        .sort()
        .map((k) => [k, template[k]]);
}
/** Same structure at this node (frozenness and insertion order do not count). */
function metaEqual(a, b) {
    if (a === b)
        return true;
    if (a.kind !== b.kind || a.arity !== b.arity)
        return false;
    switch (a.kind) {
        case node_1.LEAF:
        case node_1.ARRAY:
            return true;
        case node_1.NONE:
            return a.value === b.value;
        case node_1.OBJECT:
            return a.keys === b.keys || a.keys.every((k, i) => k === b.keys[i]);
        case node_1.RECORD: {
            if (a.spec.tag !== b.spec.tag)
                return false;
            if (a.data === b.data)
                return true;
            const sa = staticFields(a);
            const sb = staticFields(b);
            return (sa.length === sb.length &&
                sa.every(([k, v], i) => {
                    const other = sb[i];
                    return k === other[0] && staticEqual(v, other[1]);
                }));
        }
        case node_1.CUSTOM:
            return a.spec === b.spec && a.keys.every((k, i) => k === b.keys[i]) && staticEqual(a.data, b.data);
    }
}
// -------------------------------------------------------------------------------------
// describing
// -------------------------------------------------------------------------------------
/** A short description of a node, for error messages. */
function describeMeta(meta) {
    switch (meta.kind) {
        case node_1.LEAF:
            return "a leaf";
        case node_1.NONE:
            return meta.value === null ? "null" : "undefined";
        case node_1.ARRAY:
            return `an array of length ${meta.arity}`;
        case node_1.OBJECT:
            return meta.arity === 0
                ? "an empty object"
                : `an object with keys [${meta.keys.map((k) => JSON.stringify(k)).join(", ")}]`;
        case node_1.RECORD:
            return `a ${meta.spec.tag} record`;
        case node_1.CUSTOM:
            return `a ${meta.spec.name}`;
    }
}
