import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree } from "../src";
import { isFloatTensor } from "../src";

beforeAll(async () => {
  await initBackend();
});

describe("disposeTree", () => {
  test("disposes every tensor leaf by default, ignores other leaves", () => {
    const before = tf.memory().numTensors;
    const tree = { a: [tf.scalar(1), 2, "x"], b: { c: tf.ones([3], "int32") }, d: null };
    disposeTree(tree);
    expect(tf.memory().numTensors).toBe(before);
    expect(tree.a[0] instanceof tf.Tensor && tree.a[0].isDisposed).toBe(true);
  });

  test("with a filter, disposes only the leaves that pass it", () => {
    const before = tf.memory().numTensors;
    const n = tf.scalar(3, "int32");
    const tree = { w: tf.scalar(1), n };
    disposeTree(tree, { filter: isFloatTensor });
    expect(tree.w.isDisposed).toBe(true);
    expect(n.isDisposed).toBe(false);
    n.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("works at depth 100000 (no recursion)", () => {
    const before = tf.memory().numTensors;
    let tree: unknown = tf.scalar(1);
    for (let i = 0; i < 100_000; i++) tree = [tree];
    disposeTree(tree);
    expect(tf.memory().numTensors).toBe(before);
  });
});
