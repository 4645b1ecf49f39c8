/**
 * `paramtree/advanced`: the building blocks beyond the root entry, for custom wrappers, custom
 * codecs and tools: registering records without an unwrap, the built-in wrappers' specs and own
 * unwraps, the constraints' transforms and inverses, the codec's pieces and limits, and the fp-ts
 * error helpers.
 *
 * @packageDocumentation
 */
export { emptyRegistry, registerRecord, lookupSpec, type RecordSpec } from "./core/registry";
export { describePath, type KeystrOptions } from "./core/keyPath";
export type { StructureDifference } from "./core/treedef";
export type { RecordChildren } from "./core/types";
export type { LeafPredicate } from "./core/partition";
export type { TreeEqualOptions, TreeDifference } from "./tensor/equal";
export { tensorsIn, describeValue } from "./tensor/values";
// The constraints' transforms and inverses, for writing a `Parameterize` by hand.
export { increasingFromLogits, increasingLogits } from "./tensor/increasing";
export { simplexFromLogits, simplexLogits } from "./tensor/simplex";
export {
  lowerTriangle,
  lowerTriangleInverse,
  choleskyFactor,
  choleskyFactorInverse,
} from "./tensor/triangular";
export { scaledSigmoid, scaledLogit } from "./tensor/scaledSigmoid";
export { isWrapperSpec } from "./wrappers/spec";
export { assignValue, NoInverseError } from "./wrappers/inverse";
export { unwrapParameterize, inverseParameterize, parameterizeSpec } from "./wrappers/parameterize";
export {
  unwrapNonTrainable,
  inverseNonTrainable,
  nonTrainableSpec,
  type NonTrainableLeaves,
} from "./wrappers/nonTrainable";
export { unwrapWeightNormalization, weightNormalizationSpec } from "./wrappers/weightNormalization";
export { encodeTree, type TreeCodec, type TreeJson } from "./codec/treeCodec";
export { formatEncodeProblems, errorPath, type EncodeProblem } from "./codec/errors";
export {
  tensorCodec,
  supportedDtypes,
  maxTensorElements,
  maxDimension,
  type TensorJson,
  type SupportedDtype,
} from "./codec/tensor";
export { defaultFunctions, type FunctionTable } from "./codec/functions";
export { formatName, formatVersion, readableMajors, reservedTags } from "./codec/format";
export { maxDecodeErrors } from "./codec/decode";
export { defaultMaxEncodeNodes } from "./codec/encode";
export { stringifyJson, type JsonValue, type JsonArray, type JsonObject } from "./codec/json";
export {
  checkLeaves,
  isDecodeErrors,
  isInvalidLeaves,
  type InvalidLeaves,
  type LeafProblem,
} from "./fp/treeError";
export type { ValueAndGrad, ValueAndGradWithAux } from "./train/valueAndGrad";
