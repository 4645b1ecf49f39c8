/**
 * paramtree with fp-ts: the pipeable `Tree` module (instances over a tree's leaves), `unwrap`
 * with errors as values, loading as a `TaskEither`, and one error type with one report.
 *
 * @module
 */
export * as Tree from "./Tree";
export { unwrapEither, unwrapEitherWith } from "./unwrapEither";
export {
  checkLeaves,
  formatTreeError,
  isDecodeErrors,
  isInvalidLeaves,
  matchTreeError,
  type InvalidLeaves,
  type LeafProblem,
  type TreeError,
} from "./treeError";
export { loadTreeTE, withLoadedTree } from "./loadTreeTE";
