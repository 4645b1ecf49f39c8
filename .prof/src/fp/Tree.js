"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TraversableWithIndex = exports.Traversable = exports.FoldableWithIndex = exports.Foldable = exports.FunctorWithIndex = exports.Functor = exports.getEq = exports.structure = exports.size = exports.leavesWithIndex = exports.leaves = exports.sequence = exports.traverseWithIndex = exports.traverse = exports.foldMapWithIndex = exports.foldMap = exports.reduceRightWithIndex = exports.reduceRight = exports.reduceWithIndex = exports.reduce = exports.partition = exports.filter = exports.zipWith = exports.mapWithIndex = exports.map = exports.URI = void 0;
exports.asTree = asTree;
exports.withOptions = withOptions;
exports.getShow = getShow;
const flatten_1 = require("../core/flatten");
const equal_1 = require("../tensor/equal");
const format_1 = require("../tensor/format");
const map_1 = require("../core/map");
const partition_1 = require("../core/partition");
const registry_1 = require("../core/registry");
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const traverseArray_1 = require("./traverseArray");
// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------
/**
 * The fp-ts URI of the tree type constructor.
 *
 * @category model
 * @example
 * URI; // "paramtree/Tree"
 */
exports.URI = "paramtree/Tree";
// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------
/**
 * States the leaf type of a tree (an unchecked assertion, the identity at run time), so that
 * `leaves` and the steps after it are typed.
 *
 * @category constructors
 * @example
 * const xs: number[] = pipe({ a: 1, b: [2] }, Tree.asTree<number>, Tree.leaves); // [1, 2]
 */
function asTree(tree) {
    return tree;
}
/**
 * The module bound to `options` (a custom registry, `isLeaf`, `noneIsLeaf`): the same functions
 * and instances as the top-level ones, which use the defaults.
 *
 * @category constructors
 * @example
 * const T = Tree.withOptions({ isLeaf: Array.isArray });
 * pipe({ a: [1, 2], b: [3] }, T.map((xs: number[]) => xs.length), T.leaves); // [2, 1]
 */
