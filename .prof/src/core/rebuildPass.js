"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Cursor = exports.VISIT = void 0;
exports.rebuildPass = rebuildPass;
/**
 * The engine's rebuild: one post-order pass that makes a new tree from an old one, each internal
 * node built as soon as its last child is done. Every function that makes a tree from a tree is
 * built on it (treeMap, unwrap, treeAt, nonTrainable, the codec's encoder).
 *
 * The caller says what happens at leaves (`leaf`), may replace whole subtrees before they are
 * visited (`replace`, pre-order) and may turn each rebuilt record into something else (`record`,
 * post-order: how `unwrap` is a few lines). With `share`, a node whose children all come back as
 * the very same values is returned as is, so untouched subtrees are shared with the input.
 *
 * @internal
 * @module
 */
const build_1 = require("./build");
const frames_1 = require("./frames");
const node_1 = require("./node");
/** `replace`'s answer when the node is to be visited as usual. */
exports.VISIT = Symbol("visit");
/**
 * The pass's position, for hooks that need the key path of the node they are called on (errors,
 * `treeMapWithPath`): `path()` is valid during a hook call.
 */
class Cursor {
    frames;
    size = 0;
    slot = 0;
    path() {
        return this.frames === undefined ? [] : this.frames.pathTo(this.size, this.slot);
    }
}
exports.Cursor = Cursor;
function rebuildPass(root, options, hooks, cursor) {
    const { isLeaf, noneIsLeaf, registry } = options;
    const { leaf, replace, record, share, sizes } = hooks;
    const frames = new frames_1.Frames();
    const at = cursor ?? new Cursor();
    at.frames = frames;
    const pend = [root];
    const values = [];
    /** Where each frame's children's values start in `values`. */
    const out = [];
    let pl = 1;
    let sp = 0;
    let leafIndex = 0;
    let preIndex = 0;
    let slot = 0;
    try {
        for (;;) {
            // Build every finished frame from its children's values (all of them once `pend` is empty).
            let size = frames.size;
            while (size > 0 && frames.base[size - 1] >= pl) {
                const top = --size;
                frames.size = size;
                const meta = frames.metas[top];
                const node = frames.nodes[top];
                frames.nodes[top] = undefined;
                const start = out[top];
                let value = share ? (0, build_1.buildIfChanged)(meta, node, values, start) : (0, build_1.build)(meta, values, start);
                if (record !== undefined && meta.kind === node_1.RECORD) {
                    at.size = top;
                    at.slot = frames.slot[top];
                    value = record(value, meta);
                }
                for (let j = start + 1; j < sp; j++)
                    values[j] = undefined;
                values[start] = value;
                sp = start + 1;
            }
            if (pl === 0)
                return values[0];
            const node = pend[--pl];
            let hints = frames.hints;
            let h = size;
            if (size > 0) {
                const parent = frames.metas[size - 1];
                slot = frames.base[size - 1] + parent.arity - 1 - pl;
                if (parent.hints !== null) {
                    hints = parent.hints;
                    h = slot;
                }
            }
            at.size = size;
            at.slot = slot;
            const meta = (0, node_1.enter)(node, isLeaf, noneIsLeaf, registry, hints, h, pend, pl);
            if (replace !== undefined) {
                const index = preIndex++;
                const instead = replace(node, meta, index);
                if (instead !== exports.VISIT) {
                    // Skip the node: its children were pushed above `pl`, and are overwritten unvisited.
                    values[sp++] = instead;
                    preIndex = index + (sizes === undefined ? 1 : sizes[index]);
                    continue;
                }
            }
            if (meta.kind === node_1.LEAF)
                values[sp++] = leaf(node, leafIndex++);
            else if (meta.kind === node_1.NONE)
                values[sp++] = node;
            else if (meta.arity === 0) {
                let value = share ? node : (0, build_1.build)(meta, values, sp);
                if (record !== undefined && meta.kind === node_1.RECORD)
                    value = record(value, meta);
                values[sp++] = value;
            }
            else {
                out[size] = sp;
                frames.push(node, meta, pl, slot);
                pl += meta.arity;
            }
        }
    }
    catch (e) {
        throw (0, frames_1.withPath)(e, () => frames.pathTo(frames.size, slot));
    }
}
