/**
 * Wrappers and `unwrap`: the TypeScript counterpart of paramax's `wrappers` module.
 *
 * @module
 */
export { defaultRegistry } from "./defaultRegistry";
export type { Unwrappable, Unwrapped, UnwrapLeafTypes } from "./types";
export { Parameterize, isParameterize, unwrapParameterize, parameterizeSpec } from "./parameterize";
export {
  NonTrainable,
  nonTrainable,
  isNonTrainable,
  unwrapNonTrainable,
  nonTrainableSpec,
  type NonTrainableLeaves,
} from "./nonTrainable";
export {
  WeightNormalization,
  isWeightNormalization,
  unwrapWeightNormalization,
  weightNormalizationSpec,
} from "./weightNormalization";
export { unwrap, unwrapWith, containsUnwrappables, isUnwrappable } from "./unwrap";
export { UnwrapError, isUnwrapError } from "./unwrapError";
export { stopGradient } from "./stopGradient";
export { invSoftplus } from "./invSoftplus";
