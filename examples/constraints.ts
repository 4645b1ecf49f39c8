/**
 * Constraints as wrappers: positivity, masks and triangular matrices, all in one tree.
 *
 * Each constrained parameter is stored unconstrained and computed by `Parameterize(fn, ...args)`
 * on unwrap, so a plain optimiser can move it anywhere and the model still only sees valid values:
 *
 * - `rate`: positive, `Parameterize(tf.exp, logRate)`; fitted by maximum likelihood to samples of
 *   an exponential distribution (the answer is `1 / mean`).
 * - `masked`: a weight matrix with a fixed sparsity pattern (MADE-style autoregressive mask),
 *   `Parameterize(tf.mul, raw, NonTrainable(mask))`: masked entries are exactly zero, get zero
 *   gradient, and the mask itself is frozen.
 * - `cholesky`: a lower-triangular matrix with a positive diagonal, `Parameterize(lowerTriangular,
 *   raw)`; fitted so that `L Lᵀ` equals a target covariance (the answer is its Cholesky factor).
 *
 * Run: `npm run example:constraints`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree, partitionTrainable, treeOptimizer } from "../src";
import { keystr, treeFlattenWithPath } from "../src";
import { NonTrainable, Parameterize, unwrap } from "../src";

/**
 * A lower-triangular matrix with a positive diagonal from an unconstrained square matrix: the
 * strict lower part is kept, the diagonal goes through softplus, the upper part is dropped.
 */
export function lowerTriangular(raw: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = raw.shape[0];
    const eye = tf.eye(n);
    // A constant 0/1 mask rather than tf.linalg.bandPart, whose gradient fails in tfjs 4.22.
    const below = tf.tensor2d(
      Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j < i ? 1 : 0))),
    );
    const strictLower = tf.mul(raw, below);
    const diagonal = tf.softplus(tf.sum(tf.mul(raw, eye), 1));
    return tf.add<tf.Tensor2D>(strictLower, tf.mul(eye, diagonal));
  });
}

/** The autoregressive mask of a 3x3 layer: output i may only see inputs j < i. */
export const MASK = [
  [0, 0, 0],
  [1, 0, 0],
  [1, 1, 0],
];
/** The covariance `L Lᵀ` should reach; its Cholesky factor is [[2, 0], [1, √2]]. */
export const TARGET_COVARIANCE = [
  [4, 2],
  [2, 3],
];
/** Samples of an exponential distribution (mean 0.5, so the fitted rate is 2). */
export const SAMPLES = [0.1, 0.9, 0.4, 0.6, 0.25, 0.75, 0.3, 0.7];
/** What the masked layer should map `INPUT` to (reachable: it only uses allowed weights). */
export const INPUT = [1, 2, 3];
export const OUTPUT = [0, 0.5, -1.5];

/** What the example computed, as plain arrays (the tests check them). */
export interface ConstraintsResult {
  readonly trainable: string[];
  readonly frozen: string[];
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly rate: number;
  readonly masked: number[][];
  readonly maskedRawBefore: number[][];
  readonly maskedRawAfter: number[][];
  readonly cholesky: number[][];
  readonly minRateSeen: number;
}

export async function main(options: { quick?: boolean } = {}): Promise<ConstraintsResult> {
  await initBackend();

  const model = {
    rate: Parameterize(tf.exp, tf.scalar(0)), // rate = e^0 = 1 to start
    masked: Parameterize(tf.mul, tf.fill([3, 3], 0.5), NonTrainable(tf.tensor2d(MASK))),
    cholesky: Parameterize(
      lowerTriangular,
      tf.tensor2d([
        [0, 0.3],
        [0.1, 0],
      ]),
    ),
  };
  const maskedRawBefore = (model.masked.args[0] as tf.Tensor2D).arraySync();

  // What an optimiser sees: every raw tensor except the frozen mask.
  const [trainablePart, frozenPart] = partitionTrainable(model);
  const named = (tree: unknown): string[] =>
    treeFlattenWithPath(tree)[0]
      .filter(([, leaf]) => leaf !== null)
      .map(([path]) => keystr(path));
  const trainable = named(trainablePart);
  const frozen = named(frozenPart);

  const samples = tf.tensor1d(SAMPLES);
  const input = tf.tensor1d(INPUT);
  const output = tf.tensor1d(OUTPUT);
  const target = tf.tensor2d(TARGET_COVARIANCE);
  let minRateSeen = Infinity;
  const loss = (m: typeof model): tf.Scalar => {
    const { rate, masked, cholesky } = unwrap(m);
    minRateSeen = Math.min(minRateSeen, rate.dataSync()[0]!);
    // Exponential negative log-likelihood per sample: rate * x - log(rate).
    const nll = tf.sub(tf.mul(rate, tf.mean(samples)), tf.log(rate));
    const fit = tf.sum(tf.square(tf.sub(tf.squeeze(tf.matMul(masked, tf.reshape(input, [3, 1]))), output)));
    const cov = tf.sum(tf.square(tf.sub(tf.matMul(cholesky, cholesky, false, true), target)));
    return tf.addN([nll, fit, cov]) as tf.Scalar;
  };

  const optimizer = treeOptimizer(model, tf.train.adam(0.05));
  const steps = options.quick === true ? 600 : 2000;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(optimizer.step(loss));

  const fitted = unwrap(optimizer.params);
  const result: ConstraintsResult = {
    trainable,
    frozen,
    lossBefore: losses[0]!,
    lossAfter: losses[losses.length - 1]!,
    rate: fitted.rate.dataSync()[0]!,
    masked: fitted.masked.arraySync() as number[][],
    maskedRawBefore,
    maskedRawAfter: (optimizer.params.masked.args[0] as tf.Tensor2D).arraySync(),
    cholesky: fitted.cholesky.arraySync(),
    minRateSeen,
  };
  tf.dispose([fitted.rate, fitted.masked, fitted.cholesky, samples, input, output, target]);
  optimizer.dispose();
  disposeTree(model);
  return result;
}

if (require.main === module) {
  main({ quick: process.argv.includes("--quick") }).then(
    (r) => {
      const fmt = (m: number[][]): string =>
        m.map((row) => row.map((v) => v.toFixed(3)).join(" ")).join(" | ");
      console.log(`trained: ${r.trainable.join(", ")}; frozen: ${r.frozen.join(", ")}`);
      console.log(`loss ${r.lossBefore.toFixed(4)} -> ${r.lossAfter.toFixed(4)}`);
      console.log(
        `rate     = ${r.rate.toFixed(4)} (MLE 1/mean = 2), never below ${r.minRateSeen.toFixed(4)}`,
      );
      console.log(`masked   = ${fmt(r.masked)} (zeros where the mask is 0)`);
      console.log(`cholesky = ${fmt(r.cholesky)} (expected 2 0 | 1 1.414)`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
