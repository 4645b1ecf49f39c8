import * as tf from "@tensorflow/tfjs-core";
import { combine, initBackend, partition, registerWrapper, treeLeaves, treeStructure } from "../src";
import { emptyRegistry } from "../src/advanced";
import { withOptions } from "../src";

beforeAll(async () => {
  await initBackend();
});

const isNumber = (x: unknown): boolean => typeof x === "number";
const registry = registerWrapper(emptyRegistry, {
  tag: "Pair",
  children: ["x", "y"],
  unwrap: (n: any) => n.x,
});

describe("partition with a predicate", () => {
  test("splits leaves into two trees of the original structure with null holes", () => {
    const tree = { a: 1, b: "x", c: [2, "y", null] };
    const [kept, rest] = partition(tree, isNumber);
    expect(kept).toEqual({ a: 1, b: null, c: [2, null, null] });
    expect(rest).toEqual({ a: null, b: "x", c: [null, "y", null] });
    expect(combine(kept, rest)).toEqual(tree);
    expect(tree).toEqual({ a: 1, b: "x", c: [2, "y", null] }); // input untouched
  });

  test("keeps key order, shares leaves (tensors are not copied), no leaks", () => {
    const before = tf.memory().numTensors;
    const w = tf.ones([2]);
    const tree = { w, lr: 0.1 };
    const [params, rest] = partition(tree, (x) => x instanceof tf.Tensor);
    expect(params.w).toBe(w);
    expect(params.lr).toBeNull();
    expect(rest.lr).toBe(0.1);
    expect(Object.keys(params)).toEqual(["w", "lr"]);
    expect(combine(params, rest).w).toBe(w);
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("records stay records in both halves, with null children and their static fields", () => {
    const tree = [Object.freeze({ _tag: "Pair", x: 1, y: "s", scale: 2 })];
    const [kept, rest] = partition(tree, isNumber, { registry });
    expect(kept).toEqual([{ _tag: "Pair", x: 1, y: null, scale: 2 }]);
    expect(rest).toEqual([{ _tag: "Pair", x: null, y: "s", scale: 2 }]);
    expect(Object.isFrozen(kept[0])).toBe(true);
    const back = withOptions({ registry }).combine(kept, rest);
    expect(back).toEqual(tree);
    expect(Object.isFrozen(back[0])).toBe(true);
    // combine without the registry still works (the record is then a plain object).
    expect(combine(kept, rest)).toEqual(tree);
  });

  test("the predicate sees leaves only (isLeaf respected) and must return a boolean", () => {
    const seen: unknown[] = [];
    partition({ a: [1, 2], b: 3 }, (x) => (seen.push(x), true), { isLeaf: Array.isArray });
    expect(seen).toEqual([[1, 2], 3]);
    expect(() =>
      partition({ a: [1, "s"] }, (x) => (typeof x === "number" ? 1 : 0) as unknown as boolean),
    ).toThrow(/returned 1 \(not a boolean\) for the leaf at \.a\[0\]/);
  });

  test("noneIsLeaf passes null leaves to the predicate", () => {
    const [kept, rest] = partition({ a: null, b: 1 }, (x) => x === null, { noneIsLeaf: true });
    expect(kept).toEqual({ a: null, b: null });
    expect(rest).toEqual({ a: null, b: 1 });
  });

  test("both halves have the input's structure under noneIsLeaf", () => {
    const tree = { a: [1, "x"], b: { c: 2 } };
    const [kept, rest] = partition(tree, isNumber);
    const def = treeStructure(tree);
    expect(treeStructure(kept, { noneIsLeaf: true }).numLeaves).toBe(def.numLeaves);
    expect(treeStructure(rest, { noneIsLeaf: true }).numLeaves).toBe(def.numLeaves);
  });
});

describe("partition with a filter prefix", () => {
  test("booleans decide for whole subtrees", () => {
    const tree = { enc: [1, 2], dec: { w: 3, b: 4 } };
    const [kept, rest] = partition(tree, { enc: true, dec: false });
    expect(kept).toEqual({ enc: [1, 2], dec: { w: null, b: null } });
    expect(rest).toEqual({ enc: [null, null], dec: { w: 3, b: 4 } });
  });

  test("predicates at a place apply to each leaf below it; prefixes may go deep", () => {
    const tree = { enc: [1, "a"], dec: { w: 3, b: "z" } };
    const [kept] = partition(tree, { enc: isNumber, dec: { w: false, b: true } });
    expect(kept).toEqual({ enc: [1, null], dec: { w: null, b: "z" } });
  });

  test("a bare boolean is the whole tree", () => {
    expect(partition([1, [2]], true)).toEqual([
      [1, [2]],
      [null, [null]],
    ]);
    expect(partition([1, [2]], false)).toEqual([
      [null, [null]],
      [1, [2]],
    ]);
  });

  test("records in the prefix match records by tag", () => {
    const tree = { p: { _tag: "Pair", x: [1, 2], y: 3, scale: 1 } };
    const [kept] = partition(tree, { p: { _tag: "Pair", x: true, y: false } }, { registry });
    expect(kept).toEqual({ p: { _tag: "Pair", x: [1, 2], y: null, scale: 1 } });
  });

  test("a prefix that does not fit names the path and both sides", () => {
    expect(() => partition({ a: [1, 2] }, { b: true })).toThrow(
      'partition: the filter is not a prefix of the tree: at <root> the filter has an object with keys ["b"] but the tree has an object with keys ["a"]',
    );
    expect(() => partition({ a: [1, 2] }, { a: [true] })).toThrow(
      /at \.a the filter has an array of length 1 but the tree has an array of length 2/,
    );
    expect(() => partition({ a: 1 }, { a: [true] })).toThrow(
      /at \.a the filter has an array of length 1 but the tree has a leaf/,
    );
    expect(() => partition({ a: 1 }, { a: "yes" })).toThrow(/booleans or predicates, got "yes"/);
  });

  test("empty subtrees under a prefix leaf are fine", () => {
    expect(partition({ a: [], b: null, c: 1 }, { a: true, b: null, c: false })).toEqual([
      { a: [], b: null, c: null },
      { a: [], b: null, c: 1 },
    ]);
  });
});

describe("combine", () => {
  test("first non-null value at each place", () => {
    expect(combine({ a: 1, b: null }, { a: null, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(combine([null, null, 3], [1, null, 4], [9, 8, 7])).toEqual([1, 8, 3]);
    // Among holes, undefined wins: partition fills with null, so an undefined leaf comes back.
    expect(combine([null], [undefined])).toEqual([undefined]);
    expect(combine([undefined], [null])).toEqual([undefined]);
    expect(combine([null], [null])).toEqual([null]);
    expect(combine({ a: 1 })).toEqual({ a: 1 });
  });

  test("key order of the first tree", () => {
    const out = combine({ b: null, a: 1 }, { a: null, b: 2 });
    expect(Object.keys(out)).toEqual(["b", "a"]);
  });

  test("a structure mismatch names the path and each side", () => {
    expect(() => combine({ a: [1, null] }, { a: [null] })).toThrow(
      "combine: tree 1 does not have the structure of tree 0: at .a, tree 0 has an array of length 2 but tree 1 has an array of length 1",
    );
    expect(() => combine({ a: null, b: 1 }, { a: { c: 1 }, b: null })).toThrow(
      /at \.a, tree 0 has a leaf but tree 1 has an object with keys \["c"\]/,
    );
    expect(() => combine()).toThrow(/at least one tree/);
  });

  test("withOptions(...).combine passes isLeaf through, as partition had it", () => {
    const isPair = (x: unknown): boolean => Array.isArray(x) && x.length === 2;
    const tree = { p: [1, 2], q: 3 };
    const [pairs, other] = partition(tree, isPair, { isLeaf: isPair });
    expect(pairs).toEqual({ p: [1, 2], q: null });
    expect(() => combine(pairs, other)).toThrow(/at \.p/);
    expect(withOptions({ isLeaf: isPair }).combine(pairs, other)).toEqual(tree);
  });

  test("depth 100,000: partition (predicate and prefix) and combine", () => {
    let t: any = [1, "s"];
    for (let i = 0; i < 100_000; i++) t = { n: t };
    const [k, r] = partition(t, isNumber);
    const [k2] = partition(t, { n: true });
    let back: any = combine(k, r);
    let kept: any = k2;
    for (let i = 0; i < 100_000; i++) {
      back = back.n;
      kept = kept.n;
    }
    expect(back).toEqual([1, "s"]);
    expect(kept).toEqual([1, "s"]);
  });

  test("partition then combine gives back the leaves in order", () => {
    const tree = { z: [1, "a", { y: 2 }], x: "b" };
    const [k, r] = partition(tree, isNumber);
    expect(treeLeaves(combine(k, r))).toEqual(treeLeaves(tree));
  });
});
