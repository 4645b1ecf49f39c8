import * as tf from "@tensorflow/tfjs-core";
import { initBackend, registerWrapper, treeDifference, treeEqual } from "../src";
import { emptyRegistry } from "../src/advanced";

let before = 0;
beforeAll(async () => {
  await initBackend();
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  tf.disposeVariables();
  expect(tf.memory().numTensors).toBe(before);
});

describe("treeEqual: structure", () => {
  test("key insertion order does not matter; kinds, keys and lengths do", () => {
    expect(treeEqual({ a: 1, b: [2] }, { b: [2], a: 1 })).toBe(true);
    expect(treeEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(treeEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(treeEqual([1], { 0: 1 })).toBe(false);
    expect(treeEqual({ a: null }, { a: undefined })).toBe(false);
  });

  test("record static fields are part of the structure", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "Pair",
      children: ["x"],
      unwrap: (n: any) => n.x,
    });
    const a = { _tag: "Pair", x: 1, s: 1 };
    expect(treeEqual(a, { ...a }, { registry })).toBe(true);
    expect(treeEqual(a, { ...a, s: 2 }, { registry })).toBe(false);
  });

  test("treeDifference names the path of a structural difference", () => {
    expect(treeDifference({ a: { b: [1] } }, { a: { b: [1, 2] } })).toEqual({
      path: ["a", "b"],
      reason: "structure: the first tree has an array of length 1 but the second has an array of length 2",
    });
  });
});

describe("treeEqual: leaves", () => {
  test("numbers exactly by default, 0 equals -0, NaN unequal unless equalNan", () => {
    expect(treeEqual([1, 2], [1, 2])).toBe(true);
    expect(treeEqual([1], [1 + 1e-12])).toBe(false);
    expect(treeEqual([0], [-0])).toBe(true);
    expect(treeEqual([NaN], [NaN])).toBe(false);
    expect(treeEqual([NaN], [NaN], { equalNan: true })).toBe(true);
    expect(treeEqual([Infinity], [Infinity], { atol: 1 })).toBe(true);
    expect(treeEqual([Infinity], [-Infinity], { atol: 1 })).toBe(false);
    expect(treeEqual([Infinity], [1e308], { rtol: 1 })).toBe(false);
  });

  test("tolerances follow |a - b| <= atol + rtol * |b| (asymmetric, as numpy)", () => {
    expect(treeEqual([1.0], [1.0009], { atol: 1e-3 })).toBe(true);
    expect(treeEqual([1.0], [1.0011], { atol: 1e-3 })).toBe(false);
    // rtol scales with |b|: |100 - 110| = 10 <= 0.095 * 110 = 10.45, but not <= 0.095 * 100 = 9.5
    expect(treeEqual([100], [110], { rtol: 0.095 })).toBe(true);
    expect(treeEqual([110], [100], { rtol: 0.095 })).toBe(false);
    expect(treeEqual([100], [110], { rtol: 0.05, atol: 4.5 })).toBe(true); // 10 <= 4.5 + 5.5
    expect(treeEqual([100], [110], { rtol: 0.05, atol: 4.4 })).toBe(false);
    expect(() => treeEqual([1], [1], { atol: -1 })).toThrow(/non-negative/);
  });

  test("other leaves by Object.is; strings, functions, bigints", () => {
    const f = () => 1;
    expect(treeEqual(["s", f, 3n, true], ["s", f, 3n, true])).toBe(true);
    expect(treeEqual([f], [() => 1])).toBe(false);
    expect(treeEqual(["s"], ["t"])).toBe(false);
    expect(treeEqual([{}], [{}])).toBe(true); // empty objects are empty nodes, not leaves
    class Box {}
    expect(treeEqual([new Box()], [new Box()])).toBe(false);
  });

  test("typed arrays element-wise, with tolerances", () => {
    expect(treeEqual([new Float32Array([1, 2])], [new Float32Array([1, 2])])).toBe(true);
    expect(treeEqual([new Float32Array([1, 2])], [new Float64Array([1, 2])])).toBe(false);
    expect(treeEqual([new Float32Array([1, 2])], [new Float32Array([1, 2.5])], { atol: 0.6 })).toBe(true);
    expect(treeDifference([new Int32Array([1, 2])], [new Int32Array([1, 3])])?.reason).toBe(
      "typed array element [1] is 2 vs 3",
    );
  });

  test("treeDifference names the leaf path and the values", () => {
    expect(treeDifference({ a: [1, 2] }, { a: [1, 3] })).toEqual({
      path: ["a", 1],
      reason: "leaf 2 differs from 3",
    });
    expect(treeDifference({ a: "x" }, { a: "y" })?.reason).toBe('leaf "x" differs from "y"');
    expect(treeDifference([1], [1])).toBeUndefined();
  });
});

