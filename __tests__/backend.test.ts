import * as tf from "@tensorflow/tfjs-core";
import { initBackend, treeFlatten, treeMap, treeUnflatten, type BackendName } from "../src";

afterEach(async () => {
  jest.restoreAllMocks();
  await initBackend();
});

describe("initBackend", () => {
  test("starts WASM by default", async () => {
    await initBackend();
    expect(tf.getBackend()).toBe("wasm");
    const x = tf.tensor([1, 2, 3]);
    const y = tf.mul(x, 2);
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([x, y]);
  });

  test('starts "cpu" on request, and back', async () => {
    await initBackend("cpu");
    expect(tf.getBackend()).toBe("cpu");
    await initBackend("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });

  test("calling it twice is harmless: tensors made in between survive", async () => {
    await initBackend();
    const x = tf.tensor([1, 2]);
    await initBackend();
    await initBackend("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(Array.from(x.dataSync())).toEqual([1, 2]);
    x.dispose();
  });

  test("an unknown name rejects with an Error naming it", async () => {
    const start = tf.getBackend();
    await expect(initBackend("webgl" as BackendName)).rejects.toThrow(/unknown backend "webgl"/);
    await expect(initBackend("webgl" as BackendName)).rejects.toBeInstanceOf(Error);
    expect(tf.getBackend()).toBe(start);
  });

  test("a backend that fails to start (setBackend resolves false) rejects naming it", async () => {
    // tf.setBackend is a non-configurable module export; it delegates to the engine's method.
    jest.spyOn(tf.engine(), "setBackend").mockResolvedValue(false);
    await expect(initBackend("cpu")).rejects.toThrow(/the tfjs backend "cpu" failed to start/);
    await expect(initBackend("wasm")).rejects.toThrow(/"wasm" failed to start/);
  });

  test("a backend whose start throws rejects naming it, with the cause", async () => {
    const boom = new Error("no wasm binary");
    jest.spyOn(tf.engine(), "setBackend").mockRejectedValue(boom);
    const err = await initBackend("wasm").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/"wasm" failed to start: Error: no wasm binary/);
    expect((err as Error & { cause?: unknown }).cause).toBe(boom);
  });
});

describe("the tree layer on both backends", () => {
  for (const name of ["wasm", "cpu"] as const) {
    test(`${name}: map, flatten and unflatten of a tensor tree, without leaks`, async () => {
      await initBackend(name);
      expect(tf.getBackend()).toBe(name);
      const before = tf.memory().numTensors;
      const tree = {
        w: tf.tensor([
          [1, 2],
          [3, 4],
        ]),
        b: tf.tensor([0.5, -0.5]),
        n: 2,
      };
      const doubled = treeMap((x: unknown) => (x instanceof tf.Tensor ? tf.mul(x, 2) : x), tree) as {
        w: tf.Tensor;
        b: tf.Tensor;
        n: number;
      };
      expect(Array.from(doubled.w.dataSync())).toEqual([2, 4, 6, 8]);
      expect(Array.from(doubled.b.dataSync())).toEqual([1, -1]);
      expect(doubled.n).toBe(2);
      const [leaves, def] = treeFlatten(doubled);
      expect(treeUnflatten<typeof doubled>(def, leaves).w).toBe(doubled.w);
      tf.dispose([tree.w, tree.b, doubled.w, doubled.b]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
