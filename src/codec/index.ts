/**
 * Serialized trees: an io-ts codec between trees and versioned JSON documents, a readable error
 * report, and files (a JSON document plus a binary side file of tensor bytes).
 *
 * @module
 */
export {
  treeCodec,
  encodeTree,
  stringifyTree,
  parseTree,
  type TreeCodec,
  type TreeCodecOptions,
  type TreeJson,
} from "./treeCodec";
export {
  formatDecodeErrors,
  formatEncodeProblems,
  errorPath,
  TreeEncodeError,
  type EncodeProblem,
} from "./errors";
export {
  saveTree,
  loadTree,
  weightsFileName,
  type SaveTreeOptions,
  type WeightsManifestEntryJson,
  type WeightsManifestGroupJson,
} from "./files";
export {
  tensorCodec,
  supportedDtypes,
  maxTensorElements,
  maxDimension,
  type TensorJson,
  type SupportedDtype,
} from "./tensor";
export { defaultFunctions, type FunctionTable } from "./functions";
export { formatName, formatVersion, readableMajors, reservedTags } from "./format";
export { maxDecodeErrors } from "./decode";
export { stringifyJson, type JsonValue, type JsonArray, type JsonObject } from "./json";