describe("treeEqual: deep trees", () => {
  test("depth 100,000, equal and unequal at the bottom", () => {
    let a: any = [1];
    let b: any = [1];
    let c: any = [2];
    for (let i = 0; i < 100_000; i++) {
      a = { n: a };
      b = { n: b };
      c = { n: c };
    }
    expect(treeEqual(a, b)).toBe(true);
    const d = treeDifference(a, c);
    expect(d?.path).toHaveLength(100_001);
    expect(d?.reason).toBe("leaf 1 differs from 2");
  });
});

describe("treeEqual: tensors", () => {
  test("by shape, dtype and values", () => {
    const a = tf.tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor([
      [1, 2],
      [3, 4],
    ]);
    const c = tf.tensor([
      [1, 2],
      [3, 5],
    ]);
    const flat = tf.tensor([1, 2, 3, 4]);
    const ints = tf.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      undefined,
      "int32",
    );
    expect(treeEqual({ w: a }, { w: b })).toBe(true);
    expect(treeEqual({ w: a }, { w: c })).toBe(false);
    expect(treeEqual({ w: a }, { w: flat })).toBe(false);
    expect(treeEqual({ w: a }, { w: ints })).toBe(false);
    expect(treeDifference({ w: a }, { w: c })).toEqual({
      path: ["w"],
      reason: "tensor element [1,1] is 4 vs 5",
    });
    expect(treeDifference({ w: a }, { w: flat })?.reason).toBe("tensor shape [2,2] differs from [4]");
    expect(treeDifference({ w: a }, { w: ints })?.reason).toBe("tensor dtype float32 differs from int32");
    expect(treeDifference({ w: a }, { w: 1 })?.reason).toMatch(/only one is a tensor/);
    tf.dispose([a, b, c, flat, ints]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("with tolerances and NaN", () => {
    const a = tf.tensor([1, NaN, 3]);
    const b = tf.tensor([1.001, NaN, 3]);
    expect(treeEqual([a], [b], { atol: 1e-2 })).toBe(false); // NaN != NaN
    expect(treeEqual([a], [b], { atol: 1e-2, equalNan: true })).toBe(true);
    expect(treeEqual([a], [b], { atol: 1e-4, equalNan: true })).toBe(false);
    expect(treeEqual([a], [a])).toBe(true); // same object: equal without reading
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("bool, int32 and string tensors; scalars; empty tensors", () => {
    const t1 = tf.tensor([true, false], undefined, "bool");
    const t2 = tf.tensor([true, false], undefined, "bool");
    const t3 = tf.tensor([true, true], undefined, "bool");
    const s1 = tf.tensor(["a", "b"]);
    const s2 = tf.tensor(["a", "b"]);
    const s3 = tf.tensor(["a", "c"]);
    const z1 = tf.scalar(0);
    const z2 = tf.scalar(-0);
    const e1 = tf.zeros([0, 3]);
    const e2 = tf.zeros([0, 3]);
    expect(treeEqual(t1, t2)).toBe(true);
    expect(treeEqual(t1, t3)).toBe(false);
    expect(treeEqual(s1, s2)).toBe(true);
    expect(treeEqual(s1, s3)).toBe(false);
    expect(treeEqual(z1, z2)).toBe(true);
    expect(treeEqual(e1, e2)).toBe(true);
    tf.dispose([t1, t2, t3, s1, s2, s3, z1, z2, e1, e2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("variables compare like tensors", () => {
    const init = tf.tensor([1, 2]);
    const v = tf.variable(init);
    init.dispose();
    const t = tf.tensor([1, 3]);
    expect(treeEqual({ v }, { v: t })).toBe(false);
    v.assign(t);
    expect(treeEqual({ v }, { v: t })).toBe(true);
    t.dispose();
  });
});

describe("treeEqual on the cpu backend", () => {
  test("the tree layer does not depend on the backend", async () => {
    await initBackend("cpu");
    try {
      const start = tf.memory().numTensors;
      const a = { w: tf.tensor([1, 2]), n: [3] };
      const b = { n: [3], w: tf.tensor([1, 2.5]) };
      expect(tf.getBackend()).toBe("cpu");
      expect(treeEqual(a, b)).toBe(false);
      expect(treeEqual(a, b, { atol: 0.5 })).toBe(true);
      tf.dispose([a.w, b.w]);
      expect(tf.memory().numTensors).toBe(start);
    } finally {
      await initBackend();
    }
  });
});
