/**
 * `loadTreeTE` and `withLoadedTree` of the Node entry: over its `loadTree`, so they take what it
 * takes (a path, a `file://` URL, any other URL `tf.io` routes, an `IOHandler`).
 *
 * @module
 */
import type { LoadTreeOptions } from "./codec/files";
import { loadTreeTEWith, withLoadedTreeWith, type LoadTreeTE, type WithLoadedTree } from "./fp/loadTreeTE";
import type { TreeStorage } from "./interop/ioStorage";
import { loadTree } from "./storage.node";

/**
 * `loadTree` as a `TaskEither`: `Right` of the tree (its tensors are new; the caller owns them),
 * or `Left` of io-ts errors naming the file, the URL or the key path of each problem (render them
 * with `formatDecodeErrors` or `formatTreeError`). Takes what `loadTree` takes: a path, a
 * `file://` URL, an `http(s)://` URL, an `IOHandler`. The task never rejects.
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
export const loadTreeTE: LoadTreeTE<TreeStorage, LoadTreeOptions> = loadTreeTEWith(loadTree);

/**
 * Loads the tree kept at `storage` (what `loadTree` takes) and runs `use` on it; the loaded
 * tensors that `use` does not return are disposed afterwards, all of them when `use` fails or
 * throws (like `tf.tidy`, for a `TaskEither`; a throw is rethrown once they are disposed). So a failed check or unwrap leaves the number of live tensors
 * where it was before the load.
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
export const withLoadedTree: WithLoadedTree<TreeStorage, LoadTreeOptions> = withLoadedTreeWith(loadTree);
