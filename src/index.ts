/**
 * paramtree: JAX-style pytrees and paramax-style parameter wrappers for TensorFlow.js.
 *
 * This file is the single public entry; it only re-exports.
 *
 * @packageDocumentation
 */
export * from "./backend";
export * from "./tree";
export * from "./wrappers";
export * from "./train";
export * from "./codec";
export * from "./fp";