function withOptions(given) {
    const options = (0, defaultRegistry_1.withDefaultRegistry)(given);
    const map = (f) => (tree) => (0, map_1.treeMap)(f, tree, options);
    const mapWithIndex = (f) => (tree) => (0, map_1.treeMapWithPath)(f, tree, options);
    const zipWith = (that, f) => (self) => (0, map_1.treeMapN)((a, b) => f(a, b), [self, that], options);
    const partition = ((predicate) => (tree) => {
        const [kept, rest] = (0, partition_1.partition)(tree, (leaf) => predicate(leaf), options);
        return { left: rest, right: kept };
    });
    const filter = ((predicate) => (tree) => (0, partition_1.partition)(tree, (leaf) => predicate(leaf), options)[0]);
    const reduce = (b, f) => (tree) => {
        const leaves = (0, flatten_1.treeLeaves)(tree, options);
        let acc = b;
        for (let i = 0; i < leaves.length; i++)
            acc = f(acc, leaves[i]);
        return acc;
    };
    const reduceWithIndex = (b, f) => (tree) => {
        const [pairs] = (0, flatten_1.treeFlattenWithPath)(tree, options);
        let acc = b;
        for (const [path, a] of pairs)
            acc = f(path, acc, a);
        return acc;
    };
    const reduceRight = (b, f) => (tree) => {
        const leaves = (0, flatten_1.treeLeaves)(tree, options);
        let acc = b;
        for (let i = leaves.length - 1; i >= 0; i--)
            acc = f(leaves[i], acc);
        return acc;
    };
    const reduceRightWithIndex = (b, f) => (tree) => {
        const [pairs] = (0, flatten_1.treeFlattenWithPath)(tree, options);
        let acc = b;
        for (let i = pairs.length - 1; i >= 0; i--) {
            const [path, a] = pairs[i];
            acc = f(path, a, acc);
        }
        return acc;
    };
    const foldMap = (M) => (f) => reduce(M.empty, (m, a) => M.concat(m, f(a)));
    const foldMapWithIndex = (M) => (f) => reduceWithIndex(M.empty, (path, m, a) => M.concat(m, f(path, a)));
    // Flatten once, traverse the flat leaf array (balanced, see traverseArray.ts), unflatten once:
    // no recursion over the user's tree, whatever its depth.
    const traverseWithIndex = ((F) => (f) => (tree) => {
        const [pairs, def] = (0, flatten_1.treeFlattenWithPath)(tree, options);
        const traversed = (0, traverseArray_1.traverseArrayWithIndex)(F)(pairs, (_, [path, a]) => f(path, a));
        return F.map(traversed, (bs) => def.unflatten(bs));
    });
    const traverse = ((F) => (f) => (tree) => {
        const [leaves, def] = (0, flatten_1.treeFlatten)(tree, options);
        const traversed = (0, traverseArray_1.traverseArrayWithIndex)(F)(leaves, (_, a) => f(a));
        return F.map(traversed, (bs) => def.unflatten(bs));
    });
    // A tree of effects holds `O.some(1)` or `E.left(e)`: plain objects that the tree layer would
    // otherwise walk into (leaves "Some" and 1). `sequence` takes them as leaves.
    const registry = options.registry ?? registry_1.emptyRegistry;
    const userIsLeaf = options.isLeaf;
    const effectOptions = {
        ...options,
        isLeaf: (node) => (userIsLeaf !== undefined && userIsLeaf(node)) || isTaggedValue(registry, node),
    };
    const sequenceWith = ((F) => (tree) => {
        const [effects, def] = (0, flatten_1.treeFlatten)(tree, effectOptions);
        return F.map((0, traverseArray_1.traverseArrayWithIndex)(F)(effects, (_, fa) => fa), (bs) => def.unflatten(bs));
    });
    const sequence = sequenceWith;
    const leaves = (tree) => (0, flatten_1.treeLeaves)(tree, options);
    const leavesWithIndex = (tree) => (0, flatten_1.treeFlattenWithPath)(tree, options)[0];
    const size = (tree) => (0, flatten_1.treeLeaves)(tree, options).length;
    const structure = (tree) => (0, flatten_1.treeStructure)(tree, options);
    const getEq = (leafEqOrOptions) => {
        if (leafEqOrOptions !== undefined && typeof leafEqOrOptions.equals === "function") {
            const E = leafEqOrOptions;
            return {
                equals: (x, y) => {
                    if (x === y)
                        return true;
                    const [xs, dx] = (0, flatten_1.treeFlatten)(x, options);
                    const [ys, dy] = (0, flatten_1.treeFlatten)(y, options);
                    if (!dx.equals(dy))
                        return false;
                    for (let i = 0; i < xs.length; i++)
                        if (!E.equals(xs[i], ys[i]))
                            return false;
                    return true;
                },
            };
        }
        const equalOptions = {
            ...options,
            ...leafEqOrOptions,
        };
        return { equals: (x, y) => (0, equal_1.treeEqual)(x, y, equalOptions) };
    };
    const Functor = { URI: exports.URI, map: (fa, f) => map(f)(fa) };
    const FunctorWithIndex = {
        ...Functor,
        mapWithIndex: (fa, f) => mapWithIndex(f)(fa),
    };
    const Foldable = {
        URI: exports.URI,
        reduce: (fa, b, f) => reduce(b, f)(fa),
        foldMap: (M) => (fa, f) => foldMap(M)(f)(fa),
        reduceRight: (fa, b, f) => reduceRight(b, f)(fa),
    };
    const FoldableWithIndex = {
        ...Foldable,
        reduceWithIndex: (fa, b, f) => reduceWithIndex(b, f)(fa),
        foldMapWithIndex: (M) => (fa, f) => foldMapWithIndex(M)(f)(fa),
        reduceRightWithIndex: (fa, b, f) => reduceRightWithIndex(b, f)(fa),
    };
    const Traversable = {
        ...Functor,
        ...Foldable,
        traverse: (F) => (ta, f) => traverse(F)(f)(ta),
        sequence: sequenceWith,
    };
    const TraversableWithIndex = {
        ...FunctorWithIndex,
        ...FoldableWithIndex,
        traverse: Traversable.traverse,
        sequence: Traversable.sequence,
        traverseWithIndex: (F) => (ta, f) => traverseWithIndex(F)(f)(ta),
    };
    return Object.freeze({
        options,
        map,
        mapWithIndex,
        zipWith,
        filter,
        partition,
        reduce,
        reduceWithIndex,
        reduceRight,
        reduceRightWithIndex,
        foldMap,
        foldMapWithIndex,
        traverse,
        traverseWithIndex,
        sequence,
        leaves,
        leavesWithIndex,
        size,
        structure,
        getEq,
        Functor,
        FunctorWithIndex,
        Foldable,
        FoldableWithIndex,
        Traversable,
        TraversableWithIndex,
    });
}
/**
 * A plain object with a string `_tag` that is not a registered node: an fp-ts value such as an
 * `Option` or an `Either`, taken as a leaf by `sequence`.
 */
