"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.resolveCodecOptions = resolveCodecOptions;
exports.treeCodec = treeCodec;
exports.encodeTree = encodeTree;
exports.stringifyTree = stringifyTree;
exports.parseTree = parseTree;
exports.notJsonError = notJsonError;
exports.documentPieces = documentPieces;
exports.encodeWith = encodeWith;
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
const E = __importStar(require("fp-ts/Either"));
const t = __importStar(require("io-ts"));
const defaultRegistry_1 = require("../wrappers/defaultRegistry");
const decode_1 = require("./decode");
const encode_1 = require("./encode");
const errors_1 = require("./errors");
const format_1 = require("./format");
const functions_1 = require("./functions");
const json_1 = require("./json");
const tensor_1 = require("./tensor");
/** @internal */
function resolveCodecOptions(options) {
    const registry = options?.registry ?? defaultRegistry_1.defaultRegistry;
    for (const tag of format_1.reservedTags) {
        if (registry.specs.has(tag)) {
            throw new Error(`treeCodec: the registry registers "${tag}", a tag reserved by the paramtree format (${format_1.reservedTags.join(", ")})`);
        }
    }
    return { registry, functions: (0, functions_1.resolveFunctions)(options?.functions) };
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
function treeCodec(options) {
    const resolved = resolveCodecOptions(options);
    return new t.Type("Tree", (u) => !("problems" in (0, encode_1.encodeValue)(u, { ...resolved, tensors: "check", maxProblems: 1 })), (u, c) => (0, decode_1.decodeDocument)(u, c, resolved), (tree) => {
        const encoded = encodeWith(tree, resolved, "inline");
        if (E.isLeft(encoded))
            throw new errors_1.TreeEncodeError(encoded.left);
        return encoded.right;
    });
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
function encodeTree(tree, options) {
    return encodeWith(tree, resolveCodecOptions(options), "inline");
}
/**
 * The JSON text of a tree's document (no recursion, so any depth). Throws a
 * {@link TreeEncodeError} as `encode` does.
 *
 * @example
 * stringifyTree({ x: -0 }); // '{"format":"paramtree","version":"1.0","tree":{"x":{"_tag":"Number","value":"-0"}}}'
 */
function stringifyTree(tree, options) {
    const pieces = documentPieces(tree, resolveCodecOptions(options), options?.space);
    if (E.isLeft(pieces))
        throw new errors_1.TreeEncodeError(pieces.left);
    // `+` makes a rope whose leaves are the pieces: the base64 strings are not copied again.
    let text = "";
    for (const piece of pieces.right)
        text += piece();
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
function parseTree(text, options) {
    const codec = treeCodec(options);
    let parsed;
    try {
        // Tensor data stays in `text` (see parseJsonText): no second copy of the base64.
        parsed = (0, json_1.parseJsonText)(text);
    }
    catch (cause) {
        return E.left([notJsonError(text, cause)]);
    }
    return (0, decode_1.decodeDocument)(parsed.json, [{ key: "", type: codec, actual: parsed.json }], {
        ...resolveCodecOptions(options),
        resolveString: parsed.resolve,
    });
}
/** @internal */
function notJsonError(text, cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
        value: text.length > 100 ? `${text.slice(0, 100)}...` : text,
        context: [{ key: "", type: errors_1.documentType, actual: undefined }],
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
function documentPieces(tree, resolved, space) {
    const prefix = `\u0000paramtree-${randomToken()}-`;
    const marker = JSON.stringify(prefix).slice(0, -1); // the opening quote and the escaped prefix
    const encoded = (0, encode_1.encodeValue)(tree, {
        ...resolved,
        tensors: "deferred",
        placeholder: (i) => `${prefix}${i}`,
    });
    if ("problems" in encoded)
        return E.left(encoded.problems);
    const skeleton = (0, json_1.stringifyTrustedJson)({ format: format_1.formatName, version: format_1.formatVersion, tree: encoded.json }, space);
    const { weights } = encoded;
    const cache = new Array(weights.length);
    const base64Of = (i) => {
        let text = cache[i];
        if (text === undefined) {
            text = (0, tensor_1.encodeTensor)(weights[i].tensor).data;
            cache[i] = text;
        }
        return text;
    };
    const pieces = [];
    let from = 0;
    for (let at = skeleton.indexOf(marker); at !== -1; at = skeleton.indexOf(marker, from)) {
        const digitsFrom = at + marker.length;
        const close = skeleton.indexOf('"', digitsFrom);
        const index = close === -1 ? NaN : Number(skeleton.slice(digitsFrom, close));
        if (!/^[0-9]+$/.test(skeleton.slice(digitsFrom, close)) || !(index < weights.length))
            break;
        const before = skeleton.slice(from, at + 1);
        pieces.push(() => before, () => base64Of(index));
        from = close;
    }
    if (pieces.length !== 2 * encoded.deferredNodes) {
        // A user string looked like a placeholder: write the inline document whole.
        const inline = encodeWith(tree, resolved, "inline");
        if (E.isLeft(inline))
            return inline;
        const text = (0, json_1.stringifyTrustedJson)(inline.right, space);
        return E.right([() => text]);
    }
    const rest = skeleton.slice(from);
    pieces.push(() => rest);
    return E.right(pieces);
}
/** 96 random bits as hex; `crypto.getRandomValues` when there is one. */
function randomToken() {
    const words = new Uint32Array(3);
    const crypto = globalThis.crypto;
    if (crypto?.getRandomValues !== undefined)
        crypto.getRandomValues(words);
    else
        for (let i = 0; i < words.length; i++)
            words[i] = Math.floor(Math.random() * 2 ** 32);
    return Array.from(words, (w) => w.toString(16).padStart(8, "0")).join("");
}
/** @internal */
function encodeWith(tree, resolved, mode) {
    const encoded = (0, encode_1.encodeValue)(tree, { ...resolved, tensors: mode });
    if ("problems" in encoded)
        return E.left(encoded.problems);
    return E.right({ format: format_1.formatName, version: format_1.formatVersion, tree: encoded.json });
}
