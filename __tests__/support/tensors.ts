/**
 * Shared set-up for test files that create tensors: start the backend once, and after every test
 * check that `tf.memory().numTensors` is back where it was before it.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, type BackendName } from "../../src/backend";

export function useBackendAndCheckLeaks(backend: BackendName = "wasm"): void {
  let before = 0;
  beforeAll(async () => {
    await initBackend(backend);
  });
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });
}