function isTaggedValue(registry, node) {
    if (node === null || typeof node !== "object" || Array.isArray(node))
        return false;
    const proto = Object.getPrototypeOf(node);
    if (proto !== Object.prototype && proto !== null)
        return false;
    return typeof node._tag === "string" && (0, registry_1.lookupSpec)(registry, node) === undefined;
}
const defaults = withOptions({});
// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------
/**
 * Applies `f` to every leaf, keeping the structure (data-last `treeMap`).
 *
 * @category combinators
 * @example
 * pipe({ a: 1, b: [2, 3] }, Tree.map((x: number) => x * 2)); // { a: 2, b: [4, 6] }
 */
exports.map = defaults.map;
/**
 * Applies `f(path, leaf)` to every leaf, `path` being the leaf's key path (data-last
 * `treeMapWithPath`).
 *
 * @category combinators
 * @example
 * pipe({ w: [0, 0] }, Tree.mapWithIndex((path, _x: number) => keystr(path))); // { w: [".w[0]", ".w[1]"] }
 */
exports.mapWithIndex = defaults.mapWithIndex;
/**
 * Combines the leaves of two trees of one structure, `f(selfLeaf, thatLeaf)`; throws, naming the
 * first key path where the structures differ, when they do (data-last `treeMapN`).
 *
 * @category combinators
 * @example
 * const params = { w: tf.tensor([1, 2]) };
 * const grads = { w: tf.tensor([0.5, 0.5]) };
 * pipe(params, Tree.zipWith(grads, (p: tf.Tensor, g: tf.Tensor) => tf.sub(p, tf.mul(0.1, g))));
 */
exports.zipWith = defaults.zipWith;
/**
 * Keeps the leaves that satisfy `predicate` and puts `null` in place of the others, keeping the
 * structure (equinox's `filter`; `partition` from the tree layer). `null` is an empty node, so the
 * result's leaves are exactly the kept ones; `combine` puts the halves back together.
 *
 * @category filtering
 * @example
 * const isNumber = (x: unknown): x is number => typeof x === "number";
 * pipe({ a: 1, b: "x", c: [2, "y"] }, Tree.filter(isNumber)); // { a: 1, b: null, c: [2, null] }
 * pipe({ a: 1, b: "x", c: [2, "y"] }, Tree.filter(isNumber), Tree.leaves); // [1, 2]
 */
exports.filter = defaults.filter;
/**
 * Splits the leaves by `predicate` into two trees of the same structure, `null` where a leaf went
 * to the other side: fp-ts's `Separated`, `right` for the leaves that satisfy the predicate and
 * `left` for the others.
 *
 * @category filtering
 * @example
 * const { left, right } = pipe({ w: tf.ones([2]), lr: 0.1 }, Tree.partition((x: unknown) => x instanceof tf.Tensor));
 * left;                  // { w: null, lr: 0.1 }
 * combine(right, left);  // { w: tf.ones([2]), lr: 0.1 }
 */
exports.partition = defaults.partition;
// -------------------------------------------------------------------------------------
// folding
// -------------------------------------------------------------------------------------
/**
 * Folds the leaves left to right, in leaf order (sorted object keys).
 *
 * @category folding
 * @example
 * pipe({ b: 2, a: 1 }, Tree.reduce("", (s, x: number) => s + x)); // "12"
 */
