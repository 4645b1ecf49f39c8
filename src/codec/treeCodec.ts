/**
 * `treeCodec`: an io-ts codec between trees and JSON documents.
 *
 * ```json
 * { "format": "paramtree", "version": "1.0",
 *   "tree": { "w": { "_tag": "Tensor", "dtype": "float32", "shape": [2], "data": "AACAPwAAAEA=" },
 *             "scale": { "_tag": "Parameterize", "fn": { "_tag": "Function", "name": "softplus" }, "args": [0.5] } } }
 * ```
 *
 * `decode` returns `Either<Errors, Tree>` with every problem located by its key path (render them
 * with `formatDecodeErrors`); `encode` returns the JSON-ready document and throws a
 * `TreeEncodeError` naming the key path of anything it cannot write (use {@link encodeTree} for
 * an `Either` instead). Both directions run without recursion, so depth is no limit.
 *
 * @module
 */
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import type { Registry } from "../tree/registry";
import { defaultRegistry } from "../wrappers/defaultRegistry";
import { decodeDocument } from "./decode";
import { encodeValue, type TensorMode } from "./encode";
import { documentType, TreeEncodeError, type EncodeProblem } from "./errors";
import { formatName, formatVersion, reservedTags } from "./format";
import { resolveFunctions, type FunctionTable, type ResolvedFunctions } from "./functions";
import { stringifyTrustedJson, type JsonValue } from "./json";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Any tree: what the tree functions accept.
 *
 * @example
 * const tree: Tree = { layers: [{ w: tf.zeros([2, 2]) }] };
 */
export type Tree = unknown;

/**
 * A document: the JSON that `encode` returns and `decode` reads.
 *
 * @example
 * const doc: TreeJson = { format: "paramtree", version: "1.0", tree: { lr: 0.1 } };
 */
export interface TreeJson {
  readonly format: "paramtree";
  readonly version: string;
  readonly tree: JsonValue;
}

/**
 * Options of {@link treeCodec}, {@link encodeTree}, `saveTree` and `loadTree`.
 *
 * - `registry`: which tags are wrappers (`defaultRegistry` when omitted). It may not register
 *   the format's own tags (`Tensor`, `Number`, `Undefined`, `Function`, `Object`).
 * - `functions`: functions to write by name, added to `defaultFunctions` (yours win on a shared
 *   name).
 *
 * @example
 * const options: TreeCodecOptions = { functions: { double: (x: tf.Tensor) => tf.mul(x, 2) } };
 */
export interface TreeCodecOptions {
  readonly registry?: Registry | undefined;
  readonly functions?: FunctionTable | undefined;
}

/**
 * The codec type.
 *
 * @example
 * const codec: TreeCodec = treeCodec();
 */
export type TreeCodec = t.Type<Tree, TreeJson, unknown>;

/** @internal Options with defaults filled in and checked. */
export interface ResolvedCodecOptions {
  readonly registry: Registry;
  readonly functions: ResolvedFunctions;
}

/** @internal */
export function resolveCodecOptions(options: TreeCodecOptions | undefined): ResolvedCodecOptions {
  const registry = options?.registry ?? defaultRegistry;
  for (const tag of reservedTags) {
    if (registry.specs.has(tag)) {
      throw new Error(
        `treeCodec: the registry registers "${tag}", a tag reserved by the paramtree format (${reservedTags.join(", ")})`,
      );
    }
  }
  return { registry, functions: resolveFunctions(options?.functions) };
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An io-ts codec between trees and documents. `decode(json)` checks everything (see the README's
 * list of what is refused) and returns new tensors that the caller owns and disposes; `encode`
 * throws a {@link TreeEncodeError} for anything it cannot write; `is(x)` tells whether `x` can be
 * encoded. Throws at construction when `registry` uses a reserved tag.
 *
 * @example
 * const codec = treeCodec();
 * const json = codec.encode({ w: tf.tensor([1, 2]), fn: tf.exp });
 * json.tree; // { w: { _tag: "Tensor", dtype: "float32", shape: [2], data: "AACAPwAAAEA=" }, fn: { _tag: "Function", name: "exp" } }
 * const back = codec.decode(JSON.parse(JSON.stringify(json)));
 * E.isRight(back) && back.right; // { w: tf.tensor([1, 2]), fn: tf.exp }
 * const bad = codec.decode({ format: "paramtree", version: "2.0", tree: 1 });
 * E.isLeft(bad) && formatDecodeErrors(bad.left); // ["document.version: the document has format version 2.0, newer than this reader understands (1.x); update paramtree to read it"]
 */
export function treeCodec(options?: TreeCodecOptions): TreeCodec {
  const resolved = resolveCodecOptions(options);
  return new t.Type<Tree, TreeJson, unknown>(
    "Tree",
    (u): u is Tree => !("problems" in encodeValue(u, { ...resolved, tensors: "check", maxProblems: 1 })),
    (u, c) => decodeDocument(u, c, resolved),
    (tree) => {
      const encoded = encodeWith(tree, resolved, "inline");
      if (E.isLeft(encoded)) throw new TreeEncodeError(encoded.left);
      return encoded.right;
    },
  );
}

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * Like `treeCodec(options).encode(tree)`, as an `Either` of the problems (each with its key path)
 * instead of a throw.
 *
 * @example
 * const r = encodeTree({ layers: [{ f: (x: number) => x }] });
 * E.isLeft(r) && r.left[0]!.path; // ["layers", 0, "f"]
 */
export function encodeTree(tree: Tree, options?: TreeCodecOptions): E.Either<EncodeProblem[], TreeJson> {
  return encodeWith(tree, resolveCodecOptions(options), "inline");
}

/**
 * The JSON text of a tree's document (no recursion, so any depth). Throws a
 * {@link TreeEncodeError} as `encode` does.
 *
 * @example
 * stringifyTree({ x: -0 }); // '{"format":"paramtree","version":"1.0","tree":{"x":{"_tag":"Number","value":"-0"}}}'
 */
export function stringifyTree(tree: Tree, options?: TreeCodecOptions & { readonly space?: number }): string {
  return stringifyTrustedJson(treeCodec(options).encode(tree) as unknown as JsonValue, options?.space);
}

/**
 * Parses and decodes a document's JSON text; text that is not JSON is a Left too.
 *
 * @example
 * parseTree('{"format":"paramtree","version":"1.0","tree":[1,2]}'); // E.right([1, 2])
 * const bad = parseTree('{"format":');
 * E.isLeft(bad) && formatDecodeErrors(bad.left); // ["document: not JSON (...); the file may be truncated or corrupt"]
 */
export function parseTree(text: string, options?: TreeCodecOptions): E.Either<t.Errors, Tree> {
  const codec = treeCodec(options);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return E.left([notJsonError(text, cause)]);
  }
  return codec.decode(json);
}

/** @internal */
export function notJsonError(text: string, cause: unknown): t.ValidationError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return {
    value: text.length > 100 ? `${text.slice(0, 100)}...` : text,
    context: [{ key: "", type: documentType, actual: undefined }],
    message: `not JSON (${message}); the file may be truncated or corrupt`,
  };
}

/** @internal */
export function encodeWith(
  tree: Tree,
  resolved: ResolvedCodecOptions,
  mode: TensorMode,
): E.Either<EncodeProblem[], TreeJson> {
  const encoded = encodeValue(tree, { ...resolved, tensors: mode });
  if ("problems" in encoded) return E.left(encoded.problems);
  return E.right({ format: formatName, version: formatVersion, tree: encoded.json });
}
