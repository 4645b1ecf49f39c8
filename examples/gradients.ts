/**
 * Gradients through wrappers, in plain Node.
 *
 * A positive parameter stored as `Parameterize(tf.softplus, raw)` next to a frozen factor
 * `NonTrainable(c)`. The loss `L = c * sum(softplus(raw)^2)` has the gradient
 * `dL/draw = 2 c softplus(raw) sigmoid(raw)` at the raw values, and exactly zero at the frozen one.
 *
 * Run: `npx tsc -p tsconfig.examples.json && node dist-examples/examples/gradients.js`
 * (a test does exactly this, with no jest in between, and checks the printed numbers).
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend";
import { disposeTree, valueAndGrad } from "../src/train";
import { NonTrainable, Parameterize, unwrap } from "../src/wrappers";

/** What the example computes, as plain numbers. */
export interface GradientsResult {
  readonly backend: string;
  readonly raw: number[];
  readonly c: number;
  readonly loss: number;
  readonly gradRaw: number[];
  readonly gradFrozen: number;
  /** Tensors alive after the example minus before it: 0 when nothing leaked. */
  readonly leaked: number;
}

export async function main(options: { quick?: boolean } = {}): Promise<GradientsResult> {
  void options; // the example is already short
  await initBackend();
  const before = tf.memory().numTensors;
  const raw = [-1, 0, 2];
  const c = 3;
  const params = { sigma: Parameterize(tf.softplus, tf.tensor1d(raw)), c: NonTrainable(tf.scalar(c)) };

  const { value, grads } = valueAndGrad((p: typeof params) => {
    const u = unwrap(p);
    return tf.mul(u.c, tf.sum(tf.square(u.sigma)));
  })(params);

  const result = {
    backend: tf.getBackend(),
    raw,
    c,
    loss: value.dataSync()[0] as number,
    gradRaw: Array.from(grads.sigma.args[0].dataSync()),
    gradFrozen: grads.c.tree.dataSync()[0] as number,
  };
  disposeTree([params, grads, value]);
  return { ...result, leaked: tf.memory().numTensors - before };
}

if (require.main === module) {
  main().then(
    (result) => {
      console.log(`backend ${result.backend}: L = ${result.loss.toFixed(6)}`);
      console.log(`dL/draw    = [${result.gradRaw.map((g) => g.toFixed(6)).join(", ")}]`);
      console.log(`dL/dfrozen = ${result.gradFrozen}`);
      console.log(JSON.stringify(result));
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
