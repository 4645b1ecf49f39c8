import * as tf from "@tensorflow/tfjs-core";
import { treeEqual, treeLeaves, treeStack, treeUnstack } from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());

describe("treeStack", () => {
  test("stacks tensor leaves along a new first axis; keeps static leaves", () => {
    const a = { w: tf.tensor([[1, 2]]), b: tf.scalar(5), n: 3, f: Math.exp };
    const b = { f: Math.exp, n: 3, b: tf.scalar(6), w: tf.tensor([[3, 4]]) };
    const s = treeStack([a, b]);
    expect(s.w.shape).toEqual([2, 1, 2]);
    expect(values(s.w)).toEqual([1, 2, 3, 4]);
    expect(s.b.shape).toEqual([2]);
    expect(values(s.b)).toEqual([5, 6]);
    expect(s.n).toBe(3);
    expect(s.f).toBe(Math.exp);
    expect(Object.keys(s)).toEqual(["w", "b", "n", "f"]);
    tf.dispose(
      [...treeLeaves<tf.Tensor>(a), ...treeLeaves<tf.Tensor>(b), s.w, s.b].filter(
        (x) => x instanceof tf.Tensor,
      ),
    );
  });

  test("one tree gives a leading axis of 1", () => {
    const t = { w: tf.tensor([1, 2]) };
    const s = treeStack([t]);
    expect(s.w.shape).toEqual([1, 2]);
    tf.dispose([t.w, s.w]);
  });

  test("errors name the path; nothing is allocated when they fire", () => {
    const x = tf.tensor([1, 2]);
    const y = tf.tensor([1, 2, 3]);
    const i = tf.tensor([1, 2], undefined, "int32");
    const start = tf.memory().numTensors;
    expect(() => treeStack([{ a: { w: x } }, { a: { w: y } }])).toThrow(
      "treeStack: at .a.w, tree 0 has the tensor float32[2] but tree 1 has the tensor float32[3]",
    );
    expect(() => treeStack([{ a: [x, x] }, { a: [x, i] }])).toThrow(
      /at \.a\[1\], tree 0 has the tensor float32\[2\] but tree 1 has the tensor int32\[2\]/,
    );
    expect(() => treeStack([{ w: x }, { w: 1 }])).toThrow(/at \.w, tree 0 has a tensor but tree 1 has 1/);
    expect(() => treeStack([{ n: 1 }, { n: x }])).toThrow(/at \.n, tree 0 has 1 but tree 1 has float32\[2\]/);
    expect(() => treeStack([{ n: 1 }, { n: 2 }])).toThrow(
      /at \.n, tree 0 has 1 but tree 1 has 2; non-tensor leaves are static and must be equal/,
    );
    expect(() => treeStack([{ w: x }, { v: x }])).toThrow(
      /treeStack: tree 1 does not have the structure of tree 0/,
    );
    expect(() => treeStack([])).toThrow(/non-empty array/);
    // A failure at the last leaf must not leave stacked tensors of earlier leaves behind.
    expect(() =>
      treeStack([
        { a: x, b: x, c: x },
        { a: x, b: x, c: y },
      ]),
    ).toThrow(/at \.c/);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, y, i]);
  });
});

describe("treeUnstack", () => {
  test("splits every tensor leaf along axis 0; static leaves are shared", () => {
    const tree = {
      w: tf.tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      b: tf.tensor([7, 8, 9]),
      n: "s",
    };
    const parts = treeUnstack(tree);
    expect(parts).toHaveLength(3);
    expect(parts.map((p) => values(p.w))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(parts.map((p) => p.b.shape)).toEqual([[], [], []]);
    expect(parts.map((p) => values(p.b)[0])).toEqual([7, 8, 9]);
    expect(parts.every((p) => p.n === "s")).toBe(true);
    tf.dispose([tree.w, tree.b, ...parts.flatMap((p) => [p.w, p.b])]);
  });

  test("inverts treeStack", () => {
    const trees = [
      { w: tf.tensor([1, 2]), k: 1 },
      { w: tf.tensor([3, 4]), k: 1 },
    ];
    const s = treeStack(trees);
    const back = treeUnstack(s);
    expect(back).toHaveLength(2);
    expect(treeEqual(back, trees)).toBe(true);
    tf.dispose([...trees.map((t) => t.w), s.w, ...back.map((t) => t.w)]);
  });

  test("a leading dimension of 0 gives no trees", () => {
    const t = { w: tf.zeros([0, 3]) };
    expect(treeUnstack(t)).toEqual([]);
    t.w.dispose();
  });

  test("errors name the paths; nothing is allocated when they fire", () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3]);
    const s = tf.scalar(1);
    const start = tf.memory().numTensors;
    expect(() => treeUnstack({ a, z: { b } })).toThrow(
      "treeUnstack: the tensor at .z.b has first dimension 3 but the one at .a has 2",
    );
    expect(() => treeUnstack({ a, s })).toThrow(/the tensor at \.s is a scalar/);
    expect(() => treeUnstack({ n: 1 })).toThrow(/no tensor leaves/);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([a, b, s]);
  });
});
