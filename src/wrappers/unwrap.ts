/**
 * `unwrap`: replaces every wrapper in a tree by its value, innermost first (paramax's `unwrap`).
 *
 * A pure post-order fold (recursive, redone on an explicit stack past 2,000 levels, so depth
 * 100,000 is fine): children are unwrapped,
 * the record is rebuilt from them without re-running its constructor, then its own unwrap is
 * applied; that result is not scanned again. Everything else comes back unchanged, and subtrees
 * without wrappers come back as the very same objects (a tree without wrappers is returned as
 * is). The input is never mutated.
 *
 * Memory: `unwrap` creates exactly the tensors of its result. Temporaries inside a wrapper's
 * unwrap and intermediate values consumed by an enclosing wrapper are disposed (when `unwrap`
 * returns: one engine scope covers the call); the result's new
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
import type { Key } from "../tree/keyPath";
import {
  LEAF,
  NONE,
  RECORD,
  arrayMeta,
  build,
  buildIfChanged,
  buildRecord,
  type ObjectMeta,
  type RecordMeta,
  type ShapeEntry,
} from "../tree/nodes";
import { DEPTH_BUDGET, TOO_DEEP, classifyPlain, isTooDeep } from "../tree/recursive";
import { lookupSpec, type Registry, type WrapperSpec } from "../tree/registry";
import { walk, type Frames } from "../tree/walk";
import { defaultRegistry } from "./defaultRegistry";
import { isTensor, tensorsIn, walkOptions } from "./internal";
import { unwrapParameterize, type Parameterize } from "./parameterize";
import { ParameterizeTag } from "./tags";
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
 * interface Clip extends Unwrappable<"Clip", tf.Tensor> {
 *   readonly value: tf.Tensor | Unwrappable<string, tf.Tensor>;
 *   readonly lo: number;
 *   readonly hi: number;
 * }
 * const registry = registerWrapper(defaultRegistry, {
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: ({ value, lo, hi }: { value: tf.Tensor; lo: number; hi: number }) => tf.clipByValue(value, lo, hi),
 * });
 * const clip: Clip = { _tag: "Clip", value: Parameterize(tf.exp, tf.scalar(5)), lo: 0, hi: 1 };
 * unwrapWith(registry)(clip).dataSync(); // [1]
 */
export function unwrapWith(registry: Registry): <T>(tree: T) => Unwrapped<T> {
  return <T>(tree: T) => unwrapCore(tree, registry) as Unwrapped<T>;
}

/**
 * @internal The untyped fold behind `unwrap` and `unwrapWith` (also used by `unwrapEither`).
 * Throws `UnwrapError` for a failing wrapper, other errors (cycles) as they are.
 *
 * One tfjs engine scope covers the whole call (one per wrapper cost more than the small wrappers'
 * own work): every tensor made inside it is disposed at the end except the tensors of the result,
 * so temporaries live until `unwrap` returns rather than until their wrapper is done. The scope
 * is ended by `endScope` below rather than by tfjs's generic `endScope`.
 *
 * Like the tree passes (see `tree/recursive.ts`), a recursive fold runs first and, on a tree
 * deeper than its budget, the iterative fold redoes the call, reusing the results of the wrappers
 * already unwrapped (in post-order, which both folds share), so each wrapper's unwrap runs once.
 */
