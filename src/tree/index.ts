/**
 * The generic tree layer: registry, treedef, flatten/unflatten, map, paths.
 *
 * @module
 */
export * from "./keyPath";
export * from "./registry";
export type { TreeOptions } from "./options";
export { TreeDef, type StructureDifference } from "./treedef";
export * from "./flatten";
export { treeMap, treeMapWithPath, treeMapN } from "./map";
export { partition, combine, combineWith, type LeafPredicate, type PartitionFilter } from "./partition";
export { treeAt, treeModifyAt, type Selector } from "./treeAt";
export { treeEqual, treeDifference, type TreeEqualOptions, type TreeDifference } from "./equal";
export { treeStack, treeUnstack } from "./stack";
export { treeFormat, type TreeFormatOptions } from "./format";
