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
exports.loadTreeTE = loadTreeTE;
exports.withLoadedTree = withLoadedTree;
const E = __importStar(require("fp-ts/Either"));
const TE = __importStar(require("fp-ts/TaskEither"));
const errors_1 = require("../codec/errors");
const files_1 = require("../codec/files");
const flatten_1 = require("../core/flatten");
const dispose_1 = require("../train/dispose");
const values_1 = require("../tensor/values");
// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------
/**
 * `loadTree` as a `TaskEither`: `Right` of the tree (its tensors are new; the caller owns them),
 * or `Left` of io-ts errors naming the file or the key path of each problem (render them with
 * `formatDecodeErrors` or `formatTreeError`). The task never rejects.
 *
 * @category constructors
 * @example
 * import * as os from "os";
 * const file = `${os.tmpdir()}/paramtree-doc-${process.pid}.tree.json`;
 * await saveTree(file, { lr: 0.1, sizes: [2, 3] });
 * await loadTreeTE(file)(); // { _tag: "Right", right: { lr: 0.1, sizes: [2, 3] } }
 * const missing = await loadTreeTE(`${file}.missing`)();
 * E.isLeft(missing) && formatTreeError(missing.left).startsWith("decoding failed (1 problem):"); // true
 */
function loadTreeTE(path, options) {
    return () => (0, files_1.loadTree)(path, options).catch((cause) => E.left([
        {
            value: path,
            context: [{ key: "", type: errors_1.documentType, actual: path }],
            message: `loading ${JSON.stringify(path)} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        },
    ]));
}
/**
 * Loads the tree at `path` and runs `use` on it; the loaded tensors that `use` does not return
 * are disposed afterwards, all of them when `use` fails (like `tf.tidy`, for a `TaskEither`). So
 * a failed check or unwrap leaves the number of live tensors where it was before the load.
 *
 * Tensors count as returned when they are leaves of the result (found through arrays, plain
 * objects and registered wrappers); return the loaded tree itself (e.g. `{ params, model }`) to
 * keep all of it.
 *
 * @category constructors
 * @example
 * import * as os from "os";
 * import * as TE from "fp-ts/TaskEither";
 * const file = `${os.tmpdir()}/paramtree-doc-wlt-${process.pid}.tree.json`;
 * await saveTree(file, { w: tf.ones([2]), b: tf.zeros([2]) });
 * // Keep only w: the loaded b is disposed when the task ends.
 * const result = await withLoadedTree(file)((tree) => TE.right((tree as { w: tf.Tensor }).w))();
 * E.isRight(result) && result.right.shape; // [2]
 * if (E.isRight(result)) result.right.dispose();
 */
function withLoadedTree(path, options) {
    const treeOptions = { registry: options?.registry };
    return (use) => TE.bracketW(loadTreeTE(path, options), use, (loaded, result) => {
        const kept = new Set();
        if (E.isRight(result)) {
            for (const leaf of (0, flatten_1.treeLeaves)(result.right, treeOptions))
                if ((0, values_1.isTensor)(leaf))
                    kept.add(leaf);
        }
        (0, dispose_1.disposeTree)(loaded, { ...treeOptions, filter: (leaf) => !kept.has(leaf) });
        return TE.right(undefined);
    });
}
