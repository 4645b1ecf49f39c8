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
import type { Registry } from "../core/registry";
import { defaultRegistry } from "../wrappers/defaultRegistry";
import { decodeDocument } from "./decode";
import {
  defaultMaxEncodeNodes,
  encodeValue,
  readWeight,
  type ExternalWeight,
  type TensorMode,
} from "./encode";
import { documentType, locateErrors, TreeEncodeError, type EncodeProblem } from "./errors";
import { formatName, formatVersion, newestFormatVersion, reservedTags } from "./format";
import { resolveFunctions, type FunctionTable, type ResolvedFunctions } from "./functions";
import { parseJsonText, stringifyTrustedJson, type JsonValue, type ParsedJson } from "./json";
import { encodeTensor } from "./tensor";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Any tree: what the tree functions accept. Internal to the codec: `paramtree`'s `Tree` is the
 * fp-ts module, where the same type is `Tree.Tree<A>` (as in the example).
 *
 * @example
 * const tree: Tree.Tree<tf.Tensor> = { layers: [{ w: tf.zeros([2, 2]) }] };
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
 * - `maxNodes`: encoding stops with a {@link TreeEncodeError} naming the path once the tree has
 *   more nodes than this ({@link defaultMaxEncodeNodes} when omitted): a getter that returns a
 *   new object each time makes a tree without end.
 *
 * @example
 * const options: TreeCodecOptions = { functions: { double: (x: tf.Tensor) => tf.mul(x, 2) } };
 */
export interface TreeCodecOptions {
  readonly registry?: Registry | undefined;
  readonly functions?: FunctionTable | undefined;
  readonly maxNodes?: number | undefined;
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
  readonly maxNodes: number;
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
  const maxNodes = options?.maxNodes ?? defaultMaxEncodeNodes;
  if (!(Number.isInteger(maxNodes) && maxNodes > 0))
    throw new Error(`treeCodec: maxNodes must be a positive integer, got ${String(maxNodes)}`);
  return { registry, functions: resolveFunctions(options?.functions), maxNodes };
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * An io-ts codec between trees and documents. `decode(json)` checks everything (see the README's
 * list of what is refused) and returns new tensors that the caller owns and disposes; `encode`
 * throws a {@link TreeEncodeError} for anything it cannot write. Throws at construction when
 * `registry` uses a reserved tag.
 *
 * `is(x)` is the guard of the decoded type, as everywhere in io-ts: true when `x` is a tree that
 * `encode` can write (without reading tensors), not when `x` is a document. io-ts relies on this:
 * `t.union([a, b]).encode(x)` gives `x` to the first member whose `is(x)` holds. Any plain data
 * is a tree, so `is({ format: "paramtree" })` is true (that object encodes and decodes back to
 * itself). To ask whether a value is a document that `decode` accepts, use
 * {@link treeDocument}`(options).is`.
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
    (u, c) => {
      const result = decodeDocument(u, c, resolved);
      return E.isLeft(result) ? t.failures(locateErrors(result.left)) : result;
    },
    (tree) => {
      const encoded = encodeWith(tree, resolved, "inline");
      if (E.isLeft(encoded)) throw new TreeEncodeError(encoded.left);
      return encoded.right;
    },
  );
}

/**
 * An io-ts type of the documents that `treeCodec(options).decode` accepts, checked as `decode`
 * checks them but without making a tensor (inline data is checked, bool bytes included, and
 * dropped). `is(u)` is the guard: true exactly when `treeCodec(options).decode(u)` would be a
 * Right, so `is({ format: "paramtree" })` is false. `decode(u)` returns `u` itself, or the errors
 * `treeCodec` would report; `encode` is the identity. A document with a `weightsManifest` is
 * refused, as `treeCodec` refuses it (its bytes are in a side file: `loadTree` reads it). Throws at
 * construction when `registry` uses a reserved tag.
 *
 * @example
 * import * as t from "io-ts";
 * const isDocument = treeDocument().is;
 * isDocument({ format: "paramtree", version: "1.0", tree: { lr: 0.1 } }); // true
 * isDocument({ format: "paramtree" });                                    // false
 * const docOrName = t.union([treeDocument(), t.string]);
 * docOrName.is({ format: "paramtree", version: "2.0", tree: 1 }); // false
 */
