"use strict";
/**
 * Key paths: where a node sits in a tree, as the list of keys that reach it from the root.
 *
 * An array child is reached by its index (a number); an object property or a registered record's
 * child field by its name (a string). `keystr` renders a path for people (`.layers[0].weight`) or
 * for tfjs weight names (`layers/0/weight`).
 *
 * @module
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.keystr = keystr;
exports.describePath = describePath;
// -------------------------------------------------------------------------------------
// combinators
// -------------------------------------------------------------------------------------
const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/**
 * Renders a key path. By default it reads as a JavaScript accessor: identifiers as `.name`, array
 * indices as `[0]`, and any other property name quoted as `["odd key"]`; the root is `""`.
 *
 * @example
 * keystr(["layers", 0, "weight"]);                     // ".layers[0].weight"
 * keystr(["odd key", 1]);                              // '["odd key"][1]'
 * keystr(["layers", 0, "weight"], { separator: "/" }); // "layers/0/weight"
 */
function keystr(path, options) {
    const separator = options?.separator;
    if (separator !== undefined)
        return path.map(String).join(separator);
    let out = "";
    for (const key of path) {
        if (typeof key === "number")
            out += `[${key}]`;
        else if (identifier.test(key))
            out += `.${key}`;
        else
            out += `[${JSON.stringify(key)}]`;
    }
    return out;
}
/**
 * A path rendered for error messages: `keystr`, or `<root>` for the empty path.
 *
 * @example
 * describePath([]);        // "<root>"
 * describePath(["a", 0]);  // ".a[0]"
 */
function describePath(path) {
    return path.length === 0 ? "<root>" : keystr(path);
}
