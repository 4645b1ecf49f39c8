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
exports.unwrapTree = unwrapTree;
/**
 * The fold behind `unwrap`: the engine's rebuild with one hook, each registered wrapper replaced
 * by its own unwrap of the rebuilt record (paramax's `unwrap`, over a given registry).
 *
 * Memory: one tfjs engine scope covers the call; every tensor made inside it is disposed at the
 * end except the tensors of the result (found through arrays and plain objects, as `tf.tidy` finds
 * them), which move to the enclosing `tf.tidy`, if any.
 *
 * @internal
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
const options_1 = require("../core/options");
const rebuildPass_1 = require("../core/rebuildPass");
const values_1 = require("../tensor/values");
const spec_1 = require("./spec");
const unwrapError_1 = require("./unwrapError");
/** `tree` with every wrapper of `options.registry` unwrapped, innermost first. */
function unwrapTree(tree, options) {
    const cursor = new rebuildPass_1.Cursor();
    const record = (node, meta) => {
        const spec = meta.spec;
        if (!(0, spec_1.isWrapperSpec)(spec))
            return node;
        try {
            const out = spec.unwrap(node);
            // A cyclic result fails here, where the wrapper that made it can be named.
            if (out !== null && typeof out === "object" && !(out instanceof tf.Tensor))
                (0, values_1.tensorsIn)(out);
            return out;
        }
        catch (cause) {
            throw new unwrapError_1.UnwrapError(cursor.path(), spec.tag, cause);
        }
    };
    const engine = tf.engine();
    engine.startScope("unwrap");
    const scope = engine.state.activeScope;
    let out;
    try {
        out = (0, rebuildPass_1.rebuildPass)(tree, (0, options_1.resolveOptions)(options), { leaf: (x) => x, record, share: true }, cursor);
    }
    catch (e) {
        engine.endScope();
        throw e;
    }
    let keep;
    try {
        keep = (0, values_1.tensorsIn)(out);
    }
    catch (e) {
        engine.endScope();
        throw e;
    }
    endScope(engine, scope, keep);
    return out;
}
/**
 * Ends `scope`, the engine scope `unwrapCore` started, keeping the tensors `keep`: what
 * `engine.endScope(keep)` does, step for step (tfjs 4.x): every tensor made in the scope that is
 * neither `tf.keep`-ed nor in `keep` is disposed, the scope is popped, and the tensors of `keep`
 * made in it move to the enclosing scope (the user's `tf.tidy`), if any.
 *
 * Why not tfjs's own: it takes any container, so it walks `keep` with a `for...in` and a Set of
 * visited values, then builds a Set of their ids; for 1,000 small wrappers that cost about as much
 * as the fold itself (~15% of 1,000 `tf.exp` of scalars on the "cpu" backend, ~7% on "wasm").
 * This uses only fields the engine's type declarations make public (`state.activeScope`,
 * `state.scopeStack`, a scope's `track` and `id`, a tensor's `kept` and `scopeId`). When `scope`
 * is not the active one (a wrapper left a scope of its own open), tfjs's `endScope` runs instead,
 * as before.
 */
function endScope(engine, scope, keep) {
    const state = engine.state;
    const stack = state.scopeStack;
    // tfjs 4.x's engine, as the peer range says; anything unexpected goes to tfjs's own endScope.
    if (!Array.isArray(stack) ||
        !Array.isArray(scope?.track) ||
        state.activeScope !== scope ||
        stack[stack.length - 1] !== scope) {
        engine.endScope(keep);
        return;
    }
    const track = scope.track;
    // `track` lists the scope's tensors in creation order, and `keep` usually lists the same ones in
    // the same order (the wrappers' results, in post-order): walk both, and look a tensor up in a
    // Set only where they differ (a temporary, or a result that was not made in this scope).
    let j = 0;
    let kept;
    for (let i = 0; i < track.length; i++) {
        const t = track[i];
        if (t.kept)
            continue;
        if (j < keep.length && keep[j] === t)
            j++;
        else if (!(kept ??= new Set(keep)).has(t))
            t.dispose();
    }
    stack.pop();
    const parent = stack.length === 0 ? null : stack[stack.length - 1];
    state.activeScope = parent; // null at the top level, as tfjs sets it
    if (parent === null)
        return;
    for (let i = 0; i < keep.length; i++) {
        const t = keep[i];
        // Made in this scope (and not yet moved: `keep` may hold a tensor twice): track it in the parent.
        if (!t.kept && t.scopeId === scope.id) {
            t.scopeId = parent.id;
            parent.track.push(t);
        }
    }
}
