/**
 * Iterative helpers shared by the wrapper modules: a leaf map that keeps unchanged subtrees, and
 * the tensors of a value. Neither recurses, so trees 100,000 levels deep are fine.
 *
 * @internal
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { LEAF, NONE, buildIfChanged } from "../tree/nodes";
import type { ResolvedOptions } from "../tree/options";
import { emptyRegistry, type Registry } from "../tree/registry";
import { walk } from "../tree/walk";

/** Options for `walk` without going through `resolveOptions` (see `tags.ts` for why). */
export function walkOptions(registry: Registry, isLeaf?: (node: unknown) => boolean): ResolvedOptions {
  return { isLeaf, noneIsLeaf: false, registry };
}

/** Arrays and plain objects only: what `tf.tidy` also looks through. */
const containersOnly = walkOptions(emptyRegistry);

/**
 * tfjs's `Tensor` class, read once. Compiled to CommonJS, `import * as tf` is a namespace object
 * whose every property read is a getter call: in a loop over many wrappers, `x instanceof
 * tf.Tensor` cost more than the test itself.
 */
const TensorClass = tf.Tensor;

/** Whether `x` is a tfjs tensor (a `tf.Variable` too). */
export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof TensorClass;
}

/** Whether `x` is a tensor of dtype float32 (the only dtype tfjs differentiates). */
export function isFloatTensor(x: unknown): x is tf.Tensor {
  return x instanceof TensorClass && x.dtype === "float32";
}

/**
 * A post-order rebuild of `tree` that replaces each leaf by `onLeaf(leaf)` and returns every
 * subtree in which nothing changed as the very same object (so a tree with nothing to replace
 * comes back identical, and nothing is allocated for it).
 */
export function mapLeavesShared(
  tree: unknown,
  options: ResolvedOptions,
  onLeaf: (leaf: unknown) => unknown,
): unknown {
  const values: unknown[] = [];
  let sp = 0;
  walk(
    tree,
    options,
    (node, meta) => {
      if (meta.kind === LEAF) values[sp++] = onLeaf(node);
      else if (meta.kind === NONE) values[sp++] = node;
    },
    (meta, node) => {
      const base = sp - meta.arity;
      const value = buildIfChanged(meta, node, values, base);
      for (let j = base; j < sp; j++) values[j] = undefined;
      sp = base;
      values[sp++] = value;
    },
  );
  return values[0];
}

/**
 * The tensors in `value`, looking through arrays and plain objects (tagged records included,
 * all their fields), in leaf order, possibly repeated.
 */
export function tensorsIn(value: unknown): tf.Tensor[] {
  if (value instanceof TensorClass) return [value];
  const out: tf.Tensor[] = [];
  if (value === null || typeof value !== "object") return out;
  walk(value, containersOnly, (node, meta) => {
    if (meta.kind === LEAF && node instanceof TensorClass) out.push(node);
  });
  return out;
}

/** @internal A plain object (prototype Object or null) whose own `_tag` is `tag`. */
export function isTagged(x: unknown, tag: string): x is { readonly _tag: string } {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return (proto === Object.prototype || proto === null) && (x as { _tag?: unknown })._tag === tag;
}

/** A short description of a value for error messages. */
export function describeValue(x: unknown): string {
  if (x === null) return "null";
  if (x instanceof tf.Tensor) return `a ${x.dtype} tensor of shape [${x.shape.join(", ")}]`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === "function") return "a function";
  if (typeof x === "object") {
    const proto: unknown = Object.getPrototypeOf(x);
    if (proto === Object.prototype || proto === null) return "a plain object";
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return `an instance of ${typeof name === "string" && name !== "" ? name : "a class"}`;
  }
  if (typeof x === "symbol") return `symbol ${x.toString()}`;
  if (typeof x === "string" || typeof x === "number" || typeof x === "boolean" || typeof x === "bigint") {
    return `${typeof x} ${String(x)}`;
  }
  return "undefined";
}
