import * as tf from "@tensorflow/tfjs-core";
import { initBackend, registerWrapper, treeAt, treeModifyAt } from "../src";
import { emptyRegistry } from "../src/advanced";

beforeAll(async () => {
  await initBackend();
});

const registry = registerWrapper(emptyRegistry, { tag: "Pair", children: ["x"], unwrap: (n: any) => n.x });

function model() {
  return {
    layers: [
      { w: 1, b: 0 },
      { w: 2, b: 0 },
    ],
    name: "m",
  };
}

describe("treeAt", () => {
  test("replaces one leaf; the input is unchanged", () => {
    const m = model();
    const snapshot = JSON.stringify(m);
    const out = treeAt((t) => t.layers[1]!.b, m, 5);
    expect(out).toEqual({
      layers: [
        { w: 1, b: 0 },
        { w: 2, b: 5 },
      ],
      name: "m",
    });
    expect(JSON.stringify(m)).toBe(snapshot);
  });

  test("rebuilds only the path to the node: untouched subtrees are shared", () => {
    const m = model();
    const out = treeAt((t) => t.layers[1]!.b, m, 5);
    expect(out).not.toBe(m);
    expect(out.layers).not.toBe(m.layers);
    expect(out.layers[0]).toBe(m.layers[0]);
    expect(out.layers[1]).not.toBe(m.layers[1]);
  });

  test("numbers are found by place, not by value: equal numbers elsewhere stay", () => {
    const m = model(); // both b's are 0
    const out = treeAt((t) => t.layers[0]!.b, m, 9);
    expect(out.layers[0]!.b).toBe(9);
    expect(out.layers[1]!.b).toBe(0);
  });

  test("the same tensor at two places: only the selected place changes", () => {
    const before = tf.memory().numTensors;
    const w = tf.ones([2]);
    const tree = { a: w, b: w };
    const out = treeAt((t) => t.b, tree, "replaced");
    expect(out).toEqual({ a: w, b: "replaced" });
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("several nodes at once, with an array of replacements", () => {
    const out = treeAt((t) => [t.layers[0]!.w, t.layers[1]!.w, t.name], model(), [10, 20, "n"]);
    expect(out).toEqual({
      layers: [
        { w: 10, b: 0 },
        { w: 20, b: 0 },
      ],
      name: "n",
    });
    expect(() => treeAt((t) => [t.layers[0]!.w, t.name], model(), [1])).toThrow(
      /selected 2 nodes, so the replacement must be an array of 2 values, got an array of 1/,
    );
  });

  test("an internal node, the root, and an array node of the tree itself", () => {
    expect(treeAt((t) => t.layers[0], model(), null).layers[0]).toBeNull();
    expect(treeAt((t) => t, model(), 1)).toBe(1);
    // `t.layers` is a node of the tree, so it is one selection, replaced as a whole.
    expect(treeAt((t) => t.layers, model(), []).layers).toEqual([]);
  });

  test("null nodes can be selected too", () => {
    const out = treeAt((t) => t.bias, { w: 1, bias: null as number | null }, 3);
    expect(out).toEqual({ w: 1, bias: 3 });
  });

  test("records are rebuilt with their static fields, frozen again", () => {
    const tree = { p: Object.freeze({ _tag: "Pair", x: [1, 2], scale: 3 }) };
    const out = treeAt((t) => t.p.x[1], tree, 7, { registry });
    expect(out.p).toEqual({ _tag: "Pair", x: [1, 7], scale: 3 });
    expect(Object.isFrozen(out.p)).toBe(true);
    expect(tree.p.x).toEqual([1, 2]);
    expect(() => treeAt((t) => t.p.scale, tree, 1, { registry })).toThrow(
      /selected the number 3, which is not a node/,
    );
  });

  test("isLeaf: a leaf is opaque, so nothing inside it can be selected", () => {
    const tree = { a: [1, 2] };
    expect(treeAt((t) => t.a, tree, 0, { isLeaf: Array.isArray })).toEqual({ a: 0 });
    expect(() => treeAt((t) => t.a[0], tree, 0, { isLeaf: Array.isArray })).toThrow(/selected undefined/);
  });

  test("errors name what was selected", () => {
    const m: any = model();
    expect(() => treeAt((t: any) => t.layrs, m, 1)).toThrow(
      /treeAt: `where` selected undefined, which is not a node of the tree/,
    );
    expect(() => treeAt(() => [1, 2], m, [0, 0])).toThrow(/element 0 is the number 1, which is not a node/);
    expect(() => treeAt(() => ({ other: 1 }), m, 0)).toThrow(/selected an object, which is not a node/);
    expect(() => treeAt((t) => [t.name, t.name], m, [1, 2])).toThrow(/selected the node at \.name twice/);
    expect(() => treeAt((t) => [t.layers[0], t.layers[0].w], m, [1, 2])).toThrow(
      /selected both the node at \.layers\[0\] and the node at \.layers\[0\]\.w inside it/,
    );
  });

  test("`where` cannot read leaf values (it sees markers)", () => {
    const before = tf.memory().numTensors;
    const tree = { w: tf.ones([3]) };
    expect(() => treeAt((t) => t.w.shape, tree, 0)).toThrow(/selected undefined/);
    tree.w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("an empty selection returns the tree itself", () => {
    const m = model();
    expect(treeAt(() => [], m, [])).toBe(m);
  });

  test("depth 100,000", () => {
    let t: any = 1;
    for (let i = 0; i < 100_000; i++) t = { n: t };
    const out: any = treeAt((x: any) => x.n, t, "cut");
    expect(out.n).toBe("cut");
    expect(t.n.n).toBeDefined();
  });
});

describe("treeModifyAt", () => {
  test("applies f to the selected node(s)", () => {
    expect(
      treeModifyAt(
        (t) => t.lr,
        { lr: 0.5, steps: 3 },
        (x: number) => x / 10,
      ),
    ).toEqual({ lr: 0.05, steps: 3 });
    expect(
      treeModifyAt(
        (t) => [t.a, t.b],
        { a: 1, b: 2, c: 3 },
        (x: number) => -x,
      ),
    ).toEqual({ a: -1, b: -2, c: 3 });
    expect(
      treeModifyAt(
        (t) => t.a,
        { a: [1, 2] },
        (x: number[]) => x.length,
      ),
    ).toEqual({ a: 2 });
  });

  test("works on tensors without leaking", () => {
    const before = tf.memory().numTensors;
    const tree = { w: tf.tensor([1, 2]), b: tf.tensor([3]) };
    const out = treeModifyAt(
      (t) => t.w,
      tree,
      (x: tf.Tensor) => tf.mul(x, 3),
    );
    expect(Array.from(out.w.dataSync())).toEqual([3, 6]);
    expect(out.b).toBe(tree.b);
    tf.dispose([tree.w, tree.b, out.w]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
