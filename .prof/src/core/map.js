"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.treeMap = treeMap;
exports.treeMapWithPath = treeMapWithPath;
exports.treeMapN = treeMapN;
exports.flattenAlike = flattenAlike;
exports.assertSameStructure = assertSameStructure;
/**
 * Mapping over leaves: one tree (`treeMap`, `treeMapWithPath`) or several of one structure
 * (`treeMapN`).
 *
 * `treeMap` is the engine's rebuild pass (flatten and unflatten in one walk, as
 * `jax.tree_util.tree_map` is in spirit); `treeMapN` flattens every tree, checks their structures
 * against the first one's before calling `f` (so a mismatch leaves no half-made tensors), and
 * unflattens.
 *
 * @module
 */
const flatten_1 = require("./flatten");
const flattenPass_1 = require("./flattenPass");
const keyPath_1 = require("./keyPath");
const options_1 = require("./options");
const rebuildPass_1 = require("./rebuildPass");
const treedef_1 = require("./treedef");
/**
 * Applies `f` to every leaf, keeping the structure (new containers, frozen where the input's
 * were). Leaves are visited in leaf order.
 *
 * @example
 * treeMap((x: number) => x * 2, { a: 1, b: [2, 3] }); // { a: 2, b: [4, 6] }
 * const exps = tf.tidy(() => treeMap((x: tf.Tensor) => tf.exp(x), { w: tf.zeros([2]) }));
 * exps.w; // [1, 1]
 * tf.dispose(exps.w);
 */
function treeMap(f, tree, options) {
    return (0, rebuildPass_1.rebuildPass)(tree, (0, options_1.resolveOptions)(options), { leaf: (x) => f(x), share: false });
}
/**
 * Applies `f(path, leaf)` to every leaf, `path` being the leaf's key path.
 *
 * @example
 * treeMapWithPath((path, x) => keystr(path), { a: [0] }); // { a: [".a[0]"] }
 */
function treeMapWithPath(f, tree, options) {
    const cursor = new rebuildPass_1.Cursor();
    const leaf = (x) => f(cursor.path(), x);
    return (0, rebuildPass_1.rebuildPass)(tree, (0, options_1.resolveOptions)(options), { leaf, share: false }, cursor);
}
/**
 * Applies `f(leaf0, leaf1, ...)` across trees of one structure. Objects are matched by key (not
 * by position); the result has the first tree's structure. When a tree differs, the error names
 * the key path where it first does and what each tree holds there.
 *
 * @example
 * treeMapN((a: number, b: number) => a + b, [{ x: 1, y: 2 }, { y: 20, x: 10 }]); // { x: 11, y: 22 }
 */
function treeMapN(f, trees, options) {
    if (!Array.isArray(trees) || trees.length === 0) {
        throw new TypeError("treeMapN: expected a non-empty array of trees");
    }
    const [def, columns] = flattenAlike("treeMapN", trees, options);
    const first = columns[0];
    const n = first.length;
    const out = new Array(n);
    // Fixed arities get direct calls: a spread per leaf would allocate.
    if (columns.length === 1) {
        for (let i = 0; i < n; i++)
            out[i] = f(first[i]);
    }
    else if (columns.length === 2) {
        const b = columns[1];
        for (let i = 0; i < n; i++)
            out[i] = f(first[i], b[i]);
    }
    else if (columns.length === 3) {
        const b = columns[1];
        const c = columns[2];
        for (let i = 0; i < n; i++)
            out[i] = f(first[i], b[i], c[i]);
    }
    else {
        const args = new Array(columns.length);
        for (let i = 0; i < n; i++) {
            for (let t = 0; t < columns.length; t++)
                args[t] = columns[t][i];
            out[i] = f(...args);
        }
    }
    return def.unflatten(out);
}
/**
 * @internal The first tree's structure and every tree's leaves; throws, naming the first
 * difference, when a tree's structure differs from the first one's. The other trees are read
 * along the first one's structure (see `readAlong`); only one that differs is flattened on its
 * own, to say where.
 */
function flattenAlike(what, trees, options) {
    const [first, def] = (0, flatten_1.treeFlatten)(trees[0], options);
    const resolved = (0, options_1.resolveOptions)(options);
    const columns = [first];
    for (let t = 1; t < trees.length; t++) {
        const along = (0, flattenPass_1.readAlong)(trees[t], resolved, def.nodes);
        if (along !== null) {
            columns.push(along);
            continue;
        }
        const [leaves, other] = (0, flatten_1.treeFlatten)(trees[t], options);
        assertSameStructure(what, def, other, 0, t);
        columns.push(leaves);
    }
    return [def, columns];
}
/**
 * @internal Throws a message naming where `b` first differs from `a`.
 */
function assertSameStructure(what, a, b, ia, ib) {
    if (a.equals(b))
        return;
    const diff = (0, treedef_1.firstDifference)(a, b) ?? (0, treedef_1.firstDifference)(b, a);
    if (diff === undefined) {
        throw new Error(`${what}: tree ${ib} does not have the structure of tree ${ia}`);
    }
    throw new Error(`${what}: tree ${ib} does not have the structure of tree ${ia}: at ${(0, keyPath_1.describePath)(diff.path)}, ` +
        `tree ${ia} has ${diff.left} but tree ${ib} has ${diff.right}`);
}
