/**
 * `assignValue`: one node set to a value through its wrapper's inverse (the step `treeAssign`
 * takes at each selected node, and a spec's `inverse` takes for a nested wrapper).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { emptyRegistry, lookupSpec, type Registry } from "../core/registry";
import type { TreeOptions } from "../core/options";
import { tensorsIn } from "../tensor/values";
import { isWrapperSpec, type WrapperSpec } from "./spec";

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
      `the "${tag}" wrapper${outer.length === 0 ? "" : ` (inside ${insideText(outer)})`} has no inverse: ${reason}`,
    );
    this.name = "NoInverseError";
  }
}

/** The wrappers around, nearest first; a long chain by its ends, as `describePath` shows a path. */
function insideText(outer: readonly string[]): string {
  if (outer.length <= 10) return outer.join(" inside ");
  const near = outer.slice(0, 5).join(" inside ");
  const far = outer.slice(-5).join(" inside ");
  return `${near} inside …(${outer.length - 10} wrappers)… inside ${far}`;
}

// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------

/**
 * `node` set so that it unwraps to `value`: a wrapper of `options.registry` is rebuilt by its
 * spec's `inverse` (which stores into nested wrappers with this function again, innermost last);
 * anything else (and any node when `options` name no registry, or that `options.isLeaf` calls a
 * leaf) is simply replaced by `value`. Throws {@link NoInverseError} for a wrapper without an
 * inverse. Tensors made along the way that the result does not hold are disposed.
 *
 * @example
 * const p = assignValue(Parameterize(tf.exp, tf.scalar(0)), 2, { registry: defaultRegistry });
 * unwrap(p).dataSync()[0]; // ≈ 2
 * assignValue(5, 7, {}); // 7
 */
export function assignValue<N>(node: N, value: unknown, options: TreeOptions): N {
  const registry = options.registry ?? emptyRegistry;
  if (wrapperSpecOf(node, registry, options) === undefined) return value as N;
  let result: unknown;
  // One scope for the whole chain; what it keeps is found by the engine's walk, not by tf.tidy's
  // own recursion (chains can be 100,000 deep).
  tf.tidy(() => {
    result = assignChain(node, value, registry, options);
    return tensorsIn(result);
  });
  return result as N;
}

/**
 * @internal Declares that a spec's `inverse` is `step` followed by `rebuild`: `step` says which
 * child to set to which value, and `rebuild` makes the record from that child once set. A chain
 * of such wrappers is then set by a loop rather than by recursion (the built-in wrappers' inverses
 * are declared so; any other inverse is simply called).
 *
 * @example
 * const inverse = (node: { tree: unknown }, value: unknown, options: TreeOptions) => ({ ...node, tree: assignValue(node.tree, value, options) });
 * declareStepwiseInverse(inverse, (node, value) => ({ child: node.tree, value, rebuild: (tree) => ({ ...node, tree }) }));
 */
export function declareStepwiseInverse(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each spec's inverse takes its own record type
  inverse: (node: any, value: unknown, options: TreeOptions) => unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the same record type as `inverse`
  step: (node: any, value: unknown) => InverseStep<unknown>,
): void {
  stepwise.set(inverse, step);
}

/** @internal One step of a stepwise inverse: set `child` to `value`, then `rebuild` the record. */
export interface InverseStep<Node> {
  readonly child: unknown;
  readonly value: unknown;
  readonly rebuild: (child: unknown) => Node;
}

// -------------------------------------------------------------------------------------
// internals
// -------------------------------------------------------------------------------------

type AnyInverse = (node: unknown, value: unknown, options: TreeOptions) => unknown;

/** The inverses declared stepwise, by identity (a spec copied under another tag keeps its inverse). */
const stepwise = new WeakMap<AnyInverse, (node: unknown, value: unknown) => InverseStep<unknown>>();

/** The wrapper spec `node` is an instance of, unless it is not a wrapper or `isLeaf` calls it a leaf. */
function wrapperSpecOf(node: unknown, registry: Registry, options: TreeOptions): WrapperSpec | undefined {
  if (options.isLeaf?.(node) === true) return undefined;
  const spec = lookupSpec(registry, node);
  return isWrapperSpec(spec) ? spec : undefined;
}

/**
 * Sets `node` (a wrapper) to `value`: down the chain of stepwise wrappers by a loop, then the
 * records rebuilt innermost first. The errors are those a recursion through each wrapper's
 * `inverse` would throw: a `NoInverseError` names the wrappers around the one that has none.
 */
function assignChain(node: unknown, value: unknown, registry: Registry, options: TreeOptions): unknown {
  const tags: string[] = [];
  const rebuilds: ((child: unknown) => unknown)[] = [];
  let current = node;
  let v = value;
  let result: unknown;
  for (;;) {
    const spec = wrapperSpecOf(current, registry, options);
    if (spec === undefined) {
      result = v;
      break;
    }
    const inverse = spec.inverse as AnyInverse | undefined;
    if (inverse === undefined) {
      throw outward(new NoInverseError(spec.tag, "its spec declares no `inverse`"), tags);
    }
    const step = stepwise.get(inverse);
    try {
      if (step === undefined) {
        result = inverse(current, v, options);
        break;
      }
      const next = step(current, v);
      tags.push(spec.tag);
      rebuilds.push(next.rebuild);
      current = next.child;
      v = next.value;
    } catch (e) {
      // An error that came up from an `assignValue` inside this inverse names this one as its parent.
      const own =
        e instanceof NoInverseError && passed.has(e)
          ? new NoInverseError(e.tag, e.reason, [...e.outer, spec.tag])
          : e;
      throw outward(own, tags);
    }
  }
  for (let k = rebuilds.length - 1; k >= 0; k--)
    result = (rebuilds[k] as (child: unknown) => unknown)(result);
  return result;
}

/** `e` as it leaves `assignValue`: a `NoInverseError` also names the wrappers `around` it (outermost first). */
function outward(e: unknown, around: readonly string[]): unknown {
  if (!(e instanceof Error)) return e;
  if (e instanceof NoInverseError && around.length > 0) {
    return passUp(new NoInverseError(e.tag, e.reason, [...e.outer, ...[...around].reverse()]));
  }
  return passUp(e);
}

/** Errors already thrown out of an `assignValue` call (as opposed to by a spec's own inverse). */
const passed = new WeakSet<Error>();

function passUp<E extends Error>(e: E): E {
  passed.add(e);
  return e;
}
