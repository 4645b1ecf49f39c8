"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.NODES_PER_UNIT = exports.Leaf = exports.shapeNames = void 0;
exports.projectRoot = projectRoot;
exports.loadShape = loadShape;
exports.readFixtureReadme = readFixtureReadme;
exports.wideTree = wideTree;
exports.deepTree = deepTree;
exports.plainLeaves = plainLeaves;
exports.plainUnflatten = plainUnflatten;
exports.plainMap = plainMap;
exports.plainMap3 = plainMap3;
exports.sortedLeaves = sortedLeaves;
exports.sortedMap = sortedMap;
exports.sortedMap3 = sortedMap3;
exports.sortedUnflatten = sortedUnflatten;
exports.plainLeavesW = plainLeavesW;
exports.plainMapW = plainMapW;
exports.plainUnflattenW = plainUnflattenW;
exports.plainMap3W = plainMap3W;
exports.copyContainers = copyContainers;
/**
 * The trees the benchmark runs on (optree's fixture shapes and generated growth trees) and the
 * plain-JavaScript reference implementations that set the floor for this machine.
 *
 * @module
 */
const fs = __importStar(require("fs"));
const path = __importStar(require("path"));
// -------------------------------------------------------------------------------------
// locating the project
// -------------------------------------------------------------------------------------
/**
 * The project root, found from this file's location whether it runs from `bench/` (ts-node) or
 * from the compiled copy under `node_modules/.cache/`.
 */
function projectRoot() {
    let dir = __dirname;
    for (;;) {
        const candidate = path.join(dir, "bench", "fixtures", "README.md");
        if (fs.existsSync(candidate))
            return dir;
        const parent = path.dirname(dir);
        if (parent === dir)
            throw new Error(`bench: cannot find bench/fixtures above ${__dirname}`);
        dir = parent;
    }
}
// -------------------------------------------------------------------------------------
// fixtures
// -------------------------------------------------------------------------------------
exports.shapeNames = ["TinyMLP", "ResNet18", "ResNet50", "ResNet152"];
/** Reads a fixture, replacing every `"T"` leaf with `makeLeaf()` (JSON.parse's reviver: no recursion of ours). */
function loadShape(name, makeLeaf) {
    const text = fs.readFileSync(path.join(projectRoot(), "bench", "fixtures", `${name}.json`), "utf8");
    return JSON.parse(text, (_key, value) => (value === "T" ? makeLeaf() : value));
}
function parseMicros(cell) {
    const m = /^([\d.]+)\s*µs$/.exec((cell ?? "").trim());
    return m === null ? undefined : Number(m[1]) * 1e3;
}
/** Parses `bench/fixtures/README.md`: the fixture counts and optree's published figures. */
function readFixtureReadme() {
    const text = fs.readFileSync(path.join(projectRoot(), "bench", "fixtures", "README.md"), "utf8");
    const counts = new Map();
    const published = new Map();
    for (const line of text.split("\n")) {
        if (!line.startsWith("|"))
            continue;
        const cells = line
            .split("|")
            .slice(1, -1)
            .map((c) => c.trim());
        const file = /^(\w+)\.json$/.exec(cells[0] ?? "");
        if (file !== null) {
            counts.set(file[1], { nodes: Number(cells[1]), leaves: Number(cells[2]) });
            continue;
        }
        const optree = parseMicros(cells[2]);
        if (optree !== undefined && cells[0] !== undefined && cells[1] !== undefined) {
            let byTree = published.get(cells[0]);
            if (byTree === undefined)
                published.set(cells[0], (byTree = new Map()));
            byTree.set(cells[1], { optree, jax: parseMicros(cells[3]) });
        }
    }
    if (published.size === 0)
        throw new Error("bench: no optree figures found in bench/fixtures/README.md");
    return { counts, published };
}
// -------------------------------------------------------------------------------------
// generated trees (growth)
// -------------------------------------------------------------------------------------
/** A stand-in for a tensor: a class instance, so it takes the same "not a plain object" path. */
class Leaf {
    v;
    constructor(v) {
        this.v = v;
    }
}
exports.Leaf = Leaf;
/** Nodes per unit: one object, one array and 8 leaves. */
exports.NODES_PER_UNIT = 10;
function unit(i) {
    const p = new Array(8);
    for (let j = 0; j < 8; j++)
        p[j] = new Leaf(i * 8 + j);
    return { p };
}
/** `nodes / 10` units side by side in one array (depth 3). Has `nodes + 1` nodes (the root array). */
function wideTree(nodes) {
    const n = Math.floor(nodes / exports.NODES_PER_UNIT);
    const out = new Array(n);
    for (let i = 0; i < n; i++)
        out[i] = unit(i);
    return out;
}
/**
 * `nodes / 10` units nested one in another through a `next` field: depth `nodes / 10`
 * (100,000 at 10^6 nodes). Built bottom-up with a loop.
 */
