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
exports.treeUnstack = exports.treeStack = exports.treeDifference = exports.treeEqual = exports.treeModifyAt = exports.treeAt = exports.combine = exports.partition = exports.treeMapN = exports.treeMapWithPath = exports.treeMap = exports.treeStructure = exports.treeLeaves = exports.treeFlattenWithPath = exports.treeFlatten = void 0;
exports.withOptions = withOptions;
/**
 * The composition root: binds the default registry (the built-in wrappers) into the engine's tree
 * functions, whose own default is the empty registry, and makes `withOptions`, the one way to bind
 * other options. Nothing below this module names the public defaults of the tree functions.
 *
 * @module
 */
const flatten = __importStar(require("./core/flatten"));
const map = __importStar(require("./core/map"));
const partitioning = __importStar(require("./core/partition"));
const at = __importStar(require("./core/treeAt"));
const equal = __importStar(require("./tensor/equal"));
const stack = __importStar(require("./tensor/stack"));
const defaultRegistry_1 = require("./wrappers/defaultRegistry");
const nonTrainableLeaves_1 = require("./wrappers/nonTrainableLeaves");
const unwrapping = __importStar(require("./wrappers/unwrap"));
// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------
/** `fn` with the options argument at `position` merged over `bound`. */
function bind(fn, position, bound) {
    return ((...args) => {
        const given = args[position];
        args[position] = given === undefined ? bound : (0, defaultRegistry_1.withDefaultRegistry)({ ...bound, ...given });
        return fn(...args);
    });
}
/**
 * The tree functions with `options` bound (merged over the defaults: the default registry),
 * like optree's namespaces: pass the same `isLeaf`, `noneIsLeaf` or `registry` once.
 *
 * @example
 * const T = withOptions({ isLeaf: Array.isArray });
 * T.treeLeaves({ a: [1, 2], b: 3 }); // [[1, 2], 3]
 * T.treeMap((x: unknown) => (Array.isArray(x) ? x.length : x), { a: [1, 2], b: 3 }); // { a: 2, b: 3 }
 */
function withOptions(options) {
    const bound = (0, defaultRegistry_1.withDefaultRegistry)(options);
    return Object.freeze({
        treeFlatten: bind(flatten.treeFlatten, 1, bound),
        treeFlattenWithPath: bind(flatten.treeFlattenWithPath, 1, bound),
        treeLeaves: bind(flatten.treeLeaves, 1, bound),
        treeStructure: bind(flatten.treeStructure, 1, bound),
        treeMap: bind(map.treeMap, 2, bound),
        treeMapWithPath: bind(map.treeMapWithPath, 2, bound),
        treeMapN: bind(map.treeMapN, 2, bound),
        partition: bind(partitioning.partition, 2, bound),
        combine: partitioning.combineWith(bound),
        treeAt: bind(at.treeAt, 3, bound),
        treeModifyAt: bind(at.treeModifyAt, 3, bound),
        treeEqual: bind(equal.treeEqual, 2, bound),
        treeDifference: bind(equal.treeDifference, 2, bound),
        treeStack: bind(stack.treeStack, 1, bound),
        treeUnstack: bind(stack.treeUnstack, 1, bound),
        unwrap: bind(unwrapping.unwrap, 1, bound),
        isUnwrappable: bind(unwrapping.isUnwrappable, 1, bound),
        containsUnwrappables: bind(unwrapping.containsUnwrappables, 1, bound),
        nonTrainable: bind(nonTrainableLeaves_1.nonTrainable, 1, bound),
    });
}
const defaults = withOptions({});
// -------------------------------------------------------------------------------------
// the public tree functions (the engine's, with the default registry)
// -------------------------------------------------------------------------------------
/**
 * The leaves of `tree` in order, and its structure (see `core/flatten.ts`).
 *
 * @example
 * const [leaves, def] = treeFlatten({ b: 2, a: Parameterize(Math.exp, 1) });
 * leaves;         // [1, 2]
 * def.toString(); // "TreeDef({ a: Parameterize(args=[*], fn=exp), b: * })"
 */
