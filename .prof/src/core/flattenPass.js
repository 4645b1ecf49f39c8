"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.flattenPass = flattenPass;
exports.readAlong = readAlong;
/**
 * The engine's flatten: one pre-order pass that collects the leaves, the metas of every node
 * (the structure) and, when asked, the key path of every leaf. Every function that reads a tree
 * is built on it (treeFlatten, treeLeaves, treeMapN, partition, treeAt's shadow, the codec).
 *
 * Pending values, not cursors: entering an internal node pushes all of its children onto `pend`
 * at once, last one first, so that popping yields leaf order; a frame per internal node remembers
 * where its children start (to know when it is finished, and for paths and the cycle check).
 *
 * @internal
 * @module
 */
const chunkedList_1 = require("./chunkedList");
const frames_1 = require("./frames");
const build_1 = require("./build");
const node_1 = require("./node");
const rules_1 = require("./rules");
function flattenPass(root, options, withMetas, withPaths) {
    const { isLeaf, noneIsLeaf, registry } = options;
    const leaves = new chunkedList_1.ChunkedList();
    const metas = withMetas ? new chunkedList_1.ChunkedList() : null;
    const paths = withPaths ? new chunkedList_1.ChunkedList() : null;
    const frames = new frames_1.Frames();
    const pend = [root];
    let pl = 1;
    let slot = 0;
    try {
        while (pl > 0) {
            const node = pend[--pl];
            // Frames with no child left in `pend` are finished.
            let size = frames.size;
            while (size > 0 && frames.base[size - 1] > pl)
                frames.nodes[--size] = undefined;
            frames.size = size;
            let hints = frames.hints;
            let at = size;
            if (size > 0) {
                const parent = frames.metas[size - 1];
                slot = frames.base[size - 1] + parent.arity - 1 - pl;
                if (parent.hints !== null) {
                    hints = parent.hints;
                    at = slot;
                }
            }
            const meta = (0, node_1.enter)(node, isLeaf, noneIsLeaf, registry, hints, at, pend, pl);
            if (metas !== null)
                metas.push(meta);
            if (meta.kind === node_1.LEAF) {
                leaves.push(node);
                if (paths !== null)
                    paths.push(frames.pathTo(size, slot));
            }
            else if (meta.kind !== node_1.NONE && meta.arity > 0) {
                frames.push(node, meta, pl, slot);
                pl += meta.arity;
            }
        }
    }
    catch (e) {
        throw (0, frames_1.withPath)(e, () => frames.pathTo(frames.size, slot));
    }
    return {
        leaves: leaves.toArray(),
        metas: metas === null ? null : metas.toArray(),
        paths: paths === null ? null : paths.toArray(),
    };
}
/**
 * The same pass guided by a structure known beforehand (`expected`, pre-order metas, as a
 * TreeDef holds them): each node is classified as usual, with the expected object shape as the
 * guess, and compared with the expected node. Returns the leaves, or `null` at the first node that
 * differs (or breaks a rule): the caller then runs the discovering pass, which names the place.
 * Why: checking that a tree has a known structure is cheaper than discovering its structure
 * (nothing to record, no shape to look up), and `treeMapN`, `combine` and structure checks only
 * need to know whether trees match.
 */
function readAlong(root, options, expected) {
    const { isLeaf, noneIsLeaf, registry } = options;
    const leaves = [];
    const guess = [undefined, undefined];
    const pend = [root];
    let pl = 1;
    let n = 0;
    const total = expected.length;
    try {
        while (pl > 0) {
            if (n === total)
                return null;
            const want = expected[n++];
            const node = pend[--pl];
            guess[0] = want.shape;
            guess[1] = undefined;
            const meta = (0, node_1.enter)(node, isLeaf, noneIsLeaf, registry, guess, 0, pend, pl);
            if (meta !== want && !(0, build_1.metaEqual)(meta, want))
                return null;
            if (meta.kind === node_1.LEAF)
                leaves.push(node);
            else if (meta.kind !== node_1.NONE)
                pl += meta.arity;
        }
    }
    catch (e) {
        if (e instanceof rules_1.NodeRuleError)
            return null;
        throw e;
    }
    return n === total ? leaves : null;
}
