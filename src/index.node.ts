/**
 * paramtree's entry for Node (package.json's `node` condition, and `main` for older resolvers):
 * everything of the platform-free entry (`index.ts`) plus the functions that read and write files
 * with Node's `fs`, so that `import { saveTree } from "paramtree"` works in Node as it always has
 * while browser bundlers never see `fs`, `path` or `zlib`.
 *
 * It only re-exports.
 *
 * @packageDocumentation
 */
export * from "./index";

// files (Node's fs)
export { saveTree, loadTree, type SaveTreeOptions } from "./codec/files";
export { loadTreeTE, withLoadedTree } from "./fp/loadTreeTE";
