"use strict";
/**
 * Small pieces shared by the encoder and the decoder.
 *
 * @internal
 * @module
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.builtinFields = void 0;
exports.setOwn = setOwn;
/**
 * The fields of the built-in wrappers, checked exactly (by the encoder too) when the registry
 * uses the built-in spec.
 */
exports.builtinFields = {
    Parameterize: { fn: "function", args: "array" },
    NonTrainable: { tree: "any" },
    WeightNormalization: { weight: "any", scale: "any" },
};
/** `out[key] = value`, keeping `__proto__` an own data property. */
function setOwn(out, key, value) {
    if (key === "__proto__") {
        Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
    }
    else {
        out[key] = value;
    }
}
