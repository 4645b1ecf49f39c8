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
exports.initBackend = initBackend;
/**
 * What tfjs needs before paramtree's tensors can run.
 *
 * `@tensorflow/tfjs-core` on its own registers no gradient functions and no chained tensor
 * methods in Node, so `tf.grad` fails with "gradient function not found". The umbrella
 * `@tensorflow/tfjs` package registers every gradient that core defines (and the CPU backend),
 * and it shares the single tfjs-core engine with us, so importing it here makes gradients work
 * for every paramtree user, in plain Node as well as in bundlers, without us maintaining copies
 * of tfjs's gradient definitions.
 *
 * @module
 */
const tf = __importStar(require("@tensorflow/tfjs-core"));
require("@tensorflow/tfjs");
require("@tensorflow/tfjs-backend-wasm");
const knownBackends = ["wasm", "cpu"];
/**
 * Starts a tfjs backend and makes it the current one: `"wasm"` by default, or `"cpu"`.
 *
 * tfjs's `setBackend` resolves `false` on failure and leaves `getBackend()` naming the backend
 * anyway; this function checks the result and rejects with an Error that names the backend, so a
 * failed start is never silent. Calling it again with the same name is harmless.
 *
 * @example
 * import { initBackend } from "paramtree";
 * await initBackend();        // WASM
 * await initBackend("cpu");   // switch to the pure-JS CPU backend
 */
async function initBackend(name = "wasm") {
    if (!knownBackends.includes(name)) {
        throw new Error(`initBackend: unknown backend ${JSON.stringify(name)}; expected one of ${knownBackends
            .map((b) => JSON.stringify(b))
            .join(", ")}`);
    }
    let started;
    try {
        started = await tf.setBackend(name);
        await tf.ready();
    }
    catch (cause) {
        throw new Error(`initBackend: the tfjs backend "${name}" failed to start: ${String(cause)}`, {
            cause,
        });
    }
    if (!started || tf.getBackend() !== name) {
        throw new Error(`initBackend: the tfjs backend "${name}" failed to start (tf.setBackend resolved false)`);
    }
}
