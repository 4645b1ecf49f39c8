/**
 * The tree engine (`paramtree/core`): the registry, flatten/unflatten, map, partition, treeAt and
 * key paths, knowing nothing of tensors or wrappers. Its functions default to the empty registry;
 * the root entry's bind the built-in wrappers.
 *
 * @module
 */
export { keystr, describePath, type Key, type KeyPath, type KeystrOptions } from "./keyPath";
export * from "./registry";
export type { TreeOptions } from "./options";
export { TreeDef, type StructureDifference } from "./treedef";
export * from "./flatten";
export { treeMap, treeMapWithPath, treeMapN } from "./map";
export { partition, combine, type LeafPredicate, type PartitionFilter } from "./partition";
export { treeAt, treeModifyAt, treeModifyAtWithPath, type Selector } from "./treeAt";
