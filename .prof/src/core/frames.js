"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Frames = void 0;
exports.withPath = withPath;
/**
 * The explicit stack shared by the engine's two passes (flatten and rebuild): one frame per
 * internal node being visited, as parallel arrays (cheaper than an object per frame). Both passes
 * are loops, never recursion, so a tree 100,000 levels deep is as fine as a flat one; a cycle
 * makes the stack grow without end, which `checkCycle` notices.
 *
 * @internal
 * @module
 */
const keyPath_1 = require("./keyPath");
const node_1 = require("./node");
const rules_1 = require("./rules");
class Frames {
    /** The node of each frame (cleared when the frame ends, so nothing is kept alive). */
    nodes = [];
    metas = [];
    /** Where the frame's children start in the pass's pending stack. */
    base = [];
    /** Which child of its parent the frame's node is. */
    slot = [];
    /** The shape last seen per depth: the guess for the next object child of an array. */
    hints = [];
    size = 0;
    nextCycleCheck = 1024;
    push(node, meta, base, slot) {
        const f = this.size++;
        this.nodes[f] = node;
        this.metas[f] = meta;
        this.base[f] = base;
        this.slot[f] = slot;
        if (this.size >= this.nextCycleCheck) {
            this.nextCycleCheck *= 2;
            this.checkCycle();
        }
    }
    /** The key path of child `slot` of the frame `size - 1` (the root's path when `size` is 0). */
    pathTo(size, slot) {
        const out = new Array(size);
        for (let g = 0; g < size; g++) {
            out[g] = (0, node_1.childKey)(this.metas[g], g === size - 1 ? slot : this.slot[g + 1]);
        }
        return out;
    }
    /**
     * Looks for a node that is its own ancestor. Run each time the depth doubles: linear work
     * overall, nothing at all for shallow trees.
     */
    checkCycle() {
        const seen = new Map();
        for (let f = 0; f < this.size; f++) {
            const node = this.nodes[f];
            const first = seen.get(node);
            if (first !== undefined) {
                const outer = (0, keyPath_1.describePath)(this.pathTo(first, this.slot[first]));
                const inner = (0, keyPath_1.describePath)(this.pathTo(f, this.slot[f]));
                throw new Error(`cyclic tree: the node at ${outer} contains itself (it is reached again at ${inner}); trees must be acyclic`);
            }
            seen.set(node, f);
        }
    }
}
exports.Frames = Frames;
/** Adds the path to a node rule's complaint (see `node.ts`); rethrows anything else. */
function withPath(e, path) {
    if (!(e instanceof rules_1.NodeRuleError))
        return e;
    return new TypeError(`the node at ${(0, keyPath_1.describePath)(path())} has ${e.message}: trees hold own enumerable data properties ` +
        `only (make such a value a leaf with \`isLeaf\`, or register its class with \`registerNodeType\`)`);
}
