"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.undefinedMeta = exports.nullMeta = exports.leafMeta = exports.CUSTOM = exports.RECORD = exports.OBJECT = exports.ARRAY = exports.NONE = exports.LEAF = void 0;
exports.arrayMeta = arrayMeta;
exports.enter = enter;
exports.childKey = childKey;
const rules_1 = require("./rules");
const shape_1 = require("./shape");
// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------
exports.LEAF = 0;
exports.NONE = 1;
exports.ARRAY = 2;
exports.OBJECT = 3;
exports.RECORD = 4;
exports.CUSTOM = 5;
function meta(kind, arity, keys, order, nullProto, frozen, spec, data, value, shape) {
    const hints = kind === exports.OBJECT ? new Array(2 * arity).fill(undefined) : null;
    return { kind, arity, keys, order, nullProto, frozen, spec, data, value, hints, shape };
}
const noKeys = Object.freeze([]);
const none = (value) => Object.freeze(meta(exports.NONE, 0, noKeys, null, false, false, undefined, undefined, value));
exports.leafMeta = Object.freeze(meta(exports.LEAF, 0, noKeys, null, false, false, undefined, undefined, undefined));
exports.nullMeta = none(null);
exports.undefinedMeta = none(undefined);
const arrayMetas = [[], []];
function arrayMeta(arity, frozen) {
    const cache = arrayMetas[frozen ? 1 : 0];
    const cached = arity < 256 ? cache[arity] : undefined;
    if (cached !== undefined)
        return cached;
    const made = Object.freeze(meta(exports.ARRAY, arity, noKeys, null, false, frozen, undefined, undefined, undefined));
    if (arity < 256)
        cache[arity] = made;
    return made;
}
// -------------------------------------------------------------------------------------
// shapes: objects with the same own keys in the same order share their metas
// -------------------------------------------------------------------------------------
function shapeMeta(shape, nullProto, frozen) {
    const slot = (nullProto ? 2 : 0) + (frozen ? 1 : 0);
    // Not frozen: `hints` is written by the passes.
    return (shape.metas[slot] ??= meta(exports.OBJECT, shape.sorted.length, shape.sorted, shape.order, nullProto, frozen, undefined, undefined, undefined, shape));
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
function enter(node, isLeaf, noneIsLeaf, registry, hints, at, pend, pl) {
    if (isLeaf !== undefined && isLeaf(node))
        return exports.leafMeta;
    if (typeof node !== "object")
        return node === undefined && !noneIsLeaf ? exports.undefinedMeta : exports.leafMeta;
    if (node === null)
        return noneIsLeaf ? exports.leafMeta : exports.nullMeta;
    if (Array.isArray(node)) {
        const n = node.length;
        // Ascending positions, so that `pend` grows without holes (a hole would make it slow).
        const top = pl + n - 1;
        for (let i = n - 1; i >= 0; i--) {
            const child = node[i];
            if (child === undefined && !(i in node))
                throw new rules_1.NodeRuleError(`a hole at index ${i} (a sparse array)`);
            pend[top - i] = child;
        }
        return arrayMeta(n, Object.isFrozen(node));
    }
    const proto = Object.getPrototypeOf(node);
    if (proto === Object.prototype || proto === null) {
        return enterObject(node, proto === null, registry, hints, 2 * at, pend, pl);
    }
    if (registry.types.size > 0) {
        const spec = registry.types.get(proto);
        if (spec !== undefined)
            return enterCustom(node, spec, pend, pl);
    }
    return exports.leafMeta;
}
// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever used with .call
const isEnumerable = Object.prototype.propertyIsEnumerable;
/** A plain object: by its guessed shape in one `for...in`, else by `Object.keys` and the cache. */
function enterObject(node, nullProto, registry, hints, h, pend, pl) {
    const obj = node;
    (0, rules_1.checkOrdinary)(node); // before any read: a getter is never run
    let shape;
    const first = hints[h];
    const second = hints[h + 1];
    if (first !== undefined && !first.hasTag && readByShape(obj, first, pend, pl))
        shape = first;
    else if (second !== undefined && !second.hasTag && readByShape(obj, second, pend, pl)) {
        shape = second;
        hints[h] = second;
        hints[h + 1] = first;
    }
    else {
        // A registered record is known by its own enumerable `_tag` alone, without listing its keys.
        const tag = registry.specs.size > 0 ? obj._tag : undefined;
        const spec = typeof tag === "string" ? registry.specs.get(tag) : undefined;
        if (spec !== undefined && isEnumerable.call(node, "_tag")) {
            const children = spec.children;
            const top = pl + children.length - 1;
            for (let j = 0; j < children.length; j++)
                pend[top - j] = obj[children[j]];
            const frozen = Object.isFrozen(node);
            return meta(exports.RECORD, children.length, children, null, nullProto, frozen, spec, node, undefined);
        }
        shape = (0, shape_1.shapeOf)(Object.keys(node));
        hints[h + 1] = first;
        hints[h] = shape;
        const sorted = shape.sorted;
        const top = pl + sorted.length - 1;
        for (let j = 0; j < sorted.length; j++)
            pend[top - j] = obj[sorted[j]];
    }
    return shapeMeta(shape, nullProto, Object.isFrozen(node));
}
/**
 * Pushes the children of `obj` if its own enumerable keys are exactly `shape.insertion`, in one
 * `for...in` (no allocation); `false` otherwise (an inherited enumerable key makes them differ).
 */
function readByShape(obj, shape, pend, pl) {
    const insertion = shape.insertion;
    const order = shape.order;
    const n = insertion.length;
    const top = pl + n - 1;
    let i = 0;
    for (const k in obj) {
        if (i === n || k !== insertion[i])
            return false;
        pend[top - (order === null ? i : order[i])] = obj[k];
        i++;
    }
    return i === n;
}
function enterCustom(node, spec, pend, pl) {
    const flat = spec.flatten(node);
    const keys = flat.keys;
    const children = flat.children;
    const aux = flat.aux;
    if (!Array.isArray(keys) || !Array.isArray(children) || keys.length !== children.length) {
        throw new rules_1.NodeRuleError(`a ${spec.name} whose flatten did not return as many keys as children`);
    }
    const top = pl + children.length - 1;
    for (let j = 0; j < children.length; j++)
        pend[top - j] = children[j];
    return meta(exports.CUSTOM, children.length, Object.freeze(keys.slice()), null, false, false, spec, aux, undefined);
}
/** The key of child `index` of an internal node. */
function childKey(m, index) {
    return m.kind === exports.ARRAY ? index : m.keys[index];
}