function deepTree(nodes) {
    const n = Math.floor(nodes / exports.NODES_PER_UNIT);
    let tree = null;
    for (let i = n - 1; i >= 0; i--) {
        const u = unit(i);
        u.next = tree;
        tree = u;
    }
    return tree;
}
// -------------------------------------------------------------------------------------
// plain reference: recursive, no registry, no paths, no sorting, no checks
// -------------------------------------------------------------------------------------
function isPlainObject(x) {
    return x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype;
}
function leavesInto(tree, out) {
    if (Array.isArray(tree)) {
        for (let i = 0; i < tree.length; i++)
            leavesInto(tree[i], out);
    }
    else if (isPlainObject(tree)) {
        for (const k in tree)
            leavesInto(tree[k], out);
    }
    else if (tree !== null && tree !== undefined) {
        out.push(tree);
    }
}
/** The leaves, in key insertion order. */
function plainLeaves(tree) {
    const out = [];
    leavesInto(tree, out);
    return out;
}
function rebuildFrom(template, leaves, cursor) {
    if (Array.isArray(template)) {
        const n = template.length;
        const out = new Array(n);
        for (let i = 0; i < n; i++)
            out[i] = rebuildFrom(template[i], leaves, cursor);
        return out;
    }
    if (isPlainObject(template)) {
        const out = {};
        for (const k in template)
            out[k] = rebuildFrom(template[k], leaves, cursor);
        return out;
    }
    if (template === null || template === undefined)
        return template;
    return leaves[cursor.i++];
}
/** Rebuilds a tree shaped like `template` (the tree itself stands in for a treedef). */
function plainUnflatten(template, leaves) {
    return rebuildFrom(template, leaves, { i: 0 });
}
/** Applies `f` to every leaf. */
function plainMap(f, tree) {
    if (Array.isArray(tree)) {
        const n = tree.length;
        const out = new Array(n);
        for (let i = 0; i < n; i++)
            out[i] = plainMap(f, tree[i]);
        return out;
    }
    if (isPlainObject(tree)) {
        const out = {};
        for (const k in tree)
            out[k] = plainMap(f, tree[k]);
        return out;
    }
    if (tree === null || tree === undefined)
        return tree;
    return f(tree);
}
/** Applies `f` across three trees of one structure (the first one's keys drive). */
function plainMap3(f, a, b, c) {
    if (Array.isArray(a)) {
        const n = a.length;
        const out = new Array(n);
        for (let i = 0; i < n; i++)
            out[i] = plainMap3(f, a[i], b[i], c[i]);
        return out;
    }
    if (isPlainObject(a)) {
        const out = {};
        for (const k in a)
            out[k] = plainMap3(f, a[k], b[k], c[k]);
        return out;
    }
    if (a === null || a === undefined)
        return a;
    return f(a, b, c);
}
const sortedShapes = new Map();
function sortedShapeOf(obj) {
    const keys = Object.keys(obj);
    const id = keys.join("\u0000");
    let shape = sortedShapes.get(id);
    if (shape === undefined) {
        const sorted = keys.slice().sort();
        shape = { keys, slot: keys.map((k) => sorted.indexOf(k)), guesses: keys.map(() => undefined) };
        sortedShapes.set(id, shape);
    }
    return shape;
}
const scratch = [];
let scratchTop = 0;
/** Copies the values of `obj` to `scratch[base ..)` in sorted key order; returns its shape. */
function gatherSorted(obj, guess, base) {
    if (guess !== undefined) {
        const { keys, slot } = guess;
        let i = 0;
        let same = true;
        for (const k in obj) {
            if (i === keys.length || k !== keys[i]) {
                same = false;
                break;
            }
            scratch[base + slot[i]] = obj[k];
            i++;
        }
        if (same && i === keys.length)
            return guess;
    }
    const shape = sortedShapeOf(obj);
    for (let i = 0; i < shape.keys.length; i++)
        scratch[base + shape.slot[i]] = obj[shape.keys[i]];
    return shape;
}
function sortedLeavesInto(tree, out, guess) {
    if (Array.isArray(tree)) {
        let g = guess;
        for (let i = 0; i < tree.length; i++)
            g = sortedLeavesInto(tree[i], out, g) ?? g;
        return g;
    }
    if (isPlainObject(tree)) {
        const base = scratchTop;
        const shape = gatherSorted(tree, guess, base);
        const n = shape.keys.length;
        scratchTop = base + n;
        const guesses = shape.guesses;
        for (let j = 0; j < n; j++) {
            const seen = sortedLeavesInto(scratch[base + j], out, guesses[j]);
            if (seen !== undefined)
                guesses[j] = seen;
        }
        scratchTop = base;
        return shape;
    }
    if (tree !== null && tree !== undefined)
        out.push(tree);
    return undefined;
}
/** The leaves, in sorted key order (the order paramtree's flatten gives). */
function sortedLeaves(tree) {
    const out = [];
    sortedLeavesInto(tree, out, undefined);
    return out;
}
/**
 * `f` at every leaf of `a` (with the leaves in the same place of the trees in `s.others`, when
 * there are any), visiting keys sorted, the tree rebuilt with the original key order.
 */
