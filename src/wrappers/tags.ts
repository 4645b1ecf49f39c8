/**
 * The names of the built-in wrapper tags and their child fields.
 *
 * This module imports nothing, on purpose: `defaultRegistry` is built when its module is first
 * evaluated, and the tree layer (`src/tree/options.ts`) imports it, while the wrapper modules
 * import the tree layer. Reading the tags from an import-free module means that building the
 * registry never touches a module that may still be half-evaluated, whichever file is required
 * first.
 *
 * @internal
 * @module
 */

export const ParameterizeTag = "Parameterize";
export const parameterizeChildren: readonly ["args"] = Object.freeze(["args"] as const);

export const NonTrainableTag = "NonTrainable";
export const nonTrainableChildren: readonly ["tree"] = Object.freeze(["tree"] as const);

export const WeightNormalizationTag = "WeightNormalization";
export const weightNormalizationChildren: readonly ["weight", "scale"] = Object.freeze([
  "weight",
  "scale",
] as const);
