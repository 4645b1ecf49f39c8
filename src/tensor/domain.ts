/**
 * Domain checks for inverses: refuse a value outside a function's range, naming the element.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * `x` as a float32 tensor (numbers, nested arrays and tensors of any real dtype). Throws, naming
 * `what`, for string and complex tensors. The result is a new tensor unless `x` is already float32.
 *
 * @example
 * toFloatTensor("logit", [1, 2]).dtype; // "float32"
 */
export function toFloatTensor(what: string, x: tf.Tensor | tf.TensorLike): tf.Tensor {
  const input = x instanceof tf.Tensor ? x : tf.tensor(x);
  if (input.dtype === "string" || input.dtype === "complex64") {
    throw new TypeError(`${what}: expected a real-valued input, got a ${input.dtype} tensor`);
  }
  return input.dtype === "float32" ? input : tf.cast(input, "float32");
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Throws a `RangeError` when `ok(x)` (a bool tensor of `x`'s shape) is false anywhere: the message
 * names `what`, how many elements fail, the first one's value and index, and `why`
 * ("not positive"). Disposes what it creates; reads the values back synchronously.
 *
 * @example
 * assertElements("log", tf.tensor1d([1, -2]), (x) => tf.greater(x, 0), "not positive"); // throws "log: 1 element is not positive; the first is -2 at index [1]"
 */
export function assertElements(
  what: string,
  x: tf.Tensor,
  ok: (x: tf.Tensor) => tf.Tensor,
  why: string,
): void {
  const bad = tf.tidy(() => tf.logicalNot(ok(x)));
  try {
    const flags = bad.dataSync();
    const first = flags.findIndex((f) => f !== 0);
    if (first < 0) return;
    let count = 0;
    for (const f of flags) if (f !== 0) count++;
    const value = x.dataSync()[first];
    const where = x.rank === 0 ? "" : ` at index [${unravel(first, x.shape).join(", ")}]`;
    throw new RangeError(
      `${what}: ${count} element${count === 1 ? " is" : "s are"} ${why}; the first is ${value}${where}`,
    );
  } finally {
    bad.dispose();
  }
}

/** @internal The multi-index of flat index `flat` in `shape` (row-major). */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    index[d] = flat % size;
    flat = Math.floor(flat / size);
  }
  return index;
}
