/**
 * `loadTreeTE` and `withLoadedTree` of the platform-free (browser) entry: over `tf.io`
 * (`loadTreeIO`), so they take a URL that `tf.io` routes (`indexeddb://`, `localstorage://`,
 * `http(s)://`, ...) or an `IOHandler`. The Node entry has its own pair, which also takes paths
 * and `file://` (`loadedTree.node.ts`).
 *
 * @module
 */
import type { TreeCodecOptions } from "./codec/treeCodec";
import { loadTreeTEWith, withLoadedTreeWith, type LoadTreeTE, type WithLoadedTree } from "./fp/loadTreeTE";
import { loadTreeIO, type TreeStorage } from "./interop/ioStorage";

/**
 * `loadTree` (through `tf.io`) as a `TaskEither`: `Right` of the tree (its tensors are new; the
 * caller owns them), or `Left` of io-ts errors naming the URL or the key path of each problem
 * (render them with `formatDecodeErrors` or `formatTreeError`). The task never rejects.
 *
 * @category constructors
 * @example
 * let saved: tf.io.ModelArtifacts | undefined;
 * await saveTreeIO(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }; }), { lr: 0.1 });
 * await loadTreeIOTE(tf.io.fromMemory(saved!))(); // { _tag: "Right", right: { lr: 0.1 } }
 * const missing = await loadTreeIOTE("nosuchscheme://model")();
 * E.isLeft(missing) && formatTreeError(missing.left).startsWith("decoding failed (1 problem):"); // true
 */
export const loadTreeIOTE: LoadTreeTE<TreeStorage, TreeCodecOptions> = loadTreeTEWith(loadTreeIO);

/**
 * Loads the tree kept at `storage` (through `tf.io`: a URL it routes, or an `IOHandler`) and runs
 * `use` on it; the loaded tensors that `use` does not return are disposed afterwards, all of them
 * when `use` fails or throws (like `tf.tidy`, for a `TaskEither`; a throw is rethrown once they
 * are disposed).
 *
 * @category constructors
 * @example
 * import * as TE from "fp-ts/TaskEither";
 * let saved: tf.io.ModelArtifacts | undefined;
 * await saveTreeIO(tf.io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } }; }), { w: tf.ones([2]), b: tf.zeros([2]) });
 * // Keep only w: the loaded b is disposed when the task ends.
 * const result = await withLoadedTreeIO(tf.io.fromMemory(saved!))((tree) => TE.right((tree as { w: tf.Tensor }).w))();
 * E.isRight(result) && result.right.shape; // [2]
 * if (E.isRight(result)) result.right.dispose();
 */
export const withLoadedTreeIO: WithLoadedTree<TreeStorage, TreeCodecOptions> = withLoadedTreeWith(loadTreeIO);
