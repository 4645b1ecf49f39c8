/**
 * The fold behind `unwrap`: the engine's rebuild with one hook, each registered wrapper replaced
 * by its own unwrap of the rebuilt record (paramax's `unwrap`, over a given registry).
 *
 * Memory: one tfjs engine scope covers the call; every tensor made inside it is disposed at the
 * end except the tensors of the result (found through arrays and plain objects, as `tf.tidy` finds
 * them), which move to the enclosing `tf.tidy`, if any.
 *
 * @internal
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Meta } from "../core/node";
import { resolveOptions, type TreeOptions } from "../core/options";
import { Cursor, rebuildPass } from "../core/rebuildPass";
import type { RecordSpec } from "../core/registry";
import { tensorsIn } from "../tensor/values";
import { isWrapperSpec } from "./spec";
import { UnwrapError } from "./unwrapError";

/** `tree` with every wrapper of `options.registry` unwrapped, innermost first. */
export function unwrapTree(tree: unknown, options: TreeOptions): unknown {
  const cursor = new Cursor();
  const record = (node: unknown, meta: Meta): unknown => {
    const spec = meta.spec as RecordSpec;
    if (!isWrapperSpec(spec)) return node;
    try {
      const out = spec.unwrap(node);
      // A cyclic result fails here, where the wrapper that made it can be named.
      if (out !== null && typeof out === "object" && !(out instanceof tf.Tensor)) tensorsIn(out);
      return out;
    } catch (cause) {
      throw new UnwrapError(cursor.path(), spec.tag, cause);
    }
  };
  const engine = tf.engine();
  engine.startScope("unwrap");
  let out: unknown;
  try {
    out = rebuildPass(
      tree,
      resolveOptions(options),
      { leaf: (x: unknown) => x, record, share: true },
      cursor,
    );
  } catch (e) {
    engine.endScope();
    throw e;
  }
  let keep: tf.Tensor[];
  try {
    keep = tensorsIn(out);
  } catch (e) {
    engine.endScope();
    throw e;
  }
  engine.endScope(keep);
  return out;
}
