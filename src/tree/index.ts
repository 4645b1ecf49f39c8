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
