/**
 * Loading a tree as a `TaskEither`, so that one `pipe` goes from where a model is kept to an
 * unwrapped model (or one error report), and `withLoadedTree`, which makes sure the loaded
 * tensors do not outlive a failed pipeline.
 *
 * Platform-free: both are built here over a load function (`loadTree` of the entry: files and
 * `tf.io` in Node, `tf.io` in the browser); the entries bind them (`loadedTree.ts`,
 * `loadedTree.node.ts`).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import type * as TE from "fp-ts/TaskEither";
import type * as t from "io-ts";
import { documentType } from "../codec/errors";
import type { TreeCodecOptions } from "../codec/treeCodec";
import { treeLeaves } from "../core/flatten";
import { disposeTree } from "../train/dispose";
import { isTensor } from "../tensor/values";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** A `loadTree`: from a place (a path, a URL, an IOHandler) to a Left of errors or the tree. */
export type TreeLoader<S, O extends TreeCodecOptions> = (
  storage: S,
  options?: O,
) => Promise<E.Either<t.Errors, unknown>>;

/** `loadTreeTE` over a loader. */
export type LoadTreeTE<S, O extends TreeCodecOptions> = (
  storage: S,
  options?: O,
) => TE.TaskEither<t.Errors, unknown>;

/** `withLoadedTree` over a loader. */
export type WithLoadedTree<S, O extends TreeCodecOptions> = (
  storage: S,
  options?: O,
) => <E, B>(use: (tree: unknown) => TE.TaskEither<E, B>) => TE.TaskEither<t.Errors | E, B>;

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * `loadTreeTE` for a loader: the task never rejects; a loader that rejects (it should not) is a
 * Left naming the place.
 */
export function loadTreeTEWith<S, O extends TreeCodecOptions>(load: TreeLoader<S, O>): LoadTreeTE<S, O> {
  return (storage, options) => () =>
    load(storage, options).catch((cause: unknown) =>
      E.left<t.Errors>([
        {
          value: storage,
          context: [{ key: "", type: documentType, actual: storage }],
          message: `loading ${typeof storage === "string" ? JSON.stringify(storage) : "the IOHandler"} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        },
      ]),
    );
}

/**
 * `withLoadedTree` for a loader: loads, runs `use`, then disposes the loaded tensors that `use`
 * does not return (all of them when it fails). Why not fp-ts's `bracket`: it releases only when
 * `use` settles as an Either, and a throw inside `use` (a tfjs shape error in a model function)
 * would leave every loaded tensor behind; here such a throw disposes them and is rethrown, as a
 * `finally` would.
 */
export function withLoadedTreeWith<S, O extends TreeCodecOptions>(
  load: TreeLoader<S, O>,
): WithLoadedTree<S, O> {
  const loadTE = loadTreeTEWith(load);
  return (storage, options) => {
    const treeOptions = { registry: options?.registry };
    return <E, B>(use: (tree: unknown) => TE.TaskEither<E, B>): TE.TaskEither<t.Errors | E, B> =>
      async () => {
        const loaded = await loadTE(storage, options)();
        if (E.isLeft(loaded)) return loaded;
        let result: E.Either<E, B>;
        try {
          result = await use(loaded.right)();
        } catch (cause) {
          disposeTree(loaded.right, treeOptions);
          throw cause;
        }
        const kept = new Set<tf.Tensor>();
        if (E.isRight(result)) {
          for (const leaf of treeLeaves(result.right, treeOptions)) if (isTensor(leaf)) kept.add(leaf);
        }
        disposeTree(loaded.right, { ...treeOptions, filter: (leaf) => !kept.has(leaf as tf.Tensor) });
        return result;
      };
  };
}
