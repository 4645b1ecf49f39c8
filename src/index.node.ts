/**
 * paramtree's entry for Node (package.json's `node` condition, and `main` for older resolvers):
 * everything of the platform-free entry (`index.ts`) plus the functions that read and write files
 * with Node's `fs` (`saveTree`/`loadTree` here take paths and `file://` too, and send every other
 * URL or IOHandler to `tf.io` as the browser entry's do), so that `import { saveTree } from "paramtree"` works in Node as it always has
 * while browser bundlers never see `fs`, `path` or `zlib`.
 *
 * It only re-exports.
 *
 * @packageDocumentation
 */
export * from "./index";

// files (Node's fs) and tf.io, by URL or path
export { saveTree, loadTree } from "./storage.node";
export type { LoadTreeOptions, SaveTreeOptions } from "./codec/files";
export { loadTreeTE, withLoadedTree } from "./loadedTree.node";
