/** Gradient references for tests. */
import * as tf from "@tensorflow/tfjs-core";

/**
 * Central finite differences of a scalar function of one tensor, element by element: the
 * reference that tfjs's analytic gradients are checked against.
 */
export function finiteDifferences(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, eps = 1e-2): number[] {
  const base = Array.from(x.dataSync());
  return base.map((_, i) => {
    const at = (delta: number) =>
      tf.tidy(() => {
        const shifted = base.slice();
        shifted[i] = (shifted[i] as number) + delta;
        return f(tf.tensor(shifted, x.shape)).dataSync()[0] as number;
      });
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}
