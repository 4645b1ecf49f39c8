/**
 * `saveTree` and `loadTree` in Node: one pair of functions for every place a tree can be kept.
 *
 * A plain path or a `file://` URL goes to the files layer (`codec/files.ts`: a JSON document and
 * a binary side file, written atomically); tfjs-core alone routes no `file://` in Node (that is
 * `@tensorflow/tfjs-node`'s), and the files layer is what paramtree has always written there.
 * Any other URL (`http(s)://`, or a scheme a registered router handles) and any `IOHandler` go
 * through `tf.io` (`interop/ioStorage.ts`). Both keep the same guarantees: validation with key
 * paths, checksums, a Left instead of a rejection on load.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import type * as t from "io-ts";
import { fileURLToPath } from "url";
import {
  loadTree as loadFile,
  loadTreeOptionsProblem,
  saveTree as saveFile,
  saveTreeOptionsProblem,
  type LoadTreeOptions,
  type SaveTreeOptions,
} from "./codec/files";
import { documentType } from "./codec/errors";
import type { Tree } from "./codec/treeCodec";
import { loadTreeIO, saveTreeIO, type TreeStorage } from "./interop/ioStorage";

/**
 * A file path when `storage` names a file (a path without a scheme, or `file://`), undefined for
 * anything else, or an error message for a `file://` URL that names no local file (a host, an
 * encoded "/").
 */
function filePath(storage: TreeStorage): string | undefined | { readonly refused: string } {
  if (typeof storage !== "string") return undefined;
  if (/^file:\/\//i.test(storage)) {
    try {
      return fileURLToPath(storage);
    } catch (cause) {
      return { refused: `${JSON.stringify(storage)} names no local file (${(cause as Error).message})` };
    }
  }
  // A scheme is letters, digits, + - . before "://"; "C:\..." and "./a://b" are paths.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(storage) ? undefined : storage;
}

/**
 * Saves `tree`: to a file (a path, or a `file://` URL: the JSON document plus its `.bin` side
 * file, see the files layer) or through `tf.io` (an `http(s)://` URL, any URL a registered router
 * handles, or an `IOHandler`). Rejects with a `TreeEncodeError` naming the key path of anything
 * that cannot be written, or with the storage's error.
 *
 * @example
 * const dir = require("fs").mkdtempSync(require("path").join(require("os").tmpdir(), "pt-"));
 * const url = require("url").pathToFileURL(dir + "/model.json").href; // file:///tmp/pt-.../model.json
 * await saveTree(url, { w: tf.tensor([1, 2]), lr: 0.5 });
 * const back = await loadTree(dir + "/model.json"); // the same file, by path
 * E.isRight(back) && back.right; // { w: tf.tensor([1, 2]), lr: 0.5 }
 * E.isRight(back) && disposeTree(back.right);
 */
export async function saveTree(
  storage: TreeStorage,
  tree: Tree,
  options?: SaveTreeOptions,
): Promise<tf.io.SaveResult | void> {
  // Every option is checked, whichever way the tree goes: a wrong one is a mistake either way.
  const problem = saveTreeOptionsProblem(options);
  if (problem !== undefined) throw new TypeError(problem);
  const path = filePath(storage);
  if (typeof path === "object") throw new TypeError(`saveTree: ${path.refused}`);
  if (path !== undefined) return saveFile(path, tree, options);
  return saveTreeIO(storage, tree, options);
}

/**
 * Loads a tree saved by {@link saveTree} from a path, a `file://` URL, any other URL `tf.io`
 * routes, or an `IOHandler`. Never rejects: whatever goes wrong is a Left whose errors name the
 * place (render them with `formatDecodeErrors`). The tensors are new; the caller disposes them.
 *
 * @example
 * const result = await loadTree("file:///no/such/model.json");
 * E.isLeft(result) && formatDecodeErrors(result.left)[0]; // 'document: cannot read "/no/such/model.json" (ENOENT: no such file or directory, stat \'/no/such/model.json\')'
 */
export async function loadTree(
  storage: TreeStorage,
  options?: LoadTreeOptions,
): Promise<E.Either<t.Errors, Tree>> {
  const top = (message: string): E.Either<t.Errors, Tree> =>
    E.left([{ value: storage, context: [{ key: "", type: documentType, actual: storage }], message }]);
  const problem = loadTreeOptionsProblem(options);
  if (problem !== undefined) return top(problem);
  const path = filePath(storage);
  if (typeof path === "object") return top(path.refused);
  if (path !== undefined) return loadFile(path, options);
  return loadTreeIO(storage, options);
}
