"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerWrapper = registerWrapper;
exports.isWrapperSpec = isWrapperSpec;
exports.isTagged = isTagged;
/**
 * Wrapper specs: a registered record that also says how it unwraps.
 *
 * @module
 */
const registry_1 = require("../core/registry");
// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------
/**
 * Returns a new registry that also knows the wrapper `spec.tag`. Throws when the tag is already
 * registered or the spec is malformed.
 *
 * @example
 * const registry = registerWrapper(defaultRegistry, {
 *   tag: "Clip",
 *   children: ["value"],
 *   unwrap: ({ value, lo, hi }: { value: tf.Tensor; lo: number; hi: number }) => tf.clipByValue(value, lo, hi),
 * });
 * unwrap({ _tag: "Clip", value: tf.scalar(5), lo: 0, hi: 1 }, { registry }); // 1
 */
function registerWrapper(registry, spec) {
    if (typeof spec?.unwrap !== "function") {
        throw new TypeError(`registerWrapper: "${String(spec?.tag)}".unwrap must be a function`);
    }
    return (0, registry_1.registerRecord)(registry, spec);
}
// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------
/**
 * Whether a registered record spec is a wrapper's (it has an `unwrap`).
 *
 * @example
 * isWrapperSpec({ tag: "Pair", children: ["a", "b"] }); // false
 */
function isWrapperSpec(spec) {
    return spec !== undefined && typeof spec.unwrap === "function";
}
/** @internal A plain object (prototype Object or null) whose own `_tag` is `tag`. */
function isTagged(x, tag) {
    if (x === null || typeof x !== "object")
        return false;
    const proto = Object.getPrototypeOf(x);
    return (proto === Object.prototype || proto === null) && x._tag === tag;
}
