/**
 * The fold behind `unwrap`: the engine's rebuild with one hook, each registered wrapper replaced
 * by its own unwrap of the rebuilt record (paramax's `unwrap`, over a given registry).
 *
 * Memory: one tfjs engine scope covers the call; every tensor made inside it is disposed at the
 * end except the tensors of the wrappers' results that reach the result (found through arrays and
 * plain objects, as `tf.tidy` finds them), which move to the enclosing `tf.tidy`, if any. They are
 * collected as the wrappers unwrap, so the result is not walked again.
 *
 * @internal
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { RECORD, type Meta } from "../core/node";
import { resolveOptions, type TreeOptions } from "../core/options";
import { Cursor, rebuildPass } from "../core/rebuildPass";
import type { RecordSpec } from "../core/registry";
import { isTensor, tensorsIn } from "../tensor/values";
import { isWrapperSpec } from "./spec";
import { UnwrapError } from "./unwrapError";

/** `tree` with every wrapper of `options.registry` unwrapped, innermost first. */
export function unwrapTree(tree: unknown, options: TreeOptions): unknown {
  const cursor = new Cursor();
  /** The tensors of the wrappers' results that reach the result (no enclosing wrapper consumes them). */
  const keep: tf.Tensor[] = [];
  const record = (node: unknown, meta: Meta): unknown => {
    const spec = meta.spec as RecordSpec;
    if (!isWrapperSpec(spec)) return node;
    let out: unknown;
    let tensors: tf.Tensor[] | undefined;
    try {
      out = spec.unwrap(node, options);
      // A cyclic result fails here, where the wrapper that made it can be named.
      if (out !== null && typeof out === "object" && !isTensor(out)) tensors = tensorsIn(out, options);
    } catch (cause) {
      throw new UnwrapError(cursor.path(), spec.tag, cause);
    }
    if (!insideWrapper(cursor)) {
      if (isTensor(out)) keep.push(out);
      else if (tensors !== undefined) for (const t of tensors) keep.push(t);
    }
    return out;
  };
  const engine = tf.engine();
  engine.startScope("unwrap");
  const scope = engine.state.activeScope;
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
  endScope(engine, scope, keep);
  return out;
}

/** Whether a wrapper encloses the node the cursor is on (its result then only feeds that wrapper). */
function insideWrapper(cursor: Cursor): boolean {
  const frames = cursor.frames;
  const size = cursor.size;
  // No record above at all (the usual case, counted by the frames); else the nearest wrapper.
  if (frames === undefined || size === 0 || frames.records[size - 1] === 0) return false;
  for (let f = size - 1; f >= 0; f--) {
    const meta = frames.metas[f] as Meta;
    if (meta.kind === RECORD && isWrapperSpec(meta.spec as RecordSpec)) return true;
  }
  return false;
}

type Engine = ReturnType<typeof tf.engine>;
type Scope = Engine["state"]["activeScope"];

/**
 * Ends `scope`, the engine scope `unwrapCore` started, keeping the tensors `keep`: what
 * `engine.endScope(keep)` does, step for step (tfjs 4.x): every tensor made in the scope that is
 * neither `tf.keep`-ed nor in `keep` is disposed, the scope is popped, and the tensors of `keep`
 * made in it move to the enclosing scope (the user's `tf.tidy`), if any.
 *
 * Why not tfjs's own: it takes any container, so it walks `keep` with a `for...in` and a Set of
 * visited values, then builds a Set of their ids; for 1,000 small wrappers that cost about as much
 * as the fold itself (~15% of 1,000 `tf.exp` of scalars on the "cpu" backend, ~7% on "wasm").
 * This uses only fields the engine's type declarations make public (`state.activeScope`,
 * `state.scopeStack`, a scope's `track` and `id`, a tensor's `kept` and `scopeId`). When `scope`
 * is not the active one (a wrapper left a scope of its own open), tfjs's `endScope` runs instead,
 * as before.
 */
function endScope(engine: Engine, scope: Scope, keep: tf.Tensor[]): void {
  const state = engine.state;
  const stack = state.scopeStack as Scope[] | undefined;
  // tfjs 4.x's engine, as the peer range says; anything unexpected goes to tfjs's own endScope.
  if (
    !Array.isArray(stack) ||
    !Array.isArray(scope?.track) ||
    state.activeScope !== scope ||
    stack[stack.length - 1] !== scope
  ) {
    engine.endScope(keep);
    return;
  }
  const track = scope.track;
  // `track` lists the scope's tensors in creation order, and `keep` usually lists the same ones in
  // the same order (the wrappers' results, in post-order): walk both, and look a tensor up in a
  // Set only where they differ (a temporary, or a result that was not made in this scope).
  let j = 0;
  let kept: Set<tf.Tensor> | undefined;
  for (let i = 0; i < track.length; i++) {
    const t = track[i] as tf.Tensor;
    if (t.kept) continue;
    if (j < keep.length && keep[j] === t) j++;
    else if (!(kept ??= new Set(keep)).has(t)) t.dispose();
  }
  stack.pop();
  const parent = stack.length === 0 ? null : (stack[stack.length - 1] as Scope);
  state.activeScope = parent as Scope; // null at the top level, as tfjs sets it
  if (parent === null) return;
  for (let i = 0; i < keep.length; i++) {
    const t = keep[i] as tf.Tensor;
    // Made in this scope (and not yet moved: `keep` may hold a tensor twice): track it in the parent.
    if (!t.kept && t.scopeId === scope.id) {
      t.scopeId = parent.id;
      parent.track.push(t);
    }
  }
}
