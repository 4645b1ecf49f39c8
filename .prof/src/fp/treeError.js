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
exports.formatTreeError = void 0;
exports.isDecodeErrors = isDecodeErrors;
exports.isInvalidLeaves = isInvalidLeaves;
exports.checkLeaves = checkLeaves;
exports.matchTreeError = matchTreeError;
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
const E = __importStar(require("fp-ts/Either"));
const errors_1 = require("../codec/errors");
const keyPath_1 = require("../core/keyPath");
const flatten_1 = require("../core/flatten");
const unwrapError_1 = require("../wrappers/unwrapError");
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
function isDecodeErrors(e) {
    return Array.isArray(e);
}
/**
 * Whether a `TreeError` comes from `checkLeaves`.
 *
 * @category refinements
 * @example
 * isInvalidLeaves({ _tag: "InvalidLeaves", problems: [] }); // true
 */
function isInvalidLeaves(e) {
    return !Array.isArray(e) && e._tag === "InvalidLeaves";
}
// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------
/**
 * A check of every leaf: `check(leaf, path)` returns `undefined` when the leaf is fine, or a
 * message. The result is `Right(tree)` (the very same tree) when every leaf passes, or `Left` of
 * all the problems, in leaf order: a validation that reports everything at once.
 *
 * @category constructors
 * @example
 * const finite = (x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? "not finite" : undefined);
 * checkLeaves(finite)({ a: 1, b: [NaN, Infinity] });
 * // Left({ _tag: "InvalidLeaves", problems: [{ path: ["b", 0], message: "not finite" }, { path: ["b", 1], ... }] })
 */
function checkLeaves(check, options) {
    return (tree) => {
        const problems = [];
        for (const [path, leaf] of (0, flatten_1.treeFlattenWithPath)(tree, options)[0]) {
            const message = check(leaf, path);
            if (message !== undefined)
                problems.push({ path, message });
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
function matchTreeError(cases) {
    return (e) => {
        if (isDecodeErrors(e))
            return cases.onDecode(e);
        if (isInvalidLeaves(e))
            return cases.onInvalidLeaves(e);
        if ((0, unwrapError_1.isUnwrapError)(e))
            return cases.onUnwrap(e);
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
exports.formatTreeError = matchTreeError({
    onDecode: (errors) => {
        const lines = (0, errors_1.formatDecodeErrors)(errors);
        return [
            `decoding failed (${lines.length} problem${lines.length === 1 ? "" : "s"}):`,
            ...lines.map((l) => `  ${l}`),
        ].join("\n");
    },
    onUnwrap: (e) => `unwrapping failed: ${e.tag} at ${(0, keyPath_1.describePath)(e.path)}: ${causeText(e.cause)}`,
    onInvalidLeaves: ({ problems }) => [
        `${problems.length} invalid ${problems.length === 1 ? "leaf" : "leaves"}:`,
        ...problems.map((p) => `  ${(0, keyPath_1.describePath)(p.path)}: ${p.message}`),
    ].join("\n"),
});
function causeText(cause) {
    if (cause instanceof Error)
        return cause.message;
    try {
        return String(cause);
    }
    catch {
        return "(an unprintable value)";
    }
}
