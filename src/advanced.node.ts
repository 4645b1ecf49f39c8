/**
 * `paramtree/advanced` for Node (package.json's `node` condition): everything of the
 * platform-free `advanced.ts` plus the helpers of the file layer, which imports Node's `fs`.
 *
 * It only re-exports.
 *
 * @packageDocumentation
 */
export * from "./advanced";

export {
  weightsFileName,
  defaultLeftoverAgeMs,
  type SaveFileHandle,
  type SaveFileSystem,
  type WeightsManifestEntryJson,
  type WeightsManifestGroupJson,
} from "./codec/files";
