import * as tf from "@tensorflow/tfjs-core";
import { initBackend, treeFlatten, treeUnflatten } from "../src";

beforeAll(async () => {
  await initBackend();
});

test("round trip of a small model tree", () => {
  const before = tf.memory().numTensors;
  const w = tf.ones([2, 2]);
  const tree = { layers: [{ w, b: null }], name: "m" };
  const [leaves, def] = treeFlatten(tree);
  expect(treeUnflatten(def, leaves)).toEqual(tree);
  expect(tf.getBackend()).toBe("wasm");
  w.dispose();
  expect(tf.memory().numTensors).toBe(before);
});
