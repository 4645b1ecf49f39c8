/**
 * `defaultRegistry`: the registry with the built-in wrappers (`Parameterize`, `NonTrainable`,
 * `WeightNormalization`), used by every tree function and by `unwrap` when no registry is given.
 *
 * Module cycle, on purpose: the tree layer imports this module for its default, and the wrapper
 * modules import the tree layer. So this module must not *use* any of its imports while it is
 * being evaluated, except `registerWrapper`/`emptyRegistry` (a leaf module) and the constants of
 * `tags.ts` (no imports at all): whichever file is required first, those are fully evaluated.
 * The specs registered here therefore call each wrapper's unwrap through a function that looks it
 * up at unwrap time, and they carry the same tag and children as the exported `parameterizeSpec`,
 * `nonTrainableSpec` and `weightNormalizationSpec`.
 *
 * @module
 */
import { emptyRegistry, registerWrapper, type Registry, type WrapperSpec } from "../tree/registry";
import * as nonTrainable from "./nonTrainable";
import * as parameterize from "./parameterize";
import {
  NonTrainableTag,
  ParameterizeTag,
  WeightNormalizationTag,
  nonTrainableChildren,
  parameterizeChildren,
  weightNormalizationChildren,
} from "./tags";
import * as weightNormalization from "./weightNormalization";

const builtins: readonly WrapperSpec[] = [
  {
    tag: ParameterizeTag,
    children: parameterizeChildren,
    unwrap: (node) => parameterize.unwrapParameterize(node),
  },
  {
    tag: NonTrainableTag,
    children: nonTrainableChildren,
    unwrap: (node) => nonTrainable.unwrapNonTrainable(node),
  },
  {
    tag: WeightNormalizationTag,
    children: weightNormalizationChildren,
    unwrap: (node) => weightNormalization.unwrapWeightNormalization(node),
  },
];

/**
 * The registry the tree functions and `unwrap` use when none is given: the three built-in
 * wrappers. Extend it with `registerWrapper(defaultRegistry, spec)` (which returns a new
 * registry) and pass the result to `unwrapWith` and to the tree functions' `registry` option.
 *
 * @example
 * [...defaultRegistry.specs.keys()]; // ["Parameterize", "NonTrainable", "WeightNormalization"]
 */
export const defaultRegistry: Registry = builtins.reduce(registerWrapper, emptyRegistry);
