/**
 * Shared set-up for test files that create tensors: start the backend once, and after every test
 * check that `tf.memory().numTensors` is back where it was before it. `afterCheck` adds a file's
 * own check, run after the count (with `disposeVariables`, variables a test made are freed before the count).
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, type BackendName } from "../../src";

export function useBackendAndCheckLeaks(
  backend: BackendName = "wasm",
  options: { readonly disposeVariables?: boolean; readonly afterCheck?: () => void } = {},
): void {
  let before = 0;
  beforeAll(async () => {
    await initBackend(backend);
  });
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    if (options.disposeVariables === true) tf.disposeVariables();
    expect(tf.memory().numTensors).toBe(before);
    options.afterCheck?.();
  });
}
