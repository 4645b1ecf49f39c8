/**
 * `stopGradient`: identity forward, exactly zero gradient, memory and input checks.
 */
import * as tf from "@tensorflow/tfjs-core";
import { stopGradient } from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

test("forward: the same values, shape and dtype, as a new tensor that can be disposed alone", () => {
  const x = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const y = stopGradient(x);
  expect(y).not.toBe(x);
  expect(y.shape).toEqual([2, 2]);
  expect(y.dtype).toBe("float32");
  expect(y.arraySync()).toEqual([
    [1, 2],
    [3, 4],
  ]);
  y.dispose();
  expect(x.isDisposed).toBe(false);
  expect(x.arraySync()).toEqual([
    [1, 2],
    [3, 4],
  ]);
  x.dispose();
});

test("the gradient through it is exactly zero", () => {
  const x = tf.tensor1d([1, -2, 3]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.exp(stopGradient(v))))(x);
  expect(Array.from(g.dataSync())).toEqual([0, 0, 0]);
  // d/dx [x * sg(x²)] = sg(x²) = x²
  const h = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(tf.square(v)))))(x);
  expect(Array.from(h.dataSync())).toEqual([1, 4, 9]);
  // Second input of tf.grads unaffected.
  const y = tf.tensor1d([4, 5, 6]);
  const [ga, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(stopGradient(a), b)))([x, y]) as [
    tf.Tensor,
    tf.Tensor,
  ];
  expect(Array.from(ga.dataSync())).toEqual([0, 0, 0]);
  expect(Array.from(gb.dataSync())).toEqual([1, -2, 3]);
  tf.dispose([x, y, g, h, ga, gb]);
});

test("works on variables and on int tensors (forward)", () => {
  const init = tf.tensor1d([1, 2]);
  const v = tf.variable(init);
  const sv = stopGradient(v);
  expect(Array.from(sv.dataSync())).toEqual([1, 2]);
  const i = tf.tensor1d([1, 2], "int32");
  const si = stopGradient(i);
  expect(si.dtype).toBe("int32");
  tf.dispose([init, v, sv, i, si]);
});

test("rejects non-tensors clearly", () => {
  expect(() => stopGradient(3 as never)).toThrow("stopGradient: expected a tf.Tensor, got number 3");
  expect(() => stopGradient([1] as never)).toThrow("got an array of length 1");
});

test("no tensors left behind over many calls, inside and outside gradients", () => {
  const x = tf.tensor1d([1, 2, 3]);
  const start = tf.memory().numTensors;
  for (let i = 0; i < 100; i++) {
    tf.dispose(stopGradient(x));
    tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, stopGradient(v))))(x));
  }
  expect(tf.memory().numTensors).toBe(start);
  x.dispose();
});
