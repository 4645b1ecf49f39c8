"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.defaultRegistry = void 0;
exports.withDefaultRegistry = withDefaultRegistry;
const weightNormalization_1 = require("./weightNormalization");
/**
 * The registry the public functions use when none is given: the three built-in wrappers. Extend
 * it with `registerWrapper(defaultRegistry, spec)` (which returns a new registry) and pass the
 * result as the `registry` option.
 *
 * @example
 * [...defaultRegistry.specs.keys()]; // ["Parameterize", "NonTrainable", "WeightNormalization"]
 */
exports.defaultRegistry = weightNormalization_1.builtinRegistry;
/**
 * @internal `options` with `defaultRegistry` when they name no registry: how the layers above
 * the engine (whose own default is the empty registry) default to the built-in wrappers.
 */
function withDefaultRegistry(options) {
    if (options === undefined)
        return defaultOptions;
    return options.registry !== undefined ? options : { ...options, registry: exports.defaultRegistry };
}
const defaultOptions = Object.freeze({ registry: exports.defaultRegistry });
