/**
 * Errors of the codec, and a readable report of them.
 *
 * Decoding returns io-ts `Errors`: each `ValidationError` carries its context (the entries from
 * the document root to the offending value) and a message. {@link formatDecodeErrors} renders one
 * line per problem, with the path in the tree (`.layers[0].weight.shape[1]`), as io-ts's
 * `PathReporter` does. Encoding problems carry a tree key path and are thrown as a
 * {@link TreeEncodeError} by `treeCodec(...).encode`.
 *
 * @module
 */
import * as t from "io-ts";
import { describePath, type Key, type KeyPath } from "../core/keyPath";
import { describeValue } from "./tensor";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Something in a tree that cannot be written, and where.
 *
 * @example
 * const problem: EncodeProblem = { path: ["layers", 0, "fn"], message: "the function f is not in the function table" };
 */
export interface EncodeProblem {
  readonly path: KeyPath;
  readonly message: string;
}

/**
 * Thrown by `treeCodec(...).encode` (io-ts encoders cannot fail otherwise) and by `saveTree`,
 * with one line per problem.
 *
 * @example
 * let problems: readonly EncodeProblem[] = [];
 * try {
 *   treeCodec().encode({ f: () => 1 });
 * } catch (e) {
 *   if (e instanceof TreeEncodeError) problems = e.problems;
 * }
 * problems.map((p) => p.path); // [["f"]]
 */
export class TreeEncodeError extends Error {
  readonly problems: readonly EncodeProblem[];
  constructor(problems: readonly EncodeProblem[]) {
    super(`cannot serialize the tree:\n${formatEncodeProblems(problems).join("\n")}`);
    this.name = "TreeEncodeError";
    this.problems = problems;
  }
}

/** The context type of a document's root: paths under it render as `document.version`. */
export const documentType: t.Type<unknown> = new t.Type<unknown>(
  "TreeDocument",
  (_u): _u is unknown => true,
  t.success,
  t.identity,
);

/** The context type of the tree inside a document: paths under it render as key paths. */
export const treeRootType: t.Type<unknown> = new t.Type<unknown>(
  "Tree",
  (_u): _u is unknown => true,
  t.success,
  t.identity,
);

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * A validation error at the end of `context`, whose last entry holds the offending value.
 *
 * @example
 * import * as t from "io-ts";
 * const err = failureAt([{ key: "", type: t.unknown, actual: -1 }], "expected a dimension, got -1");
 * err.value; // -1
 */
export function failureAt(context: t.Context, message: string): t.ValidationError {
  const last = context[context.length - 1];
  return { value: last === undefined ? undefined : last.actual, context, message };
}

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * Where a validation error is, as text: the key path in the tree (`.layers[0].weight`,
 * `<root>` for the tree itself), or `document.<field>` for the document's own fields. Rendered
 * by `describePath` for a message: a path of more than 50 keys shows its ends (`…(N keys)…`); the
 * error's `context` keeps every key.
 *
 * @example
 * const doc = { format: "paramtree", version: "1.0", tree: { w: { _tag: "Tensor", dtype: "float32", shape: [-1], data: "" } } };
 * const result = treeCodec().decode(doc);
 * const where = E.isLeft(result) ? errorPath(result.left[0]!) : ""; // ".w.shape[0]"
 */
export function errorPath(error: t.ValidationError): string {
  const context = error.context;
  let start = 0;
  let doc = -1; // the index of the document's entry, when there is one
  let inDocument = false;
  for (let i = context.length - 1; i >= 0; i--) {
    const type = (context[i] as t.ContextEntry).type;
    if (type === treeRootType) {
      start = i + 1;
      if (i > 0 && (context[i - 1] as t.ContextEntry).type === documentType) doc = i - 1;
      break;
    }
    if (type === documentType) {
      start = i + 1;
      doc = i;
      inDocument = true;
      break;
    }
  }
  if (start === 0 && context.length > 0) start = 1; // a bare codec: skip its root entry
  // The path from an enclosing io-ts codec down to the document (empty for a bare treeCodec).
  const outer = doc > 0 ? keysOf(context, 1, doc + 1) : [];
  const path = [...outer, ...keysOf(context, start, context.length)];
  if (inDocument && outer.length === 0)
    return path.length === 0 ? "document" : `document${describePath(path)}`;
  return describePath(path);
}

/** The keys of `context[from..to)`, array indices as numbers. */
function keysOf(context: t.Context, from: number, to: number): Key[] {
  const path: Key[] = [];
  for (let i = from; i < to; i++) {
    const entry = context[i] as t.ContextEntry;
    const parent = context[i - 1];
    path.push(
      parent !== undefined && Array.isArray(parent.actual) && /^(0|[1-9][0-9]*)$/.test(entry.key)
        ? Number(entry.key)
        : entry.key,
    );
  }
  return path;
}

/**
 * Errors whose `message` already begins with their path (`.model.w.data: ...`): those that a
 * {@link treeCodec} returns, so that io-ts's `PathReporter` (which prints only the message) says
 * where. {@link formatDecodeErrors} prints them as they are.
 */
const located = new WeakSet<t.ValidationError>();

/**
 * @internal The errors with the path written at the start of each message (see
 * {@link formatDecodeErrors}); the context is kept, so the path includes any enclosing codec's.
 */
export function locateErrors(errors: t.Errors): t.Errors {
  return errors.map((e) => {
    if (located.has(e)) return e;
    const out: t.ValidationError = { ...e, message: formatOne(e) };
    located.add(out);
    return out;
  });
}

function formatOne(e: t.ValidationError): string {
  const message = e.message ?? `invalid value ${describeValue(e.value)} supplied to ${lastTypeName(e)}`;
  return `${errorPath(e)}: ${message}`;
}

/**
 * One line per problem: where (the key path in the tree) and what is wrong.
 *
 * @example
 * const weight = { _tag: "Tensor", dtype: "float32", shape: [2, -1], data: "" };
 * const result = treeCodec().decode({ format: "paramtree", version: "1.0", tree: { layers: [{ weight }] } });
 * const lines = E.isLeft(result) ? formatDecodeErrors(result.left) : [];
 * // [".layers[0].weight.shape[1]: expected a dimension (an integer from 0 to 2147483647), got -1"]
 */
export function formatDecodeErrors(errors: t.Errors): string[] {
  return errors.map((e) => (located.has(e) ? (e.message as string) : formatOne(e)));
}

/**
 * One line per encoding problem.
 *
 * @example
 * formatEncodeProblems([{ path: ["f"], message: "not serializable" }]); // [".f: not serializable"]
 */
export function formatEncodeProblems(problems: readonly EncodeProblem[]): string[] {
  return problems.map((p) => `${describePath(p.path)}: ${p.message}`);
}

function lastTypeName(e: t.ValidationError): string {
  const last = e.context[e.context.length - 1];
  return last === undefined ? "unknown" : last.type.name;
}
