"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.resolveOptions = resolveOptions;
/**
 * The options every function that walks a tree takes (as optree's: learn them once, know them all).
 *
 * @module
 */
const registry_1 = require("./registry");
const noOptions = Object.freeze({
    isLeaf: undefined,
    noneIsLeaf: false,
    registry: registry_1.emptyRegistry,
});
/** @internal */
function resolveOptions(options) {
    if (options === undefined)
        return noOptions;
    return {
        isLeaf: options.isLeaf,
        noneIsLeaf: options.noneIsLeaf === true,
        registry: options.registry ?? registry_1.emptyRegistry,
    };
}