exports.reduce = defaults.reduce;
/**
 * Folds the leaves left to right with their key paths.
 *
 * @category folding
 * @example
 * pipe({ a: 1, b: [2] }, Tree.reduceWithIndex([] as string[], (path, acc, _x) => [...acc, keystr(path)])); // [".a", ".b[0]"]
 */
exports.reduceWithIndex = defaults.reduceWithIndex;
/**
 * Folds the leaves right to left.
 *
 * @category folding
 * @example
 * pipe([1, [2, 3]], Tree.reduceRight("", (x: number, s) => s + x)); // "321"
 */
exports.reduceRight = defaults.reduceRight;
/**
 * Folds the leaves right to left with their key paths.
 *
 * @category folding
 * @example
 * pipe({ a: 1, b: 2 }, Tree.reduceRightWithIndex("", (path, _x, s) => s + keystr(path))); // ".b.a"
 */
exports.reduceRightWithIndex = defaults.reduceRightWithIndex;
/**
 * Maps every leaf into a monoid and combines the results in leaf order.
 *
 * @category folding
 * @example
 * import * as N from "fp-ts/number";
 * pipe({ a: 1, b: [2, 3] }, Tree.foldMap(N.MonoidSum)((x: number) => x * x)); // 14
 */
exports.foldMap = defaults.foldMap;
/**
 * Maps every leaf and its key path into a monoid and combines the results in leaf order.
 *
 * @category folding
 * @example
 * import * as S from "fp-ts/string";
 * pipe({ a: 1, b: 2 }, Tree.foldMapWithIndex(S.Monoid)((path, x: number) => `${keystr(path)}=${x};`)); // ".a=1;.b=2;"
 */
exports.foldMapWithIndex = defaults.foldMapWithIndex;
// -------------------------------------------------------------------------------------
// traversing
// -------------------------------------------------------------------------------------
/**
 * Runs an effect per leaf, in leaf order, and collects the results into one effect of a tree of
 * the same structure: `E.Applicative` validates every leaf (first failure wins),
 * `E.getApplicativeValidation(semigroup)` collects all failures, `TE.ApplicativePar` runs async
 * work per leaf concurrently. Works on trees of any depth and on 100,000 leaves.
 *
 * @category traversing
 * @example
 * import * as E from "fp-ts/Either";
 * const positive = (x: number) => (x > 0 ? E.right(x) : E.left(`not positive: ${x}`));
 * pipe({ a: 1, b: [2] }, Tree.traverse(E.Applicative)(positive)); // E.right({ a: 1, b: [2] })
 * pipe({ a: 1, b: [-2] }, Tree.traverse(E.Applicative)(positive)); // E.left("not positive: -2")
 */
exports.traverse = defaults.traverse;
/**
 * Like `traverse`, with the leaf's key path, so that an error can say where.
 *
 * @category traversing
 * @example
 * import * as E from "fp-ts/Either";
 * pipe(
 *   { a: 1, b: [NaN] },
 *   Tree.traverseWithIndex(E.Applicative)((path, x: number) =>
 *     Number.isFinite(x) ? E.right(x) : E.left(`not finite at ${keystr(path)}`),
 *   ),
 * ); // E.left("not finite at .b[0]")
 */
exports.traverseWithIndex = defaults.traverseWithIndex;
/**
 * Turns a tree of effects into an effect of a tree. Effects that are tagged plain objects
 * (`Option`, `Either`, `These`: a string `_tag` that is not a registered wrapper tag) are taken as
 * leaves, where the other functions of this module would walk into them as objects.
 *
 * @category traversing
 * @example
 * import * as O from "fp-ts/Option";
 * pipe({ a: O.some(1), b: [O.some(2)] }, Tree.sequence(O.Applicative)); // O.some({ a: 1, b: [2] })
 * pipe({ a: O.some(1), b: [O.none] }, Tree.sequence(O.Applicative));    // O.none
 */
