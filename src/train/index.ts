/**
 * Training on trees: which leaves are parameters, gradients shaped like the model, the
 * trainable/frozen split, and update steps (plain gradient descent, or any tfjs optimiser).
 *
 * @module
 */
export { isTensor, isFloatTensor } from "./filters";
export {
  valueAndGrad,
  type ValueAndGrad,
  type ValueAndGradWithAux,
  type ValueAndGradOptions,
} from "./valueAndGrad";
export { partitionTrainable } from "./partitionTrainable";
export { sgdStep } from "./sgd";
export { treeOptimizer, type TreeOptimizer, type TreeOptimizerOptions } from "./optimizer";
export { disposeTree, type DisposeTreeOptions } from "./dispose";
