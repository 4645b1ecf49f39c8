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
exports.treeRootType = exports.documentType = exports.TreeEncodeError = void 0;
exports.failureAt = failureAt;
exports.errorPath = errorPath;
exports.formatDecodeErrors = formatDecodeErrors;
exports.formatEncodeProblems = formatEncodeProblems;
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
const t = __importStar(require("io-ts"));
const keyPath_1 = require("../core/keyPath");
const tensor_1 = require("./tensor");
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
class TreeEncodeError extends Error {
    problems;
    constructor(problems) {
        super(`cannot serialize the tree:\n${formatEncodeProblems(problems).join("\n")}`);
        this.name = "TreeEncodeError";
        this.problems = problems;
    }
}
exports.TreeEncodeError = TreeEncodeError;
/** The context type of a document's root: paths under it render as `document.version`. */
exports.documentType = new t.Type("TreeDocument", (_u) => true, t.success, t.identity);
/** The context type of the tree inside a document: paths under it render as key paths. */
exports.treeRootType = new t.Type("Tree", (_u) => true, t.success, t.identity);
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
function failureAt(context, message) {
    const last = context[context.length - 1];
    return { value: last === undefined ? undefined : last.actual, context, message };
}
// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------
/**
 * Where a validation error is, as text: the key path in the tree (`.layers[0].weight`,
 * `<root>` for the tree itself), or `document.<field>` for the document's own fields.
 *
 * @example
 * const doc = { format: "paramtree", version: "1.0", tree: { w: { _tag: "Tensor", dtype: "float32", shape: [-1], data: "" } } };
 * const result = treeCodec().decode(doc);
 * const where = E.isLeft(result) ? errorPath(result.left[0]!) : ""; // ".w.shape[0]"
 */
function errorPath(error) {
    const context = error.context;
    let start = 0;
    let prefix = "";
    let inDocument = false;
    for (let i = context.length - 1; i >= 0; i--) {
        const type = context[i].type;
        if (type === exports.treeRootType) {
            start = i + 1;
            inDocument = false;
            break;
        }
        if (type === exports.documentType) {
            start = i + 1;
            inDocument = true;
            prefix = "document";
            break;
        }
    }
    if (start === 0 && context.length > 0)
        start = 1; // a bare codec: skip its root entry
    const path = [];
    for (let i = start; i < context.length; i++) {
        const entry = context[i];
        const parent = context[i - 1];
        path.push(parent !== undefined && Array.isArray(parent.actual) && /^(0|[1-9][0-9]*)$/.test(entry.key)
            ? Number(entry.key)
            : entry.key);
    }
    if (inDocument)
        return path.length === 0 ? prefix : `${prefix}${(0, keyPath_1.keystr)(path)}`;
    return (0, keyPath_1.describePath)(path);
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
function formatDecodeErrors(errors) {
    return errors.map((e) => {
        const where = errorPath(e);
        const message = e.message ?? `invalid value ${(0, tensor_1.describeValue)(e.value)} supplied to ${lastTypeName(e)}`;
        return `${where}: ${message}`;
    });
}
/**
 * One line per encoding problem.
 *
 * @example
 * formatEncodeProblems([{ path: ["f"], message: "not serializable" }]); // [".f: not serializable"]
 */
function formatEncodeProblems(problems) {
    return problems.map((p) => `${(0, keyPath_1.describePath)(p.path)}: ${p.message}`);
}
function lastTypeName(e) {
    const last = e.context[e.context.length - 1];
    return last === undefined ? "unknown" : last.type.name;
}
