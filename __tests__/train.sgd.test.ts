import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree } from "../src";
import { isFloatTensor } from "../src";
import { sgdStep } from "../src";
import { valueAndGrad } from "../src";

beforeAll(async () => {
  await initBackend();
});

describe("sgdStep", () => {
  test("p - lr * g at float leaves, other leaves shared, inputs untouched", () => {
    const before = tf.memory().numTensors;
    const n = tf.tensor1d([1, 2], "int32");
    const params = {
      w: tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      b: [tf.scalar(-1)],
      n,
      k: 7,
      name: "m",
    };
    const grads = {
      w: tf.tensor2d([
        [10, 20],
        [-10, 0],
      ]),
      b: [tf.scalar(4)],
      n,
      k: 7,
      name: "m",
    };
    const next = sgdStep(params, grads, 0.1);
    const expected = [1 - 0.1 * 10, 2 - 0.1 * 20, 3 + 0.1 * 10, 4 - 0.1 * 0];
    next.w.dataSync().forEach((got, i) => expect(got).toBeCloseTo(expected[i] as number, 6));
    expect(next.b[0]?.dataSync()[0]).toBeCloseTo(-1 - 0.4, 6);
    expect(next.n).toBe(n);
    expect(next.k).toBe(7);
    expect(next.name).toBe("m");
    expect(Array.from(params.w.dataSync())).toEqual([1, 2, 3, 4]);
    expect(next.w).not.toBe(params.w);
    // New tensors only at the two float leaves.
    expect(tf.memory().numTensors).toBe(before + 2 + 2 + 1 + 2);
    disposeTree([params, grads.w, grads.b, next], { filter: isFloatTensor });
    n.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("structure and shape mismatches are errors naming the place, and leak nothing", () => {
    const before = tf.memory().numTensors;
    const params = { a: tf.scalar(1), b: { c: tf.ones([2]) } };
    const wrongShape = { a: tf.scalar(1), b: { c: tf.ones([3]) } };
    expect(() => sgdStep(params, wrongShape, 0.1)).toThrow(/\.b\.c.*shape \[2\].*shape \[3\]/);
    expect(() => sgdStep(params, { a: params.a } as never, 0.1)).toThrow(/structure/);
    expect(() => sgdStep(params, params, Number.NaN)).toThrow(/learningRate/);
    disposeTree([params, wrongShape]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("gradient descent on a quadratic converges to the minimum, memory flat across steps", () => {
    const before = tf.memory().numTensors;
    const target = tf.tensor1d([3, -1]);
    let params = { x: tf.tensor1d([0, 0]) };
    const loss = (p: typeof params) => tf.sum(tf.square(tf.sub(p.x, target)));
    let afterFirst = -1;
    for (let i = 0; i < 200; i++) {
      const { value, grads } = valueAndGrad(loss)(params);
      const next = sgdStep(params, grads, 0.1);
      disposeTree([params, grads]);
      value.dispose();
      params = next;
      if (i === 0) afterFirst = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(afterFirst);
    }
    const x = params.x.dataSync();
    expect(x[0]).toBeCloseTo(3, 4);
    expect(x[1]).toBeCloseTo(-1, 4);
    disposeTree([params, target]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
