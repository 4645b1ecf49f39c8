/**
 * Constraints you initialise with the value you mean, trained, set, saved and loaded.
 *
 * Each parameter is built by a constraint constructor from the (constrained) value you mean; it is
 * stored unconstrained, so a plain optimiser can move it anywhere and the model still only sees
 * valid values:
 *
 * - `scale = positive(1)`: the mean of an exponential distribution, fitted by maximum likelihood
 *   (the answer is the sample mean, 2.5);
 * - `rate = bounded(0.5, 0, 1)`: a Bernoulli probability, fitted to 3 successes in 10 (0.3);
 * - `weights = simplex([1/3, 1/3, 1/3])`: mixture weights fitted to category frequencies
 *   (0.2, 0.5, 0.3);
 * - `factor = cholesky(I)`: a Cholesky factor fitted so that `L Lᵀ` is `[[4, 2], [2, 3]]` (the
 *   answer is `[[2, 0], [1, √2]]`).
 *
 * Then `treeAssign` sets the rate to 0.9 (through its wrapper: the result is still bounded), and
 * the model is saved with `saveTree` and loaded back with `loadTree`.
 *
 * Run: `npm run example:constraints`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { initBackend } from "../src/index.node";
import { bounded, cholesky, positive, simplex } from "../src/index.node";
import { disposeTree, loadTree, saveTree, treeAssign, treeOptimizer, unwrap } from "../src/index.node";

/** Samples of an exponential distribution (mean 2.5). */
export const SAMPLES = [1, 4, 2.5, 0.5, 4.5];
/** Bernoulli trials: 3 successes in 10. */
export const TRIALS = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0];
/** Category frequencies for the mixture weights. */
export const FREQUENCIES = [0.2, 0.5, 0.3];
/** The covariance the Cholesky factor is fitted to. */
export const TARGET_COVARIANCE = [
  [4, 2],
  [2, 3],
];

export interface ConstraintsResult {
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly scale: number;
  readonly rate: number;
  readonly weights: number[];
  readonly factor: number[][];
  /** The smallest scale and the rates seen during training (all inside their constraints). */
  readonly minScaleSeen: number;
  readonly rateRangeSeen: [number, number];
  /** The rate after `treeAssign(m => m.rate, model, 0.9)`, and after saving and loading. */
  readonly assignedRate: number;
  readonly loadedRate: number;
  /** Whether the loaded model unwraps to the same values as the saved one. */
  readonly loadedEqual: boolean;
}

export async function main(options: { readonly quick?: boolean } = {}): Promise<ConstraintsResult> {
  await initBackend();
  const model = {
    scale: positive(1),
    rate: bounded(0.5, 0, 1),
    weights: simplex([1 / 3, 1 / 3, 1 / 3]),
    factor: cholesky([
      [1, 0],
      [0, 1],
    ]),
  };
  const samples = tf.tensor1d(SAMPLES);
  const trials = tf.tensor1d(TRIALS);
  const frequencies = tf.tensor1d(FREQUENCIES);
  const target = tf.tensor2d(TARGET_COVARIANCE);
  let minScaleSeen = Infinity;
  const rateRangeSeen: [number, number] = [Infinity, -Infinity];

  const loss = (m: typeof model): tf.Scalar => {
    const { scale, rate, weights, factor } = unwrap(m);
    minScaleSeen = Math.min(minScaleSeen, scale.dataSync()[0]!);
    const r = rate.dataSync()[0]!;
    rateRangeSeen[0] = Math.min(rateRangeSeen[0], r);
    rateRangeSeen[1] = Math.max(rateRangeSeen[1], r);
    // Exponential with mean `scale`: log(scale) + x / scale per sample.
    const exponential = tf.add(tf.log(scale), tf.div(tf.mean(samples), scale));
    // Bernoulli: -(k log r + (n - k) log(1 - r)) / n.
    const bernoulli = tf.neg(
      tf.mean(tf.add(tf.mul(trials, tf.log(rate)), tf.mul(tf.sub(1, trials), tf.log1p(tf.neg(rate))))),
    );
    // Categorical cross-entropy of the frequencies.
    const categorical = tf.neg(tf.sum(tf.mul(frequencies, tf.log(weights))));
    const covariance = tf.sum(tf.square(tf.sub(tf.matMul(factor, factor, false, true), target)));
    return tf.addN([exponential, bernoulli, categorical, covariance]) as tf.Scalar;
  };

  const optimizer = treeOptimizer(model, tf.train.adam(0.05));
  const steps = options.quick === true ? 800 : 2000;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(optimizer.step(loss));
  const trained = optimizer.snapshot();
  optimizer.dispose();
  disposeTree(model);

  const read = (m: typeof model) =>
    tf.tidy(() => {
      const u = unwrap(m);
      return {
        scale: u.scale.dataSync()[0]!,
        rate: u.rate.dataSync()[0]!,
        weights: Array.from(u.weights.dataSync()),
        factor: u.factor.arraySync() as number[][],
      };
    });
  const fitted = read(trained);

  // Set the rate to the value we mean, through its wrapper (the raw leaf becomes logit(0.9)).
  const assigned = treeAssign((m) => m.rate, trained, 0.9);
  const afterAssign = read(assigned);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-constraints-"));
  let loadedRate: number;
  let loadedEqual: boolean;
  try {
    const file = path.join(dir, "model.json");
    await saveTree(file, assigned);
    const loaded = await loadTree(file);
    if (E.isLeft(loaded)) throw new Error("loadTree failed");
    const back = read(loaded.right as typeof model);
    loadedRate = back.rate;
    loadedEqual = JSON.stringify(back) === JSON.stringify(afterAssign);
    disposeTree(loaded.right);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  tf.dispose([samples, trials, frequencies, target, assigned.rate.args[0]]);
  disposeTree(trained);
  return {
    lossBefore: losses[0]!,
    lossAfter: losses[losses.length - 1]!,
    ...fitted,
    minScaleSeen,
    rateRangeSeen,
    assignedRate: afterAssign.rate,
    loadedRate,
    loadedEqual,
  };
}

if (require.main === module) {
  main({ quick: process.argv.includes("--quick") }).then(
    (r) => {
      const fmt = (m: number[][]): string =>
        m.map((row) => row.map((v) => v.toFixed(3)).join(" ")).join(" | ");
      console.log(`loss ${r.lossBefore.toFixed(4)} -> ${r.lossAfter.toFixed(4)}`);
      console.log(
        `scale   = ${r.scale.toFixed(4)} (MLE: the sample mean 2.5), never below ${r.minScaleSeen.toFixed(4)}`,
      );
      console.log(
        `rate    = ${r.rate.toFixed(4)} (MLE 0.3), seen in [${r.rateRangeSeen.map((x) => x.toFixed(4)).join(", ")}]`,
      );
      console.log(`weights = ${r.weights.map((x) => x.toFixed(3)).join(" ")} (frequencies 0.2 0.5 0.3)`);
      console.log(`factor  = ${fmt(r.factor)} (expected 2 0 | 1 1.414)`);
      console.log(
        `treeAssign rate 0.9 -> ${r.assignedRate.toFixed(4)}; saved and loaded: ${r.loadedRate.toFixed(4)}`,
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