export function treeDocument(options?: TreeCodecOptions): t.Type<TreeJson, TreeJson, unknown> {
  const resolved = resolveCodecOptions(options);
  const check = (u: unknown, c: t.Context): E.Either<t.Errors, TreeJson> => {
    const result = decodeDocument(u, c, { ...resolved, checkOnly: true });
    return E.isLeft(result) ? t.failures(locateErrors(result.left)) : t.success(u as TreeJson);
  };
  return new t.Type<TreeJson, TreeJson, unknown>(
    "TreeDocument",
    (u): u is TreeJson => E.isRight(check(u, [{ key: "", type: documentType, actual: u }])),
    check,
    t.identity,
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
  const pieces = documentPieces(tree, resolveCodecOptions(options), options?.space);
  if (E.isLeft(pieces)) throw new TreeEncodeError(pieces.left);
  // `+` makes a rope whose leaves are the pieces: the base64 strings are not copied again.
  let text = "";
  for (const piece of pieces.right) text += piece();
  return text;
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
  let parsed: ParsedJson;
  try {
    // Tensor data stays in `text` (see parseJsonText): no second copy of the base64.
    parsed = parseJsonText(text);
  } catch (cause) {
    return E.left([notJsonError(text, cause)]);
  }
  return decodeDocument(parsed.json, [{ key: "", type: codec, actual: parsed.json }], {
    ...resolveCodecOptions(options),
    resolveString: parsed.resolve,
  });
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

/**
 * @internal The JSON text of a tree's document, exactly as `stringifyTrustedJson` writes the
 * inline document, as a list of pieces to concatenate or write out in order. Each piece is a
 * function so that a tensor's base64 is made only when its turn comes: its bytes are read (one
 * `dataSync` copy) and encoded then, and nothing but the piece's string outlives the call. A
 * shared tensor's base64 is made once and returned at each of its places.
 *
 * The document is encoded with a placeholder string in each tensor's `data` and written to JSON
 * text (small: no tensor bytes), which is then cut at the placeholders. A placeholder is a NUL
 * character and a random 96-bit token; the cut checks that it found exactly one placeholder per
 * tensor node, in a string of its own, so a user's string that happened to contain one would
 * fall back to writing the inline document whole.
 */
export function documentPieces(
  tree: Tree,
  resolved: ResolvedCodecOptions,
  space?: number,
): E.Either<EncodeProblem[], (() => string)[]> {
  const prefix = `\u0000paramtree-${randomToken()}-`;
  const marker = JSON.stringify(prefix).slice(0, -1); // the opening quote and the escaped prefix
  const encoded = encodeValue(tree, {
    ...resolved,
    tensors: "deferred",
    placeholder: (i) => `${prefix}${i}`,
  });
  if ("problems" in encoded) return E.left(encoded.problems);
  const skeleton = stringifyTrustedJson(
    { format: formatName, version: versionFor(encoded.sharedTensors), tree: encoded.json },
    space,
  );
  const { weights } = encoded;
  const cache = new Array<string | undefined>(weights.length);
  const base64Of = (i: number): string => {
    let text = cache[i];
    if (text === undefined) {
      text = readWeight(weights[i] as ExternalWeight, encodeTensor).data;
      cache[i] = text;
    }
    return text;
  };
  const pieces: (() => string)[] = [];
  let from = 0;
  for (let at = skeleton.indexOf(marker); at !== -1; at = skeleton.indexOf(marker, from)) {
    const digitsFrom = at + marker.length;
    const close = skeleton.indexOf('"', digitsFrom);
    const index = close === -1 ? NaN : Number(skeleton.slice(digitsFrom, close));
    if (!/^[0-9]+$/.test(skeleton.slice(digitsFrom, close)) || !(index < weights.length)) break;
    const before = skeleton.slice(from, at + 1);
    pieces.push(
      () => before,
      () => base64Of(index),
    );
    from = close;
  }
  if (pieces.length !== 2 * encoded.deferredNodes) {
    // A user string looked like a placeholder: write the inline document whole.
    const inline = encodeWith(tree, resolved, "inline");
    if (E.isLeft(inline)) return inline;
    const text = stringifyTrustedJson(inline.right as unknown as JsonValue, space);
    return E.right([() => text]);
  }
  const rest = skeleton.slice(from);
  pieces.push(() => rest);
  return E.right(pieces);
}

/** 96 random bits as hex; `crypto.getRandomValues` when there is one. */
function randomToken(): string {
  const words = new Uint32Array(3);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (crypto?.getRandomValues !== undefined) crypto.getRandomValues(words);
  else for (let i = 0; i < words.length; i++) words[i] = Math.floor(Math.random() * 2 ** 32);
  return Array.from(words, (w) => w.toString(16).padStart(8, "0")).join("");
}

/** @internal */
export function encodeWith(
  tree: Tree,
  resolved: ResolvedCodecOptions,
  mode: TensorMode,
): E.Either<EncodeProblem[], TreeJson> {
  const encoded = encodeValue(tree, { ...resolved, tensors: mode });
  if ("problems" in encoded) return E.left(encoded.problems);
  return E.right({ format: formatName, version: versionFor(encoded.sharedTensors), tree: encoded.json });
}

/** The version a self-contained document needs: 1.1 when it marks shared tensors, else 1.0. */
function versionFor(sharedTensors: number): string {
  return sharedTensors > 0 ? newestFormatVersion : formatVersion;
}
