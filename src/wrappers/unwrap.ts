/**
 * `unwrap`: replaces every wrapper in a tree by its value, innermost first (paramax's `unwrap`).
 *
 * A pure post-order fold on an explicit stack (so depth 100,000 is fine): children are unwrapped,
 * the record is rebuilt from them without re-running its constructor, then its own unwrap is
 * applied; that result is not scanned again. Everything else comes back unchanged, and subtrees
 * without wrappers come back as the very same objects (a tree without wrappers is returned as
 * is). The input is never mutated.
 *
 * Memory: `unwrap` creates exactly the tensors of its result. Temporaries inside a wrapper's
 * unwrap and intermediate values consumed by an enclosing wrapper are disposed; the result's new
 * tensors are tracked by the enclosing `tf.tidy`, if any (no `tf.keep`). Like `tf.tidy`, it
 * finds the tensors of a wrapper's result through arrays and plain objects only: tensors a
 * wrapper returns hidden inside class instances or closures would be disposed.
 *
 * @example
 * const params = Parameterize(tf.exp, tf.zeros([3]));
 * const [s, n, x] = unwrap(["abc", 1, params] as const);
 * x.dataSync(); // [1, 1, 1]
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { LEAF, NONE, RECORD, build, childAt } from "../tree/nodes";
import { lookupSpec, type Registry, type WrapperSpec } from "../tree/registry";
import { walk, type Frames } from "../tree/walk";
import { defaultRegistry } from "./defaultRegistry";
import { tensorsIn, walkOptions } from "./internal";
import type { Unwrappable, Unwrapped } from "./types";
import { UnwrapError } from "./unwrapError";

// -------------------------------------------------------------------------------------
// folding
// -------------------------------------------------------------------------------------

/**
 * Unwraps every wrapper registered in `defaultRegistry`, anywhere in `tree` (at the root too).
 * Throws an {@link UnwrapError} naming the wrapper's path and tag when a wrapper's unwrap fails,
 * after disposing every tensor it had created.
 *
 * @example
 * const square = (x: number) => x * x;
 * unwrap({ a: Parameterize(square, 3), b: [Parameterize(square, Parameterize(square, 2))] }); // { a: 9, b: [16] }
 */
export function unwrap<T>(tree: T): Unwrapped<T> {
  return unwrapCore(tree, defaultRegistry) as Unwrapped<T>;
}

/**
 * `unwrap` over another registry, for custom wrapper tags.
 *
 * @example
 * const registry = registerWrapper(defaultRegistry, {
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: ({ value, lo, hi }) => tf.clipByValue(value, lo, hi),
 * });
 * unwrapWith(registry)({ _tag: "Clip", value: Parameterize(tf.exp, tf.scalar(5)), lo: 0, hi: 1 }).dataSync(); // [1]
 */
export function unwrapWith(registry: Registry): <T>(tree: T) => Unwrapped<T> {
  return <T>(tree: T) => unwrapCore(tree, registry) as Unwrapped<T>;
}

/**
 * @internal The untyped fold behind `unwrap` and `unwrapWith` (also used by `unwrapEither`).
 * Throws `UnwrapError` for a failing wrapper, other errors (cycles) as they are.
 */
export function unwrapCore(tree: unknown, registry: Registry): unknown {
  const engine = tf.engine();
  const values: unknown[] = [];
  let sp = 0;
  let frames: Frames | undefined;
  // Number of wrappers on the current path; a wrapper's result is part of the final result when
  // no enclosing wrapper consumes it.
  let wrapperDepth = 0;
  const resultTensors: tf.Tensor[] = [];

  const apply = (spec: WrapperSpec, record: unknown): unknown => {
    engine.startScope(spec.tag);
    let out: unknown;
    let tensors: tf.Tensor[];
    try {
      out = spec.unwrap(record);
      tensors = tensorsIn(out); // throws on a cyclic result
    } catch (cause) {
      engine.endScope();
      throw new UnwrapError((frames as Frames).path(), spec.tag, cause);
    }
    engine.endScope(tensors);
    if (wrapperDepth === 0) for (const t of tensors) resultTensors.push(t);
    return out;
  };

  engine.startScope("unwrap");
  try {
    walk(
      tree,
      walkOptions(registry),
      (node, meta, f) => {
        frames = f;
        if (meta.kind === LEAF || meta.kind === NONE) values[sp++] = node;
        else if (meta.kind === RECORD) wrapperDepth++;
      },
      (meta, node) => {
        const base = sp - meta.arity;
        let changed = false;
        for (let j = 0; j < meta.arity; j++) {
          if (!Object.is(values[base + j], childAt(node, meta, j))) {
            changed = true;
            break;
          }
        }
        let value = changed ? build(meta, values, base) : node;
        for (let j = base; j < sp; j++) values[j] = undefined;
        sp = base;
        if (meta.kind === RECORD) {
          wrapperDepth--;
          value = apply(meta.spec, value);
        }
        values[sp++] = value;
      },
    );
  } catch (e) {
    engine.endScope();
    throw e;
  }
  engine.endScope(resultTensors);
  return values[0];
}

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether `x` itself is a wrapper: a plain object whose `_tag` is registered in `registry`
 * (default: `defaultRegistry`).
 *
 * @example
 * isUnwrappable(Parameterize(tf.exp, 0)); // true
 * // not until "Clip" is registered:
 * isUnwrappable({ _tag: "Clip" }); // false
 */
export function isUnwrappable(x: unknown, registry: Registry = defaultRegistry): x is Unwrappable {
  return lookupSpec(registry, x) !== undefined;
}

/** Thrown to stop the walk at the first wrapper (never escapes). */
const found = new Error("containsUnwrappables: found");

/**
 * Whether any wrapper registered in `registry` (default: `defaultRegistry`) occurs anywhere in
 * `tree`, the root included. Stops at the first one.
 *
 * @example
 * containsUnwrappables({ a: [1, NonTrainable(tf.scalar(1))] }); // true
 * containsUnwrappables({ a: [1, 2] }); // false
 */
export function containsUnwrappables(tree: unknown, registry: Registry = defaultRegistry): boolean {
  try {
    walk(tree, walkOptions(registry), (_node, meta) => {
      if (meta.kind === RECORD) throw found;
    });
  } catch (e) {
    if (e === found) return true;
    throw e;
  }
  return false;
}