exports.sequence = defaults.sequence;
// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------
/**
 * The leaves, in leaf order (`treeLeaves`).
 *
 * @category utils
 * @example
 * pipe({ b: [2, 3], a: 1 }, Tree.map((x: number) => x + 1), Tree.leaves); // [2, 3, 4]
 */
exports.leaves = defaults.leaves;
/**
 * The `[keyPath, leaf]` pairs, in leaf order (`treeFlattenWithPath`).
 *
 * @category utils
 * @example
 * Tree.leavesWithIndex({ a: [7] }); // [[["a", 0], 7]]
 */
exports.leavesWithIndex = defaults.leavesWithIndex;
/**
 * The number of leaves.
 *
 * @category utils
 * @example
 * Tree.size({ a: [1, 2], b: null }); // 2
 */
exports.size = defaults.size;
/**
 * The structure (`treeStructure`).
 *
 * @category utils
 * @example
 * Tree.structure({ w: [0, 0] }).toString(); // "TreeDef({ w: [*, *] })"
 */
exports.structure = defaults.structure;
// -------------------------------------------------------------------------------------
// instances
// -------------------------------------------------------------------------------------
/**
 * An `Eq` for trees: same structure (as `TreeDef.equals`) and equal leaves. Given an `Eq` for the
 * leaves, leaves are compared with it, in leaf order; given `treeEqual`'s options (or nothing),
 * it is `treeEqual`: tensors by shape, dtype and values, numbers within `atol + rtol * |b|`.
 *
 * Lawful (reflexive, symmetric, transitive) with exact comparison and no `NaN` leaves; with
 * tolerances it is an approximate equality, not transitive (as numpy's `allclose`), and `NaN`
 * is unequal to itself unless `equalNan` is set.
 *
 * @category instances
 * @example
 * import * as N from "fp-ts/number";
 * Tree.getEq().equals({ w: tf.tensor([1, 2]) }, { w: tf.tensor([1, 2]) }); // true
 * Tree.getEq({ atol: 1e-3 }).equals([1], [1.0001]);                         // true
 * Tree.getEq(N.Eq).equals({ a: 1, b: [2] }, { b: [2], a: 1 });              // true
 */
exports.getEq = defaults.getEq;
/**
 * A `Show` for trees, built on `treeFormat` (tensors as `float32[3,4]`, wrappers by tag, long
 * containers broken over lines).
 *
 * @category instances
 * @example
 * Tree.getShow().show({ w: tf.zeros([3, 4]), b: null }); // "{ b: null, w: float32[3,4] }"
 */
function getShow(options) {
    return { show: (tree) => (0, format_1.treeFormat)(tree, options) };
}
/**
 * @category instances
 * @example
 * Tree.Functor.map({ a: 1 }, (x: number) => x + 1); // { a: 2 }
 */
exports.Functor = defaults.Functor;
/**
 * @category instances
 * @example
 * Tree.FunctorWithIndex.mapWithIndex({ a: 1 }, (path, x: number) => `${keystr(path)}:${x}`); // { a: ".a:1" }
 */
exports.FunctorWithIndex = defaults.FunctorWithIndex;
/**
 * @category instances
 * @example
 * Tree.Foldable.reduce([1, [2]], 0, (b, a: number) => b + a); // 3
 */
exports.Foldable = defaults.Foldable;
/**
 * @category instances
 * @example
 * Tree.FoldableWithIndex.reduceWithIndex({ a: 1 }, "", (path, s, _x) => s + keystr(path)); // ".a"
 */
exports.FoldableWithIndex = defaults.FoldableWithIndex;
/**
 * @category instances
 * @example
 * import * as O from "fp-ts/Option";
 * Tree.Traversable.traverse(O.Applicative)([1, 2], (x: number) => O.some(x * 2)); // O.some([2, 4])
 */
exports.Traversable = defaults.Traversable;
/**
 * @category instances
 * @example
 * import * as O from "fp-ts/Option";
 * Tree.TraversableWithIndex.traverseWithIndex(O.Applicative)({ a: 1 }, (path, x: number) => O.some(keystr(path))); // O.some({ a: ".a" })
 */
exports.TraversableWithIndex = defaults.TraversableWithIndex;
