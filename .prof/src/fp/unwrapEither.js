"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.unwrapEither = unwrapEither;
/**
 * `unwrap` with its failures as values: `Either<UnwrapError, Unwrapped<T>>` instead of a throw,
 * so that it sits in the middle of a `pipe` (after a decode, before a loss) without an exception
 * escaping.
 *
 * The fold is the wrappers module's `unwrap`, unchanged: it names the failing wrapper's key path
 * and tag in an `UnwrapError`, and disposes every tensor it had created before the failure, so
 * the number of live tensors after a `Left` is what it was before the call. The input tree is
 * never touched (its tensors stay the caller's).
 *
 * @module
 */
const E = __importStar(require("fp-ts/Either"));
const unwrap_1 = require("../wrappers/unwrap");
const unwrapError_1 = require("../wrappers/unwrapError");
// -------------------------------------------------------------------------------------
// folding
// -------------------------------------------------------------------------------------
/**
 * `unwrap` returning an `Either` instead of throwing when a wrapper's unwrap fails (for example
 * `Parameterize(invSoftplus, tf.scalar(-1))`, or a shape error inside a `Parameterize`): `Right`
 * of the unwrapped tree, or `Left` of the `UnwrapError` (key path, tag, cause) of the first
 * wrapper, in post-order, whose unwrap threw. Errors that are not a wrapper failing (a cyclic
 * tree) are bugs and are still thrown. `options` as `unwrap`'s.
 *
 * @example
 * import * as E from "fp-ts/Either";
 * import { pipe } from "fp-ts/function";
 * const model = { w: tf.ones([2, 3]), scale: Parameterize(tf.add, tf.ones([2]), tf.ones([4])) };
 * pipe(
 *   unwrapEither(model),
 *   E.match(
 *     (e) => `${keystr(e.path)} (${e.tag}): ${String(e.cause)}`, // ".scale (Parameterize): Error: Operands could not be broadcast ..."
 *     () => "ok",
 *   ),
 * );
 * const registry = registerWrapper(defaultRegistry, {
 *   tag: "Positive",
 *   children: ["value"],
 *   unwrap: ({ value }: { value: number }) => {
 *     if (value <= 0) throw new RangeError(`expected a positive number, got ${value}`);
 *     return value;
 *   },
 * });
 * const result = unwrapEither({ a: [{ _tag: "Positive", value: -1 }] }, { registry });
 * E.isLeft(result) && result.left.message; // "unwrap: Positive at .a[0] failed: expected a positive number, got -1"
 */
function unwrapEither(tree, options) {
    try {
        return E.right((0, unwrap_1.unwrap)(tree, options));
    }
    catch (e) {
        if ((0, unwrapError_1.isUnwrapError)(e))
            return E.left(e);
        throw e;
    }
}
