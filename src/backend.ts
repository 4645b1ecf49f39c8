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
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

/** The backends paramtree knows how to start. */
export type BackendName = "wasm" | "cpu";

const knownBackends: readonly BackendName[] = ["wasm", "cpu"];

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
export async function initBackend(name: BackendName = "wasm"): Promise<void> {
  if (!knownBackends.includes(name)) {
    throw new Error(
      `initBackend: unknown backend ${JSON.stringify(name)}; expected one of ${knownBackends
        .map((b) => JSON.stringify(b))
        .join(", ")}`,
    );
  }
  let started: boolean;
  try {
    started = await tf.setBackend(name);
    await tf.ready();
  } catch (cause) {
    throw new Error(`initBackend: the tfjs backend "${name}" failed to start: ${String(cause)}`, {
      cause,
    });
  }
  if (!started || tf.getBackend() !== name) {
    throw new Error(`initBackend: the tfjs backend "${name}" failed to start (tf.setBackend resolved false)`);
  }
}
