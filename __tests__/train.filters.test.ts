import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { isFloatTensor, isTensor } from "../src";

beforeAll(async () => {
  await initBackend();
});

describe("isTensor / isFloatTensor", () => {
  test("classify every dtype and non-tensors", async () => {
    // WASM has no complex kernels: make the complex64 tensor on the CPU backend.
    // (The CPU backend's one-time "install tfjs-node" notice is silenced.)
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    await initBackend("cpu");
    const c = tf.complex([1], [2]);
    warn.mockRestore();
    expect(isTensor(c)).toBe(true);
    expect(isFloatTensor(c)).toBe(true);
    c.dispose();
    await initBackend("wasm");
    const before = tf.memory().numTensors;
    const f32 = tf.scalar(1.5);
    const i32 = tf.scalar(2, "int32");
    const b = tf.scalar(true, "bool");
    const s = tf.tensor(["a"], [1], "string");
    expect([f32, i32, b, s].map(isTensor)).toEqual([true, true, true, true]);
    expect([f32, i32, b, s].map(isFloatTensor)).toEqual([true, false, false, false]);
    for (const x of [1, 1.5, "x", null, undefined, [1], { dtype: "float32" }, new Float32Array(2), () => 1]) {
      expect(isTensor(x)).toBe(false);
      expect(isFloatTensor(x)).toBe(false);
    }
    tf.dispose([f32, i32, b, s]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a variable is a float tensor", () => {
    const before = tf.memory().numTensors;
    const z = tf.zeros([2]);
    const v = tf.variable(z);
    expect(isFloatTensor(v)).toBe(true);
    tf.dispose([v, z]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
