/**
 * paramtree: JAX-style pytrees and paramax-style parameter wrappers for TensorFlow.js.
 *
 * This file is the public entry, a short list of what a user needs: one helper and one type per
 * concept. It only re-exports. The engine unbound (`paramtree/core`) and the building blocks for
 * custom wrappers and codecs (`paramtree/advanced`) are subpaths of their own.
 *
 * It is platform-free: nothing it reaches imports a Node built-in, so browser bundlers take it as
 * it is (package.json's `browser`/default condition). Node gets `index.node.ts` (the `node`
 * condition), which re-exports this entry with `saveTree`, `loadTree`, `loadTreeTE` and
 * `withLoadedTree` that also take paths and `file://` (the files).
 *
 * @packageDocumentation
 */
export { initBackend, type BackendName } from "./backend";

// trees
export {
  treeFlatten,
  treeFlattenWithPath,
  treeLeaves,
  treeStructure,
  treeMap,
  treeMapWithPath,
  treeMapN,
  partition,
  combine,
  treeAt,
  treeModifyAt,
  treeAssign,
  treeEqual,
  treeDifference,
  treeStack,
  treeUnstack,
  treeFormat,
  withOptions,
  type TreeFunctions,
} from "./defaults";
export { treeUnflatten } from "./core/flatten";
export { TreeDef } from "./core/treedef";
export { keystr, type Key, type KeyPath } from "./core/keyPath";
export type { TreeOptions } from "./core/options";
export type { TreeMapped, TreeLeafTypes } from "./core/types";
export { registerNodeType, mapNodeType, type Registry, type NodeTypeSpec } from "./core/registry";
export type { PartitionFilter } from "./core/partition";
export type { Selector } from "./core/treeAt";
export type { TreeFormatOptions } from "./tensor/format";
export { isTensor, isFloatTensor } from "./tensor/values";
export { stopGradient } from "./tensor/stopGradient";
export { invSoftplus } from "./tensor/invSoftplus";
export { logit } from "./tensor/logit";

// wrappers
export { Parameterize, isParameterize } from "./wrappers/parameterize";
export { NonTrainable, isNonTrainable } from "./wrappers/nonTrainable";
export { nonTrainable } from "./wrappers/nonTrainableLeaves";
export { WeightNormalization, isWeightNormalization } from "./wrappers/weightNormalization";
export { unwrap, isUnwrappable, containsUnwrappables } from "./wrappers/unwrap";
export { UnwrapError, isUnwrapError } from "./wrappers/unwrapError";
export { defaultRegistry } from "./wrappers/defaultRegistry";
export { registerWrapper, type WrapperSpec } from "./wrappers/spec";
export {
  defineWrapper,
  type DefineWrapperSpec,
  type DefinedWrapper,
  type WrapperConstructor,
} from "./wrappers/define";
export type {
  KnownUnwrappable,
  Unwrappable,
  Unwrapped,
  UnwrappedWith,
  UnwrapLeafTypes,
} from "./wrappers/types";

// constraints
export { positive, bounded, simplex, lowerTriangular, cholesky, increasingOnInterval } from "./constraints";

// training
export { valueAndGrad, type ValueAndGradOptions } from "./train/valueAndGrad";
export { partitionTrainable } from "./train/partitionTrainable";
export { sgdStep } from "./train/sgd";
export { treeOptimizer, type TreeOptimizer, type TreeOptimizerOptions } from "./train/optimizer";
export { disposeTree, type DisposeTreeOptions } from "./train/dispose";
export { unwrapping, type UnwrappingFunction, type UnwrapsTo } from "./train/unwrapping";

// serialized trees
export { treeCodec, treeDocument, stringifyTree, parseTree, type TreeCodecOptions } from "./codec/treeCodec";
export { formatDecodeErrors, TreeEncodeError } from "./codec/errors";

// storage through tf.io (indexeddb://, localstorage://, downloads://, http(s)://, IOHandlers)
export {
  saveTreeIO as saveTree,
  loadTreeIO as loadTree,
  saveTreeIO,
  loadTreeIO,
  type TreeStorage,
} from "./interop/ioStorage";
export {
  loadTreeIOTE as loadTreeTE,
  withLoadedTreeIO as withLoadedTree,
  loadTreeIOTE,
  withLoadedTreeIO,
} from "./loadedTree";

// tfjs weights in and out
export {
  fromNamedTensorMap,
  toNamedTensorMap,
  type TensorTree,
  type FromNamedTensorMapOptions,
  type ToNamedTensorMapOptions,
} from "./interop/namedTensorMap";
export { layersModelTree, setLayersModelWeights } from "./interop/layersModel";

// fp-ts
export * as Tree from "./fp/Tree";
export { unwrapEither } from "./fp/unwrapEither";
export { formatTreeError, matchTreeError, type TreeError } from "./fp/treeError";