exports.treeFlatten = defaults.treeFlatten;
/**
 * {@link treeFlatten} with the key path of every leaf, in the same pass.
 *
 * @example
 * treeFlattenWithPath({ w: Parameterize(Math.exp, 0) })[0]; // [[["w", "args", 0], 0]]
 */
exports.treeFlattenWithPath = defaults.treeFlattenWithPath;
/**
 * The leaves of `tree`, in order.
 *
 * @example
 * treeLeaves({ b: [2, 3], a: Parameterize(Math.exp, 1) }); // [1, 2, 3]
 */
exports.treeLeaves = defaults.treeLeaves;
/**
 * The structure of `tree` alone.
 *
 * @example
 * treeStructure({ w: [0, 0] }).numLeaves; // 2
 */
exports.treeStructure = defaults.treeStructure;
/**
 * Applies `f` to every leaf, keeping the structure (wrappers stay wrappers).
 *
 * @example
 * treeMap((x: number) => x * 2, { a: 1, b: Parameterize(Math.exp, 3) }).b.args; // [6]
 */
exports.treeMap = defaults.treeMap;
/**
 * Applies `f(path, leaf)` to every leaf.
 *
 * @example
 * treeMapWithPath((path) => keystr(path), { a: [0] }); // { a: [".a[0]"] }
 */
exports.treeMapWithPath = defaults.treeMapWithPath;
/**
 * Applies `f(leaf0, leaf1, ...)` across trees of one structure.
 *
 * @example
 * treeMapN((a: number, b: number) => a + b, [{ x: 1, y: 2 }, { y: 20, x: 10 }]); // { x: 11, y: 22 }
 */
exports.treeMapN = defaults.treeMapN;
/**
 * Splits a tree in two by a filter on its leaves (equinox's `partition`).
 *
 * @example
 * partition({ a: 1, b: "x" }, (x) => typeof x === "number"); // [{ a: 1, b: null }, { a: null, b: "x" }]
 */
exports.partition = defaults.partition;
/**
 * Merges trees of one structure, undoing {@link partition}.
 *
 * @example
 * combine({ a: 1, b: null }, { a: null, b: 2 }); // { a: 1, b: 2 }
 */
exports.combine = defaults.combine;
/**
 * A copy of `tree` with the node(s) that `where` selects replaced (equinox's `tree_at`).
 *
 * @example
 * treeAt((m) => m.b, { a: 1, b: 2 }, 5); // { a: 1, b: 5 }
 */
exports.treeAt = defaults.treeAt;
/**
 * Like {@link treeAt}, replacing each selected node by `f(node)`.
 *
 * @example
 * treeModifyAt((t) => t.lr, { lr: 0.1, steps: 3 }, (x: number) => x / 10); // { lr: 0.01, steps: 3 }
 */
exports.treeModifyAt = defaults.treeModifyAt;
/**
 * Whether two trees have the same structure and equal leaves (tensors by value).
 *
 * @example
 * treeEqual({ a: [1, 2] }, { a: [1, 2] }); // true
 */
exports.treeEqual = defaults.treeEqual;
/**
 * Where two trees first differ, or `undefined`.
 *
 * @example
 * treeDifference({ a: 1 }, { a: 2 })?.path; // ["a"]
 */
exports.treeDifference = defaults.treeDifference;
/**
 * Stacks trees of one structure leaf by leaf along a new first axis.
 *
 * @example
 * const s = tf.tidy(() => treeStack([{ w: tf.scalar(1) }, { w: tf.scalar(2) }]));
 * s.w; // [1, 2]
 * tf.dispose(s.w);
 */
exports.treeStack = defaults.treeStack;
/**
 * Undoes {@link treeStack}: one tree per slice along the first axis.
 *
 * @example
 * const parts = tf.tidy(() => treeUnstack({ w: tf.tensor1d([1, 2]) }));
 * parts.length; // 2
 * tf.dispose(parts.map((p) => p.w));
 */
exports.treeUnstack = defaults.treeUnstack;
