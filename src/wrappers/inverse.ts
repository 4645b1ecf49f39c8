/**
 * `assignValue`: one node set to a value through its wrapper's inverse (the step `treeAssign`
 * takes at each selected node, and a spec's `inverse` takes for a nested wrapper).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { emptyRegistry, lookupSpec } from "../core/registry";
import type { TreeOptions } from "../core/options";
import { isWrapperSpec } from "./spec";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Thrown by a spec's `inverse` (or by {@link assignValue}) when a wrapper cannot be set to a
 * value; `treeAssign` turns it into a message naming the key path and the wrappers.
 *
 * @example
 * new NoInverseError("Clip", "its spec declares no inverse").message; // 'the "Clip" wrapper has no inverse: its spec declares no inverse'
 */
export class NoInverseError extends Error {
  constructor(
    readonly tag: string,
    readonly reason: string,
    /** The tags of the wrappers around it, nearest first. */
    readonly outer: readonly string[] = [],
  ) {
    super(
      `the "${tag}" wrapper${outer.length === 0 ? "" : ` (inside ${outer.join(" inside ")})`} has no inverse: ${reason}`,
    );
    this.name = "NoInverseError";
  }
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `node` set so that it unwraps to `value`: a wrapper of `options.registry` is rebuilt by its
 * spec's `inverse` (which stores into nested wrappers with this function again, innermost last);
 * anything else (and any node when `options` name no registry) is simply replaced by `value`. Throws {@link NoInverseError} for a wrapper
 * without an inverse. Tensors made along the way that the result does not hold are disposed.
 *
 * @example
 * const p = assignValue(Parameterize(tf.exp, tf.scalar(0)), 2, { registry: defaultRegistry });
 * unwrap(p).dataSync()[0]; // ≈ 2
 * assignValue(5, 7, {}); // 7
 */
export function assignValue<N>(node: N, value: unknown, options: TreeOptions): N {
  const spec = lookupSpec(options.registry ?? emptyRegistry, node);
  if (!isWrapperSpec(spec)) return value as N;
  const inverse = spec.inverse;
  if (inverse === undefined) throw passUp(new NoInverseError(spec.tag, "its spec declares no `inverse`"));
  try {
    return tf.tidy(() => inverse(node, value, options) as tf.TensorContainer) as N;
  } catch (e) {
    // An error that came up from a nested wrapper names this one as its parent.
    if (e instanceof NoInverseError && passed.has(e)) {
      throw passUp(new NoInverseError(e.tag, e.reason, [...e.outer, spec.tag]));
    }
    throw e instanceof Error ? passUp(e) : e;
  }
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

/** Errors already thrown out of an `assignValue` call (as opposed to by a spec's own inverse). */
const passed = new WeakSet<Error>();

function passUp<E extends Error>(e: E): E {
  passed.add(e);
  return e;
}
