/**
 * `TreeError`: the one error type of a pipeline that goes from a file or JSON to an unwrapped
 * model, and `formatTreeError`, the one readable report of it.
 *
 * The members are the errors each step already returns, unchanged, so that steps compose with
 * fp-ts's widening `E.flatMap` / `TE.flatMapEither` and no adapter:
 *
 * - `t.Errors` (an array of io-ts validation errors): `treeCodec(...).decode`, `loadTree`,
 *   `loadTreeTE`; each names the file or the key path in the document;
 * - `UnwrapError`: `unwrapEither`; names the failing wrapper's key path and tag;
 * - `InvalidLeaves`: `checkLeaves`; every leaf that failed a check, with its key path.
 *
 * @module
 */
import * as E from "fp-ts/Either";
import type * as t from "io-ts";
import { formatDecodeErrors } from "../codec/errors";
import { describePath, type KeyPath } from "../core/keyPath";
import type { TreeOptions } from "../core/options";
import { treeFlattenWithPath } from "../core/flatten";
import { withDefaultRegistry } from "../wrappers/defaultRegistry";
import { isUnwrapError, type UnwrapError } from "../wrappers/unwrapError";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * One leaf that failed a check: where, and why.
 *
 * @category model
 * @example
 * const problem: LeafProblem = { path: ["layers", 0, "w"], message: "not finite" };
 */
export interface LeafProblem {
  readonly path: KeyPath;
  readonly message: string;
}

/**
 * Every leaf of a tree that failed `checkLeaves`, in leaf order (never empty).
 *
 * @category model
 * @example
 * const e: InvalidLeaves = { _tag: "InvalidLeaves", problems: [{ path: ["w"], message: "not finite" }] };
 */
export interface InvalidLeaves {
  readonly _tag: "InvalidLeaves";
  readonly problems: readonly LeafProblem[];
}

/**
 * What a load -> check -> unwrap pipeline can fail with.
 *
 * @category model
 * @example
 * const report = (e: TreeError): string => formatTreeError(e);
 */
export type TreeError = t.Errors | UnwrapError | InvalidLeaves;

// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------

/**
 * Whether a `TreeError` is a list of decoding errors (from `decode`, `loadTree`, `loadTreeTE`).
 *
 * @category refinements
 * @example
 * isDecodeErrors([]); // true
 */
export function isDecodeErrors(e: TreeError): e is t.Errors {
  return Array.isArray(e);
}

/**
 * Whether a `TreeError` comes from `checkLeaves`.
 *
 * @category refinements
 * @example
 * isInvalidLeaves({ _tag: "InvalidLeaves", problems: [] }); // true
 */
export function isInvalidLeaves(e: TreeError): e is InvalidLeaves {
  return !Array.isArray(e) && (e as { _tag?: unknown })._tag === "InvalidLeaves";
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A check of every leaf: `check(leaf, path)` returns `undefined` when the leaf is fine, or a
 * message. The result is `Right(tree)` (the very same tree) when every leaf passes, or `Left` of
 * all the problems, in leaf order: a validation that reports everything at once.
 * Wrappers are nodes, as in every tree function (the default registry unless `options` names
 * one): the leaves checked are their parameters, not their tags and functions.
 *
 * @category constructors
 * @example
 * const finite = (x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? "not finite" : undefined);
 * checkLeaves(finite)({ a: 1, b: [NaN, Infinity] });
 * // Left({ _tag: "InvalidLeaves", problems: [{ path: ["b", 0], message: "not finite" }, { path: ["b", 1], ... }] })
 */
export function checkLeaves<A = unknown>(
  check: (leaf: A, path: KeyPath) => string | undefined,
  options?: TreeOptions,
): <T>(tree: T) => E.Either<InvalidLeaves, T> {
  const walk = withDefaultRegistry(options);
  return <T>(tree: T): E.Either<InvalidLeaves, T> => {
    const problems: LeafProblem[] = [];
    for (const [path, leaf] of treeFlattenWithPath<A>(tree, walk)[0]) {
      const message = check(leaf, path);
      if (message !== undefined) problems.push({ path, message });
    }
    return problems.length === 0 ? E.right(tree) : E.left({ _tag: "InvalidLeaves", problems });
  };
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * Case analysis on a `TreeError`.
 *
 * @category destructors
 * @example
 * const kind = matchTreeError({
 *   onDecode: (errors) => `${errors.length} decoding errors`,
 *   onUnwrap: (e) => `unwrap failed at ${keystr(e.path)}`,
 *   onInvalidLeaves: (e) => `${e.problems.length} bad leaves`,
 * });
 */
export function matchTreeError<B>(cases: {
  readonly onDecode: (errors: t.Errors) => B;
  readonly onUnwrap: (error: UnwrapError) => B;
  readonly onInvalidLeaves: (error: InvalidLeaves) => B;
}): (e: TreeError) => B {
  return (e) => {
    if (isDecodeErrors(e)) return cases.onDecode(e);
    if (isInvalidLeaves(e)) return cases.onInvalidLeaves(e);
    if (isUnwrapError(e)) return cases.onUnwrap(e);
    throw new TypeError(`matchTreeError: not a TreeError: ${String(e)}`);
  };
}

/**
 * A readable, multi-line report of a `TreeError`: a first line saying which step failed, then
 * one line per problem with its key path.
 *
 * @category destructors
 * @example
 * formatTreeError({ _tag: "InvalidLeaves", problems: [{ path: ["w"], message: "not finite" }] }); // "1 invalid leaf:\n  .w: not finite"
 * // an UnwrapError reads: "unwrapping failed: Parameterize at .scale: invSoftplus: expected non-negative inputs ..."
 */
export const formatTreeError: (e: TreeError) => string = matchTreeError({
  onDecode: (errors) => {
    const lines = formatDecodeErrors(errors);
    return [
      `decoding failed (${lines.length} problem${lines.length === 1 ? "" : "s"}):`,
      ...lines.map((l) => `  ${l}`),
    ].join("\n");
  },
  onUnwrap: (e) => `unwrapping failed: ${e.tag} at ${describePath(e.path)}: ${causeText(e.cause)}`,
  onInvalidLeaves: ({ problems }) =>
    [
      `${problems.length} invalid ${problems.length === 1 ? "leaf" : "leaves"}:`,
      ...problems.map((p) => `  ${describePath(p.path)}: ${p.message}`),
    ].join("\n"),
});

function causeText(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  try {
    return String(cause);
  } catch {
    return "(an unprintable value)";
  }
}
