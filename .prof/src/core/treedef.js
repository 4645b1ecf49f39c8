"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TreeDef = void 0;
exports.unflattenNodes = unflattenNodes;
exports.walkNodes = walkNodes;
exports.leafPaths = leafPaths;
exports.firstDifference = firstDifference;
/**
 * `TreeDef`: the structure of a tree without its leaves, as an immutable value you can compare,
 * print and rebuild a tree from (optree's treespec, JAX's PyTreeDef).
 *
 * Internally it is the list of nodes in visiting order (pre-order, sorted object keys), so that
 * comparing, printing and unflattening are loops, never recursion.
 *
 * @module
 */
const keyPath_1 = require("./keyPath");
const build_1 = require("./build");
const node_1 = require("./node");
// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------
/**
 * The structure of a tree: every node but the leaves' values.
 *
 * @example
 * const [leaves, def] = treeFlatten({ b: [1, 2], a: null });
 * def.numLeaves;   // 2
 * def.numNodes;    // 5: the object, null, the array and its two leaves
 * def.toString();  // "TreeDef({ a: null, b: [*, *] })"
 * def.unflatten([3, 4]); // { b: [3, 4], a: null }
 */
class TreeDef {
    /** How many leaves a tree of this structure has. */
    numLeaves;
    /** How many nodes, counted as JAX and optree do: internal nodes, leaves and empty `null` nodes. */
    numNodes;
    /** @internal The nodes in pre-order. */
    nodes;
    /** @internal Use `treeFlatten` or `treeStructure` to get a TreeDef. */
    constructor(nodes, numLeaves) {
        this.nodes = nodes;
        this.numLeaves = numLeaves;
        this.numNodes = nodes.length;
        Object.freeze(this);
    }
    /**
     * Same structure: same node kinds, sorted object keys, array lengths, record tags and static
     * fields. Key insertion order does not matter.
     *
     * @example
     * treeStructure({ a: 1, b: 2 }).equals(treeStructure({ b: 0, a: 0 })); // true
     */
    equals(other) {
        if (this === other)
            return true;
        if (this.numNodes !== other.numNodes || this.numLeaves !== other.numLeaves)
            return false;
        // Trees built alike share their (cached) metas, so this is mostly pointer comparisons.
        const a = this.nodes;
        const b = other.nodes;
        for (let n = 0; n < a.length; n++) {
            const ma = a[n];
            const mb = b[n];
            if (ma !== mb && !(0, build_1.metaEqual)(ma, mb))
                return false;
        }
        return true;
    }
    /**
     * Builds a tree of this structure from `leaves`, in leaf order. Throws, naming the first
     * path that has no leaf or the count, when the number of leaves is wrong.
     *
     * @example
     * treeStructure([0, { x: 0 }]).unflatten(["a", "b"]); // ["a", { x: "b" }]
     */
    unflatten(leaves) {
        if (!Array.isArray(leaves)) {
            throw new TypeError(`treeUnflatten: leaves must be an array, got ${typeof leaves}`);
        }
        if (leaves.length !== this.numLeaves) {
            const paths = leafPaths(this);
            const where = leaves.length < this.numLeaves
                ? `; the first leaf without a value is at ${(0, keyPath_1.describePath)(paths[leaves.length])}`
                : "";
            throw new Error(`treeUnflatten: the structure ${this.toString(80)} has ${this.numLeaves} leaves, got ${leaves.length}${where}`);
        }
        return unflattenNodes(this.nodes, leaves);
    }
    /**
     * The key path of every leaf, in leaf order.
     *
     * @example
     * treeStructure({ w: [0, 0] }).paths(); // [["w", 0], ["w", 1]]
     */
    paths() {
        return leafPaths(this);
    }
    /**
     * A readable rendering, like JAX's `PyTreeDef({'a': *, ...})`: one `*` per leaf, keys shown,
     * records by tag with their static fields. `maxLength` cuts long renderings with `...`.
     *
     * @example
     * treeStructure({ w: [1, 2], b: null }).toString(); // "TreeDef({ b: null, w: [*, *] })"
     */
    toString(maxLength) {
        const text = `TreeDef(${renderNodes(this.nodes)})`;
        return maxLength !== undefined && text.length > maxLength ? `${text.slice(0, maxLength - 4)}...)` : text;
    }
}
exports.TreeDef = TreeDef;
// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------
/** Rebuilds a tree from pre-order nodes by walking them backwards with a value stack. */
function unflattenNodes(nodes, leaves) {
    const stack = [];
    let sp = 0;
    let li = leaves.length;
    for (let n = nodes.length - 1; n >= 0; n--) {
        const meta = nodes[n];
        switch (meta.kind) {
            case node_1.LEAF:
                stack[sp++] = leaves[--li];
                break;
            case node_1.NONE:
                stack[sp++] = meta.value;
                break;
            default: {
                // Walking backwards, the first child is on top: reverse the run into visiting order.
                const k = meta.arity;
                const base = sp - k;
                for (let a = base, b = sp - 1; a < b; a++, b--) {
                    const t = stack[a];
                    stack[a] = stack[b];
                    stack[b] = t;
                }
                const value = (0, build_1.build)(meta, stack, base);
                for (let j = base; j < sp; j++)
                    stack[j] = undefined;
                sp = base;
                stack[sp++] = value;
            }
        }
    }
    return stack[0];
}
/**
 * Walks pre-order nodes keeping the key path of the current node; `visit` returns `true` to stop.
 */