export function unwrapCore(tree: unknown, registry: Registry): unknown {
  const engine = tf.engine();
  const resultTensors: tf.Tensor[] = [];
  const done: unknown[] = [];
  engine.startScope("unwrap");
  const scope = engine.state.activeScope;
  let out: unknown;
  try {
    try {
      out = unwrapRecursive(tree, registry, done, resultTensors);
    } catch (e) {
      if (!isTooDeep(e)) throw e;
      resultTensors.length = 0;
      out = unwrapIterative(tree, registry, done, resultTensors);
    }
  } catch (e) {
    engine.endScope();
    throw e;
  }
  endScope(engine, scope, resultTensors);
  return out;
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

/** Applies a wrapper's own unwrap; `path` (computed on failure only) names it in the error. */
function applySpec(spec: WrapperSpec, record: unknown, path: () => Key[]): [unknown, tf.Tensor[]] {
  try {
    const out = spec.unwrap(record);
    return [out, tensorsIn(out)]; // tensorsIn throws on a cyclic result
  } catch (cause) {
    throw new UnwrapError(path(), spec.tag, cause);
  }
}

/** The state of one recursive fold. */
interface FoldState {
  readonly registry: Registry;
  /** The registry's `Parameterize` spec when it is the built-in one (see `foldParameterize`). */
  readonly parameterize: WrapperSpec | undefined;
  /** Results of the wrappers unwrapped so far, in post-order. */
  readonly done: unknown[];
  readonly resultTensors: tf.Tensor[];
  /** The key path of the current node: `keys[0 .. depth)`. */
  readonly keys: Key[];
  /** Scratch stack for children's values, and its top. */
  readonly values: unknown[];
  sp: number;
  readonly found: { entry: ShapeEntry | undefined };
  /** Wrappers on the current path: a wrapper's result belongs to the final result when no enclosing wrapper consumes it. */
  wrapperDepth: number;
}

function unwrapRecursive(
  tree: unknown,
  registry: Registry,
  done: unknown[],
  resultTensors: tf.Tensor[],
): unknown {
  const state: FoldState = {
    registry,
    parameterize: builtinParameterize(registry),
    done,
    resultTensors,
    keys: [],
    values: [],
    sp: 0,
    found: { entry: undefined },
    wrapperDepth: 0,
  };
  return foldNode(tree, state, 0);
}

/**
 * The spec `registry` has for "Parameterize" when it unwraps as the built-in one does: the spec
 * of `defaultRegistry` (or of a registry extended from it), or `parameterizeSpec` registered
 * elsewhere. A custom spec under that tag (other children, another unwrap) gets `undefined`, so
 * it takes the general path.
 */
function builtinParameterize(registry: Registry): WrapperSpec | undefined {
  const spec = registry.specs.get(ParameterizeTag);
  if (spec === undefined) return undefined;
  const builtin = spec === defaultRegistry.specs.get(ParameterizeTag) || spec.unwrap === unwrapParameterize;
  return builtin && spec.children.length === 1 && spec.children[0] === "args" ? spec : undefined;
}

/**
 * The spec of `node` when it is a registered record, found from its own `_tag` without
 * classifying its keys (the common case of a wrapper); `undefined` otherwise.
 */
function recordSpec(node: object, s: FoldState): WrapperSpec | undefined {
  const tag = (node as { _tag?: unknown })._tag;
  if (typeof tag !== "string") return undefined;
  const spec =
    tag === ParameterizeTag && s.parameterize !== undefined ? s.parameterize : s.registry.specs.get(tag);
  return spec !== undefined && propertyIsEnumerable.call(node, "_tag") ? spec : undefined;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- only ever used with .call
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/**
 * Whether the fold returns `x` itself, without looking inside: a primitive, or an object that is
 * neither an array nor a plain object (a tensor, a class instance). Such a value holds no wrapper.
 */
function isOpaque(x: unknown): boolean {
  if (x === null || typeof x !== "object" || isTensor(x)) return true;
  if (Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto !== Object.prototype && proto !== null;
}

/** The unwrapped value of `node`: `node` itself when nothing below it changed. */
function foldNode(node: unknown, s: FoldState, depth: number): unknown {
  if (node === null || typeof node !== "object") return node;
  if (depth >= DEPTH_BUDGET) throw TOO_DEEP;
  const values = s.values;
  const base = s.sp;
  let changed = false;
  if (Array.isArray(node)) {
    const n = node.length;
    for (let i = 0; i < n; i++) {
      s.keys[depth] = i;
      const child: unknown = node[i];
      const value = foldNode(child, s, depth + 1);
      if (!changed && !Object.is(value, child)) changed = true;
      values[s.sp++] = value;
    }
    const out = changed ? build(arrayMeta(n), values, base) : node;
    s.sp = base;
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(node);
  if (proto !== Object.prototype && proto !== null) return node;
  let spec = recordSpec(node, s);
  if (spec !== undefined && spec === s.parameterize) {
    const out = foldParameterize(node as Parameterize, spec, s, depth);
    if (out !== NOT_FLAT) return out;
  }
  let meta: ObjectMeta | RecordMeta | undefined;
  if (spec === undefined) {
    meta = classifyPlain(node, proto === null, s.registry, undefined, s.found);
    if (meta.kind === RECORD) spec = meta.spec;
  }
  const obj = node as Record<string, unknown>;
  const keys = spec !== undefined ? spec.children : (meta as ObjectMeta).keys;
  if (spec !== undefined) s.wrapperDepth++;
  for (let j = 0; j < keys.length; j++) {
    const key = keys[j] as string;
    s.keys[depth] = key;
    const child = obj[key];
    const value = foldNode(child, s, depth + 1);
    if (!changed && !Object.is(value, child)) changed = true;
    values[s.sp++] = value;
  }
  if (spec === undefined) {
    const out = changed ? build(meta as ObjectMeta, values, base) : node;
    s.sp = base;
    return out;
  }
  const record = changed ? buildRecord(spec, obj, values, base) : node;
  s.sp = base;
  s.wrapperDepth--;
  return applyWrapper(spec, record, s, depth);
}

/** `foldParameterize`'s answer when the record's args are not all opaque (never escapes). */
const NOT_FLAT: unique symbol = Symbol("not flat");

/**
 * The common case of a built-in `Parameterize` whose args are all opaque (tensors, numbers...):
 * nothing below it changes, so it is unwrapped in place, as the general path would (same record,
 * same call `record.fn(...args)`, same error), without visiting each arg. `NOT_FLAT` otherwise.
 */
function foldParameterize(
  record: Parameterize,
  spec: WrapperSpec,
  s: FoldState,
  depth: number,
): unknown /* or NOT_FLAT */ {
  const args: unknown = record.args;
  if (!Array.isArray(args) || typeof record.fn !== "function") return NOT_FLAT;
  const n = args.length;
  for (let i = 0; i < n; i++) if (!isOpaque(args[i])) return NOT_FLAT;
  let out: unknown;
  try {
    // `record.fn(...args)` without the spread for the usual single argument (same receiver).
    out = n === 1 ? record.fn(args[0]) : record.fn(...args);
  } catch (cause) {
    throw new UnwrapError(s.keys.slice(0, depth), spec.tag, cause);
  }
  return wrapperDone(out, spec, s, depth);
}

/** Applies a wrapper's own unwrap in the recursive fold. */
function applyWrapper(spec: WrapperSpec, record: unknown, s: FoldState, depth: number): unknown {
  let out: unknown;
  try {
    out = spec.unwrap(record);
  } catch (cause) {
    throw new UnwrapError(s.keys.slice(0, depth), spec.tag, cause);
  }
  return wrapperDone(out, spec, s, depth);
}

/**
 * Records a wrapper's result `out`: kept for a redo, and its tensors kept from the engine scope
 * when no enclosing wrapper consumes it. A cyclic result fails here, naming the wrapper.
 */
function wrapperDone(out: unknown, spec: WrapperSpec, s: FoldState, depth: number): unknown {
  s.done.push(out);
  if (isTensor(out)) {
    if (s.wrapperDepth === 0) s.resultTensors.push(out);
  } else if (out !== null && typeof out === "object") {
    let tensors: tf.Tensor[];
    try {
      tensors = tensorsIn(out); // throws on a cyclic result
    } catch (cause) {
      throw new UnwrapError(s.keys.slice(0, depth), spec.tag, cause);
    }
    if (s.wrapperDepth === 0)
      for (let i = 0; i < tensors.length; i++) s.resultTensors.push(tensors[i] as tf.Tensor);
  }
  return out;
}

/** The iterative fold (any depth, cycles reported); the k-th wrapper takes `done[k]` when there is one. */
function unwrapIterative(
  tree: unknown,
  registry: Registry,
  done: readonly unknown[],
  resultTensors: tf.Tensor[],
): unknown {
  const values: unknown[] = [];
  let sp = 0;
  let frames: Frames | undefined;
  let wrapperDepth = 0;
  let wrappers = 0;
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
      let value = buildIfChanged(meta, node, values, base);
      for (let j = base; j < sp; j++) values[j] = undefined;
      sp = base;
      if (meta.kind === RECORD) {
        wrapperDepth--;
        const k = wrappers++;
        const [out, tensors] =
          k < done.length
            ? [done[k], tensorsIn(done[k])]
            : applySpec(meta.spec, value, () => (frames as Frames).path());
        if (wrapperDepth === 0) for (const t of tensors) resultTensors.push(t);
        value = out;
      }
      values[sp++] = value;
    },
  );
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
