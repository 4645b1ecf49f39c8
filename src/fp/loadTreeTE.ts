/**
 * Loading a tree as a `TaskEither`, so that one `pipe` goes from a path on disk to an unwrapped
 * model (or one error report), and `withLoadedTree`, which makes sure the loaded tensors do not
 * outlive a failed pipeline.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import * as TE from "fp-ts/TaskEither";
import type * as t from "io-ts";
import { documentType } from "../codec/errors";
import { loadTree } from "../codec/files";
import type { TreeCodecOptions } from "../codec/treeCodec";
import { treeLeaves } from "../core/flatten";
import { disposeTree } from "../train/dispose";
import { isTensor } from "../tensor/values";

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
export function loadTreeTE(path: string, options?: TreeCodecOptions): TE.TaskEither<t.Errors, unknown> {
  return () =>
    loadTree(path, options).catch((cause: unknown) =>
      E.left<t.Errors>([
        {
          value: path,
          context: [{ key: "", type: documentType, actual: path }],
          message: `loading ${JSON.stringify(path)} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        },
      ]),
    );
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
export function withLoadedTree(
  path: string,
  options?: TreeCodecOptions,
): <E, B>(use: (tree: unknown) => TE.TaskEither<E, B>) => TE.TaskEither<t.Errors | E, B> {
  const treeOptions = { registry: options?.registry };
  return <E, B>(use: (tree: unknown) => TE.TaskEither<E, B>) =>
    TE.bracketW(loadTreeTE(path, options), use, (loaded, result) => {
      const kept = new Set<tf.Tensor>();
      if (E.isRight(result)) {
        for (const leaf of treeLeaves(result.right, treeOptions)) if (isTensor(leaf)) kept.add(leaf);
      }
      disposeTree(loaded, { ...treeOptions, filter: (leaf) => !kept.has(leaf as tf.Tensor) });
      return TE.right(undefined);
    });
}
