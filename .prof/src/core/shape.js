"use strict";
/**
 * Object shapes: the own keys of a plain object in insertion order, with their sorted order.
 * Objects of one shape (every `{ weight, bias }` of a model) share one entry, so keys are sorted
 * once per shape rather than once per object, and the metas made for the shape (in `node.ts`) are
 * shared, which makes comparing structures mostly pointer comparisons.
 *
 * @internal
 * @module
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.shapeOf = shapeOf;
/** Shapes by first key, bounded so that objects used as big dictionaries cannot grow it forever. */
const shapes = new Map();
let cachedShapes = 0;
const MAX_SHAPES = 4096;
const MAX_SHAPE_KEYS = 64;
function sameKeys(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i])
            return false;
    return true;
}
function makeShape(keys) {
    const n = keys.length;
    let isSorted = true;
    for (let i = 1; i < n && isSorted; i++)
        if (keys[i - 1] > keys[i])
            isSorted = false;
    let sorted = keys;
    let order = null;
    if (!isSorted) {
        const byName = keys.map((_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : 1));
        order = new Array(n);
        for (let j = 0; j < n; j++)
            order[byName[j]] = j;
        sorted = byName.map((i) => keys[i]);
    }
    return {
        insertion: Object.freeze(keys.slice()),
        sorted: Object.freeze(sorted.slice()),
        order: order === null ? null : Object.freeze(order),
        hasTag: keys.includes("_tag"),
        metas: [undefined, undefined, undefined, undefined],
    };
}
function shapeOf(keys) {
    if (keys.length > MAX_SHAPE_KEYS)
        return makeShape(keys);
    const first = keys.length === 0 ? "" : keys[0];
    let bucket = shapes.get(first);
    if (bucket !== undefined) {
        for (let b = 0; b < bucket.length; b++) {
            const shape = bucket[b];
            if (sameKeys(shape.insertion, keys))
                return shape;
        }
    }
    const shape = makeShape(keys);
    if (cachedShapes < MAX_SHAPES) {
        if (bucket === undefined)
            shapes.set(first, (bucket = []));
        bucket.push(shape);
        cachedShapes++;
    }
    return shape;
}