function sortedMapNode(a, s, depth, guess) {
    const three = s.others.length > 0;
    s.seen = undefined;
    if (Array.isArray(a)) {
        const n = a.length;
        const out = new Array(n);
        const b = three ? s.others[2 * depth] : undefined;
        const c = three ? s.others[2 * depth + 1] : undefined;
        let g = guess;
        for (let i = 0; i < n; i++) {
            if (three) {
                s.others[2 * depth + 2] = b[i];
                s.others[2 * depth + 3] = c[i];
            }
            out[i] = sortedMapNode(a[i], s, depth + 1, g);
            g = s.seen ?? g;
        }
        s.seen = g;
        return out;
    }
    if (isPlainObject(a)) {
        const base = scratchTop;
        const shape = gatherSorted(a, guess, base);
        const n = shape.keys.length;
        scratchTop = base + 3 * n;
        if (three) {
            // The other trees' children, matched by key: gathered with the first tree's shape.
            gatherSorted(s.others[2 * depth], shape, base + n);
            gatherSorted(s.others[2 * depth + 1], shape, base + 2 * n);
        }
        const guesses = shape.guesses;
        for (let j = 0; j < n; j++) {
            if (three) {
                s.others[2 * depth + 2] = scratch[base + n + j];
                s.others[2 * depth + 3] = scratch[base + 2 * n + j];
            }
            scratch[base + j] = sortedMapNode(scratch[base + j], s, depth + 1, guesses[j]);
            if (s.seen !== undefined)
                guesses[j] = s.seen;
        }
        const out = {};
        const { keys, slot } = shape;
        for (let i = 0; i < n; i++)
            out[keys[i]] = scratch[base + slot[i]];
        scratchTop = base;
        s.seen = shape;
        return out;
    }
    if (a === null || a === undefined)
        return a;
    return three ? s.f(a, s.others[2 * depth], s.others[2 * depth + 1]) : s.f(a, undefined, undefined);
}
/** `plainMap`, visiting keys sorted (the order paramtree's map calls `f` in). */
function sortedMap(f, tree) {
    return sortedMapNode(tree, { f: f, others: [], seen: undefined }, 0, undefined);
}
/** `plainMap3`, visiting keys sorted; the other trees' objects are matched by key. */
function sortedMap3(f, a, b, c) {
    return sortedMapNode(a, { f, others: [b, c], seen: undefined }, 0, undefined);
}
/** `plainUnflatten`, reading the leaves in sorted key order (the tree stands in for a treedef). */
function sortedUnflatten(template, leaves) {
    let next = 0;
    return sortedMap(() => leaves[next++], template);
}
// -------------------------------------------------------------------------------------
// plain reference with wrappers: the same walk, descending into a wrapper's child fields
// -------------------------------------------------------------------------------------
/*
 * A tree such as `{ model, noise: Parameterize(tf.softplus, t) }` holds a wrapper record
 * `{ _tag: "Parameterize", fn, args }`. paramtree sees it as a node whose only child is `args`
 * (`_tag` and `fn` are static). The bare walk above would take `_tag` and `fn` for leaves; these
 * variants look at every plain object's `_tag` (the one check paramtree also makes on every
 * object) and, for a built-in wrapper tag, walk its child fields only, in the registry's order,
 * and rebuild it with the other fields copied, frozen when the template was (as paramtree does).
 * They are used only for trees that hold a wrapper, so that the bare walk stays the reference it
 * has been for the trees without one.
 */
