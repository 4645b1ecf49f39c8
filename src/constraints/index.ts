/**
 * Constraint constructors: each takes the constrained value you mean and returns a wrapper whose
 * trainable leaf is unconstrained, with an inverse (`treeAssign`) and a codec form.
 *
 * @example
 * const model = { scale: positive(2), rate: bounded(0.1, 0, 1) };
 * unwrap(model).rate.dataSync()[0]; // ≈ 0.1
 *
 * @module
 */
export { positive } from "./positive";
export { bounded } from "./bounded";
export { simplex } from "./simplex";
export { lowerTriangular, cholesky } from "./triangular";
export { increasingOnInterval } from "./increasing";