function walkNodes(nodes, visit) {
    const path = [];
    const metas = [];
    const next = [];
    for (let n = 0; n < nodes.length; n++) {
        // Pop finished frames; the current node is the next child of the top frame.
        while (metas.length > 0 &&
            next[next.length - 1] === metas[metas.length - 1].arity) {
            metas.pop();
            next.pop();
        }
        const depth = metas.length;
        path.length = depth;
        if (depth > 0) {
            const i = next[depth - 1];
            path[depth - 1] = (0, node_1.childKey)(metas[depth - 1], i);
            next[depth - 1] = i + 1;
        }
        if (visit(n, path) === true)
            return;
        const meta = nodes[n];
        if (meta.kind >= node_1.ARRAY && meta.arity > 0) {
            metas.push(meta);
            next.push(0);
        }
    }
}
function leafPaths(def) {
    const out = [];
    const nodes = def.nodes;
    walkNodes(nodes, (n, path) => {
        if (nodes[n].kind === node_1.LEAF)
            out.push(path.slice());
    });
    return out;
}
function firstDifference(a, b) {
    let found;
    const an = a.nodes;
    const bn = b.nodes;
    walkNodes(an, (n, path) => {
        const ma = an[n];
        const mb = bn[n];
        if (mb === undefined) {
            found = { path: path.slice(), left: (0, build_1.describeMeta)(ma), right: "nothing" };
            return true;
        }
        if (!(0, build_1.metaEqual)(ma, mb)) {
            found = { path: path.slice(), left: (0, build_1.describeMeta)(ma), right: (0, build_1.describeMeta)(mb) };
            if (ma.kind === node_1.RECORD && mb.kind === node_1.RECORD && tagOf(ma) === tagOf(mb)) {
                found = {
                    path: found.path,
                    left: `${found.left} with ${renderStatics(ma)}`,
                    right: `${found.right} with ${renderStatics(mb)}`,
                };
            }
            return true;
        }
        return false;
    });
    return found;
}
function renderStatic(value) {
    if (typeof value === "function")
        return value.name === "" ? "<function>" : value.name;
    if (typeof value === "string")
        return JSON.stringify(value);
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value == null) {
        return Object.is(value, -0) ? "-0" : String(value);
    }
    try {
        const json = JSON.stringify(value);
        if (json !== undefined)
            return json.length > 40 ? `${json.slice(0, 37)}...` : json;
    }
    catch {
        // fall through: not JSON-able
    }
    return Object.prototype.toString.call(value);
}
function tagOf(meta) {
    return meta.spec.tag;
}
function renderStatics(meta) {
    const fields = (0, build_1.staticFields)(meta);
    return fields.length === 0
        ? "no static fields"
        : fields.map(([k, v]) => `${k}=${renderStatic(v)}`).join(", ");
}
const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Renders pre-order nodes backwards with a string stack (no recursion). */
function renderNodes(nodes) {
    const stack = [];
    for (let n = nodes.length - 1; n >= 0; n--) {
        const meta = nodes[n];
        switch (meta.kind) {
            case node_1.LEAF:
                stack.push("*");
                break;
            case node_1.NONE:
                stack.push(meta.value === null ? "null" : "undefined");
                break;
            default: {
                const parts = [];
                for (let j = 0; j < meta.arity; j++)
                    parts.push(stack.pop());
                if (meta.kind === node_1.ARRAY)
                    stack.push(`[${parts.join(", ")}]`);
                else if (meta.kind === node_1.OBJECT) {
                    const fields = parts.map((p, j) => {
                        const key = meta.keys[j];
                        return `${identifier.test(key) ? key : JSON.stringify(key)}: ${p}`;
                    });
                    stack.push(fields.length === 0 ? "{}" : `{ ${fields.join(", ")} }`);
                }
                else if (meta.kind === node_1.RECORD) {
                    const fields = parts.map((p, j) => `${meta.keys[j]}=${p}`);
                    for (const [k, v] of (0, build_1.staticFields)(meta))
                        fields.push(`${k}=${renderStatic(v)}`);
                    stack.push(`${tagOf(meta)}(${fields.join(", ")})`);
                }
                else if (meta.kind === node_1.CUSTOM) {
                    const fields = parts.map((p, j) => `${JSON.stringify(meta.keys[j])}: ${p}`);
                    stack.push(`${meta.spec.name}(${fields.join(", ")})`);
                }
            }
        }
    }
    return stack[0];
}
