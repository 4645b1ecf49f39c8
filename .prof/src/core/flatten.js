"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.treeFlatten = treeFlatten;
exports.treeFlattenWithPath = treeFlattenWithPath;
exports.treeLeaves = treeLeaves;
exports.treeStructure = treeStructure;
exports.treeUnflatten = treeUnflatten;
const flattenPass_1 = require("./flattenPass");
const options_1 = require("./options");
const treedef_1 = require("./treedef");
// -------------------------------------------------------------------------------------
// flatten
// -------------------------------------------------------------------------------------
/**
 * The leaves of `tree` in order, and its structure (a fresh, immutable `TreeDef`).
 *
 * @example
 * const [leaves, def] = treeFlatten({ b: 2, a: [1, null] });
 * leaves;          // [1, 2]
 * def.toString();  // "TreeDef({ a: [*, null], b: * })"
 */
function treeFlatten(tree, options) {
    const { leaves, metas } = (0, flattenPass_1.flattenPass)(tree, (0, options_1.resolveOptions)(options), true, false);
    return [leaves, new treedef_1.TreeDef(metas, leaves.length)];
}
/**
 * Like {@link treeFlatten}, with the key path of every leaf, recorded in the same single pass.
 *
 * @example
 * const [pairs] = treeFlattenWithPath({ layers: [{ w: 1 }] });
 * pairs; // [[["layers", 0, "w"], 1]]
 */
function treeFlattenWithPath(tree, options) {
    const { leaves, metas, paths } = (0, flattenPass_1.flattenPass)(tree, (0, options_1.resolveOptions)(options), true, true);
    const pairs = new Array(leaves.length);
    for (let i = 0; i < leaves.length; i++)
        pairs[i] = [paths[i], leaves[i]];
    return [pairs, new treedef_1.TreeDef(metas, leaves.length)];
}
/**
 * The leaves of `tree`, in order.
 *
 * @example
 * treeLeaves([{ y: 2, x: 1 }, 3]); // [1, 2, 3]
 */
function treeLeaves(tree, options) {
    return (0, flattenPass_1.flattenPass)(tree, (0, options_1.resolveOptions)(options), false, false).leaves;
}
/**
 * The structure of `tree` alone.
 *
 * @example
 * treeStructure({ w: [0, 0] }).numLeaves; // 2
 */
function treeStructure(tree, options) {
    return treeFlatten(tree, options)[1];
}
// -------------------------------------------------------------------------------------
// unflatten
// -------------------------------------------------------------------------------------
/**
 * Rebuilds a tree of structure `treedef` from `leaves` (in leaf order). Objects get back their
 * original key order; registered records get back their static fields. Throws, naming the path of
 * the first missing leaf, when the count is wrong.
 *
 * @example
 * const [leaves, def] = treeFlatten<number>({ a: 1, b: [2] });
 * treeUnflatten(def, leaves.map((x) => x * 10)); // { a: 10, b: [20] }
 */
function treeUnflatten(treedef, leaves) {
    return treedef.unflatten(leaves);
}
