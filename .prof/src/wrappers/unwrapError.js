"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.UnwrapError = void 0;
exports.isUnwrapError = isUnwrapError;
/**
 * `UnwrapError`: what `unwrap` throws when a wrapper's own unwrap fails, with where and which.
 *
 * @module
 */
const keyPath_1 = require("../core/keyPath");
// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------
/**
 * The error `unwrap` throws when one wrapper's unwrap throws: it names the wrapper's tag and its
 * key path in the tree, and keeps the original error as `cause`. Every tensor that `unwrap` had
 * created before the failure has been disposed by then.
 *
 * Other errors (a cyclic tree, a malformed registry) are rethrown as they are.
 *
 * @example
 * const bad = { layers: [{ scale: Parameterize(() => { throw new Error("boom"); }) }] };
 * unwrap(bad); // throws "unwrap: Parameterize at .layers[0].scale failed: boom"
 * let error: UnwrapError | undefined;
 * try {
 *   unwrap(bad);
 * } catch (e) {
 *   error = e as UnwrapError;
 * }
 * keystr(error?.path ?? []); // ".layers[0].scale"
 * error?.tag; // "Parameterize"
 */
class UnwrapError extends Error {
    name = "UnwrapError";
    /** Key path of the wrapper whose unwrap failed (`[]` for the root). */
    path;
    /** Its tag. */
    tag;
    cause;
    constructor(path, tag, cause) {
        super(`unwrap: ${tag} at ${(0, keyPath_1.describePath)(path)} failed: ${causeMessage(cause)}`, { cause });
        this.path = path;
        this.tag = tag;
        this.cause = cause;
    }
}
exports.UnwrapError = UnwrapError;
// -------------------------------------------------------------------------------------
// refinements
// -------------------------------------------------------------------------------------
/**
 * Whether `e` is an {@link UnwrapError}.
 *
 * @example
 * isUnwrapError(new UnwrapError(["a"], "Parameterize", new Error("x"))); // true
 */
function isUnwrapError(e) {
    return e instanceof UnwrapError;
}
function causeMessage(cause) {
    if (cause instanceof Error)
        return cause.message;
    try {
        return String(cause);
    }
    catch {
        return "(an unprintable value)";
    }
}
