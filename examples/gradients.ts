/**
 * Gradients through wrappers, in plain Node.
 *
 * A positive parameter stored as `Parameterize(tf.softplus, raw)` next to a frozen factor
 * `NonTrainable(c)`. The loss `L = c * sum(softplus(raw)^2)` has the gradient
 * `dL/draw = 2 c softplus(raw) sigmoid(raw)` at the raw values, and exactly zero at the frozen one.
 *
 * It then checks `tf.grad` for each op that wrappers and typical losses use against central
 * differences of the same function written in plain float64 JavaScript.
 *
 * Run: `npx tsc -p tsconfig.examples.json && node dist-examples/examples/gradients.js`
 * (a test does exactly this, with no jest in between, and checks the printed numbers).
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree, valueAndGrad } from "../src";
import { NonTrainable, Parameterize, unwrap } from "../src";

/** What the example computes, as plain numbers. */
export interface GradientsResult {
  readonly backend: string;
  readonly raw: number[];
  readonly c: number;
  readonly loss: number;
  readonly gradRaw: number[];
  readonly gradFrozen: number;
  /** For each op: the largest |tf.grad - central difference| over a few points. */
  readonly ops: Record<string, number>;
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
  return { ...result, ops: checkOps(), leaked: tf.memory().numTensors - before };
}

// -------------------------------------------------------------------------------------
// tf.grad of single ops against float64 central differences
// -------------------------------------------------------------------------------------

const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Each op as a scalar loss of a vector: the tfjs version and the same in plain JavaScript. */
const opTable: Record<string, [(x: tf.Tensor) => tf.Tensor, (x: number[]) => number]> = {
  softplus: [(x) => tf.sum(tf.softplus(x)), (x) => sum(x.map(softplus))],
  exp: [(x) => tf.sum(tf.exp(x)), (x) => sum(x.map(Math.exp))],
  log: [(x) => tf.sum(tf.log(tf.add(tf.square(x), 1))), (x) => sum(x.map((v) => Math.log(v * v + 1)))],
  sqrt: [(x) => tf.sum(tf.sqrt(tf.add(tf.square(x), 1))), (x) => sum(x.map((v) => Math.sqrt(v * v + 1)))],
  tanh: [(x) => tf.sum(tf.tanh(x)), (x) => sum(x.map(Math.tanh))],
  sigmoid: [(x) => tf.sum(tf.sigmoid(x)), (x) => sum(x.map(sigmoid))],
  relu: [(x) => tf.sum(tf.mul(tf.relu(x), x)), (x) => sum(x.map((v) => Math.max(v, 0) * v))],
  logSigmoid: [(x) => tf.sum(tf.logSigmoid(x)), (x) => sum(x.map((v) => -softplus(-v)))],
  "add/sub/mul/div": [
    (x) => tf.sum(tf.div(tf.mul(tf.sub(x, 1), tf.add(x, 2)), tf.add(tf.square(x), 3))),
    (x) => sum(x.map((v) => ((v - 1) * (v + 2)) / (v * v + 3))),
  ],
  mean: [(x) => tf.mean(tf.square(x)), (x) => sum(x.map((v) => v * v)) / x.length],
  norm: [(x) => tf.norm(x), (x) => Math.sqrt(sum(x.map((v) => v * v)))],
  matMul: [
    (x) => tf.sum(tf.matMul(tf.reshape(x, [2, 2]), tf.reshape(x, [2, 2]))),
    ([a = 0, b = 0, c = 0, d = 0]) => a * a + b * c + a * b + b * d + c * a + d * c + c * b + d * d,
  ],
};

function sum(xs: readonly number[]): number {
  return xs.reduce((s, v) => s + v, 0);
}

function checkOps(): Record<string, number> {
  const x0 = [-1.3, -0.2, 0.45, 1.7];
  const eps = 1e-5;
  const out: Record<string, number> = {};
  for (const [name, [loss, reference]] of Object.entries(opTable)) {
    const got = tf.tidy(() => Array.from(tf.grad(loss)(tf.tensor1d(x0)).dataSync()));
    let worst = 0;
    x0.forEach((_, i) => {
      const up = x0.map((v, j) => (j === i ? v + eps : v));
      const down = x0.map((v, j) => (j === i ? v - eps : v));
      const want = (reference(up) - reference(down)) / (2 * eps);
      worst = Math.max(worst, Math.abs((got[i] as number) - want));
    });
    out[name] = worst;
  }
  return out;
}

if (require.main === module) {
  main().then(
    (result) => {
      console.log(`backend ${result.backend}: L = ${result.loss.toFixed(6)}`);
      console.log(`dL/draw    = [${result.gradRaw.map((g) => g.toFixed(6)).join(", ")}]`);
      console.log(`dL/dfrozen = ${result.gradFrozen}`);
      for (const [op, error] of Object.entries(result.ops)) {
        console.log(
          `tf.grad ${op.padEnd(16)} max |error| vs float64 central differences: ${error.toExponential(1)}`,
        );
      }
      console.log(JSON.stringify(result));
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