/** The built-in wrappers' child fields (src/wrappers/tags.ts), by tag. */
const wrapperChildren = new Map([
    ["Parameterize", ["args"]],
    ["NonTrainable", ["tree"]],
    ["WeightNormalization", ["weight", "scale"]],
]);
function childFields(obj) {
    const tag = obj["_tag"];
    return typeof tag === "string" ? wrapperChildren.get(tag) : undefined;
}
function leavesIntoW(tree, out) {
    if (Array.isArray(tree)) {
        for (let i = 0; i < tree.length; i++)
            leavesIntoW(tree[i], out);
    }
    else if (isPlainObject(tree)) {
        const fields = childFields(tree);
        if (fields === undefined) {
            for (const k in tree)
                leavesIntoW(tree[k], out);
        }
        else {
            for (let j = 0; j < fields.length; j++)
                leavesIntoW(tree[fields[j]], out);
        }
    }
    else if (tree !== null && tree !== undefined) {
        out.push(tree);
    }
}
/** `plainLeaves`, taking wrapper records for nodes. */
function plainLeavesW(tree) {
    const out = [];
    leavesIntoW(tree, out);
    return out;
}
/** A wrapper record with its child fields set to `values`, frozen (its frozen arrays too) when it was. */
function rebuildWrapper(template, fields, values) {
    const out = { ...template };
    const frozen = Object.isFrozen(template);
    for (let j = 0; j < fields.length; j++) {
        const key = fields[j];
        const value = values[j];
        out[key] =
            frozen && Array.isArray(value) && Object.isFrozen(template[key]) ? Object.freeze(value) : value;
    }
    return frozen ? Object.freeze(out) : out;
}
/** `plainMap`, taking wrapper records for nodes. */
function plainMapW(f, tree) {
    if (Array.isArray(tree)) {
        const n = tree.length;
        const out = new Array(n);
        for (let i = 0; i < n; i++)
            out[i] = plainMapW(f, tree[i]);
        return out;
    }
    if (isPlainObject(tree)) {
        const fields = childFields(tree);
        if (fields !== undefined) {
            return rebuildWrapper(tree, fields, fields.map((k) => plainMapW(f, tree[k])));
        }
        const out = {};
        for (const k in tree)
            out[k] = plainMapW(f, tree[k]);
        return out;
    }
    if (tree === null || tree === undefined)
        return tree;
    return f(tree);
}
/** `plainUnflatten`, taking wrapper records for nodes (the leaves in `plainLeavesW` order). */
function plainUnflattenW(template, leaves) {
    let next = 0;
    return plainMapW(() => leaves[next++], template);
}
/** `plainMap3`, taking wrapper records (of the first tree) for nodes. */
function plainMap3W(f, a, b, c) {
    if (Array.isArray(a)) {
        const n = a.length;
        const out = new Array(n);
        for (let i = 0; i < n; i++)
            out[i] = plainMap3W(f, a[i], b[i], c[i]);
        return out;
    }
    if (isPlainObject(a)) {
        const fields = childFields(a);
        if (fields !== undefined) {
            return rebuildWrapper(a, fields, fields.map((k) => plainMap3W(f, a[k], b[k], c[k])));
        }
        const out = {};
        for (const k in a)
            out[k] = plainMap3W(f, a[k], b[k], c[k]);
        return out;
    }
    if (a === null || a === undefined)
        return a;
    return f(a, b, c);
}
/**
 * A copy of every array and plain object of `tree` (wrapper records rebuilt by `rewrap`, which is
 * given the record and its copied child fields), the leaves and nulls shared: a tree of the same
 * structure made of containers no call has seen.
 */
function copyContainers(tree, rewrap) {
    if (Array.isArray(tree)) {
        const n = tree.length;
        const out = new Array(n);
        for (let i = 0; i < n; i++)
            out[i] = copyContainers(tree[i], rewrap);
        return out;
    }
    if (isPlainObject(tree)) {
        const fields = childFields(tree);
        if (fields !== undefined) {
            return rewrap(tree, fields.map((k) => copyContainers(tree[k], rewrap)));
        }
        const out = {};
        for (const k in tree)
            out[k] = copyContainers(tree[k], rewrap);
        return out;
    }
    return tree;
}
