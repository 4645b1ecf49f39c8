/**
 * What a value is, for the layers above the engine: tensors, floating tensors, the tensors inside
 * a value, and a short description for error messages. Each is written once, here.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeLeaves } from "../core/flatten";
import type { TreeOptions } from "../core/options";

// Tensors are leaves for the tree types too (see `TreeMapped`).
declare module "../core/types" {
  interface TreeLeafTypes {
    tensor: tf.Tensor;
  }
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * tfjs's `Tensor` class, read once. Compiled to CommonJS, `import * as tf` is a namespace object
 * whose every property read is a getter call: in a loop over many leaves, `x instanceof tf.Tensor`
 * cost more than the test itself.
 */
const TensorClass = tf.Tensor;

/**
 * `x` is a tfjs tensor (any dtype; a `tf.Variable` too).
 *
 * @example
 * isTensor(tf.scalar(1)); // true
 * isTensor(1);            // false
 * isTensor([1, 2]);       // false
 */
export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof TensorClass;
}

/**
 * `x` is a tensor of a floating-point dtype (`float32`, or `complex64`), the leaves that can be
 * differentiated and trained (equinox's `is_inexact_array`). Integer, boolean and string tensors
 * are not.
 *
 * @example
 * isFloatTensor(tf.scalar(1.5));          // true
 * isFloatTensor(tf.scalar(1, "int32"));   // false
 * isFloatTensor(0.5);                     // false: a number is a constant, not a parameter
 */
export function isFloatTensor(x: unknown): x is tf.Tensor {
  return x instanceof TensorClass && (x.dtype === "float32" || x.dtype === "complex64");
}

// -------------------------------------------------------------------------------------
// utils
// -------------------------------------------------------------------------------------

/**
 * The tensors in `value`, looking through arrays and plain objects (tagged records included, all
 * their fields) as `tf.tidy` does, in leaf order, possibly repeated. Throws on a cyclic value.
 *
 * @example
 * const t = tf.scalar(1);
 * tensorsIn({ a: [t, 2], b: { _tag: "X", c: t } }).length; // 2
 * t.dispose();
 */
export function tensorsIn(value: unknown, options?: TreeOptions): tf.Tensor[] {
  if (isTensor(value)) return [value];
  if (value === null || typeof value !== "object") return [];
  const out: tf.Tensor[] = [];
  for (const x of treeLeaves(value, options)) {
    if (isTensor(x)) out.push(x);
    // An instance of an Array subclass is a leaf of the tree, but tf.tidy looks inside it: so do
    // we, or a tensor kept there would be disposed with the scope.
    else if (Array.isArray(x)) for (const t of tensorsIn(Array.from(x as unknown[]), options)) out.push(t);
  }
  return out;
}

/**
 * A short description of a value for error messages.
 *
 * @example
 * describeValue(tf.zeros([2, 3])); // "a float32 tensor of shape [2, 3]"
 * describeValue([1, 2]);           // "an array of length 2"
 */
export function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (isTensor(x)) return `a ${x.dtype} tensor of shape [${x.shape.join(", ")}]`;
  if (Array.isArray(x) && Object.getPrototypeOf(x) === Array.prototype)
    return `an array of length ${x.length}`;
  if (typeof x === "function") return "a function";
  if (typeof x === "object") {
    const proto: unknown = Object.getPrototypeOf(x);
    if (!Array.isArray(x) && (proto === Object.prototype || proto === null)) return "a plain object";
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return `an instance of ${typeof name === "string" && name !== "" ? name : "a class"}`;
  }
  if (typeof x === "symbol") return `symbol ${x.toString()}`;
  if (typeof x === "string" || typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") {
    return `${typeof x} ${String(x)}`;
  }
  return "undefined";
}
