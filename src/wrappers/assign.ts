/**
 * `treeAssign`: set a node to the value you mean, through the wrappers that store it (torch's
 * `right_inverse`, for functional trees).
 *
 * `treeAt(m => m.scale, model, v)` replaces the node: a `Parameterize(tf.softplus, raw)` there
 * becomes the plain tensor `v`, and the constraint is gone. `treeAssign` instead asks the
 * wrapper's spec for its `inverse` and keeps the wrapper: the result unwraps to `v` at that place.
 *
 * @example
 * const model = { scale: Parameterize(tf.softplus, tf.zeros([2])) };
 * const set = treeAssign((m) => m.scale, model, [2, 3]);
 * isParameterize(set.scale); // true
 * unwrap(set).scale.dataSync(); // ≈ [2, 3]
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { describePath } from "../core/keyPath";
import type { TreeOptions } from "../core/options";
import { modifyAtWithPath, type Selector } from "../core/treeAt";
import { withDefaultRegistry } from "./defaultRegistry";
import { tensorsIn } from "../tensor/values";
import { assignValue } from "./inverse";

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * Like `treeAt`, but the selected node(s) are *set to* `value` rather than replaced: a wrapper
 * there (`Parameterize` of an invertible function, `NonTrainable`, a constraint, a custom wrapper
 * whose spec has an `inverse`) is kept, with what it stores computed by its inverse, so that
 * `unwrap(treeAssign(where, tree, v))` holds `v` at that place (within float rounding). Nested
 * wrappers are set outermost first, innermost last. A plain node is replaced as `treeAt` would.
 * Several nodes can be selected at once (`t => [t.a, t.b]` with an array of values).
 *
 * Throws, naming the key path and the tag, when a selected wrapper (or one nested in it) has no
 * inverse, and when the value is outside what the wrapper can produce; the tensors made for the
 * other selected nodes are then disposed. The input is never mutated; the old tensors are not
 * disposed (they are still the input's). A node that `options.isLeaf` calls a leaf is replaced,
 * even a wrapper. Chains of the built-in wrappers are set without recursion, at any depth.
 *
 * @example
 * const model = { rate: Parameterize(tf.sigmoid, tf.scalar(0)), frozen: NonTrainable(Parameterize(tf.exp, tf.scalar(0))) };
 * const set = treeAssign((m) => [m.rate, m.frozen], model, [0.25, 3]);
 * unwrap(set).rate.dataSync()[0];   // ≈ 0.25
 * unwrap(set).frozen.dataSync()[0]; // ≈ 3
 * treeAssign((m) => m.w, { w: WeightNormalization(tf.ones([2, 2])) }, 1); // throws 'treeAssign: cannot set the node at .w: the "WeightNormalization" wrapper has no inverse: its spec declares no `inverse`'
 */
export function treeAssign<T>(where: Selector<T>, tree: T, value: unknown, options?: TreeOptions): T {
  const resolved = withDefaultRegistry(options);
  // What each selection was set from and to, so that a later failure can free what was made.
  const done: [node: unknown, value: unknown, result: unknown][] = [];
  try {
    return modifyAtWithPath(
      "treeAssign",
      where,
      tree,
      (path, node: unknown, i, count) => {
        if (count !== undefined && (!Array.isArray(value) || value.length !== count)) {
          throw new Error(
            `treeAssign: \`where\` selected ${count} nodes, so the value must be an array of ${count} values, got ` +
              (Array.isArray(value) ? `an array of ${value.length}` : typeof value),
          );
        }
        const v: unknown = count === undefined ? value : (value as readonly unknown[])[i];
        try {
          const result = assignValue(node, v, resolved);
          done.push([node, v, result]);
          return result;
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          const Kind = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
          throw new Kind(`treeAssign: cannot set the node at ${describePath(path)}: ${message}`);
        }
      },
      resolved,
    );
  } catch (e) {
    try {
      disposeMade(done);
    } catch {
      // A value the walk refuses (its own error is the one to report): nothing more is freed.
    }
    throw e;
  }
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

/** Disposes the tensors the results hold that neither their node nor their value held. */
function disposeMade(done: readonly (readonly [unknown, unknown, unknown])[]): void {
  if (done.length === 0) return;
  const given = new Set<tf.Tensor>();
  for (const [node, value] of done) {
    for (const t of tensorsIn(node)) given.add(t);
    for (const t of tensorsIn(value)) given.add(t);
  }
  for (const [, , result] of done) {
    for (const t of tensorsIn(result)) {
      if (!given.has(t) && !t.isDisposed) t.dispose();
    }
  }
}
