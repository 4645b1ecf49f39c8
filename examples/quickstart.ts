/**
 * Quickstart: a model is a tree, a wrapper says how a parameter is produced, `unwrap` computes it.
 *
 * We fit `y = w x + b` with a Gaussian noise scale `sigma` by maximum likelihood. `sigma` must be
 * positive, so it is stored as `Parameterize(tf.softplus, raw)`: gradient descent moves the
 * unconstrained `raw`, and the model only ever sees `softplus(raw) > 0`.
 *
 * Run: `npm run example:quickstart`. In your own project every name below comes from
 * `"paramtree"`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree, treeOptimizer } from "../src";
import { keystr, treeFlattenWithPath } from "../src";
import { Parameterize, invSoftplus, unwrap } from "../src";

/** What the example computed, as plain numbers (the tests check them). */
export interface QuickstartResult {
  readonly paths: string[];
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly w: number;
  readonly b: number;
  readonly sigma: number;
  readonly steps: number;
}

/** Data: y = 2x + 1 plus fixed offsets (deterministic, so the answer is known). */
export const xs = [0, 1, 2, 3, 4, 5, 6, 7];
export const ys = xs.map((x, i) => 2 * x + 1 + [0.3, -0.2, 0.1, -0.4, 0.2, 0.0, -0.1, 0.1][i]!);

export async function main(options: { quick?: boolean } = {}): Promise<QuickstartResult> {
  await initBackend(); // the WASM backend

  // 1. The model: a plain object of tensors, with one wrapper.
  const model = {
    w: tf.scalar(0),
    b: tf.scalar(0),
    sigma: Parameterize(tf.softplus, invSoftplus(1)), // sigma starts at exactly 1
  };
  const paths = treeFlattenWithPath(model)[0].map(([path]) => keystr(path));

  // 2. The loss sees the unwrapped model: plain tensors, sigma already positive.
  const x = tf.tensor1d(xs);
  const y = tf.tensor1d(ys);
  const loss = (m: typeof model): tf.Scalar => {
    const { w, b, sigma } = unwrap(m);
    const residual = tf.div(tf.sub(y, tf.add(tf.mul(w, x), b)), sigma);
    return tf.add(tf.mul(0.5, tf.mean(tf.square(residual))), tf.log(sigma)); // Gaussian NLL / n
  };

  // 3. Adam on the raw (unconstrained) leaves: w, b and sigma.args[0].
  const optimizer = treeOptimizer(model, tf.train.adam(0.1));
  const steps = options.quick === true ? 500 : 2000;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(optimizer.step(loss));

  const fitted = unwrap(optimizer.params);
  const result = {
    paths,
    lossBefore: losses[0]!,
    lossAfter: losses[losses.length - 1]!,
    w: fitted.w.dataSync()[0]!,
    b: fitted.b.dataSync()[0]!,
    sigma: fitted.sigma.dataSync()[0]!,
    steps,
  };
  fitted.sigma.dispose(); // computed by unwrap: ours to free
  optimizer.dispose();
  disposeTree([model, x, y]);
  return result;
}

if (require.main === module) {
  main({ quick: process.argv.includes("--quick") }).then(
    (r) => {
      console.log(`leaves: ${r.paths.join(", ")}`);
      console.log(`loss ${r.lossBefore.toFixed(4)} -> ${r.lossAfter.toFixed(4)} in ${r.steps} steps`);
      console.log(
        `w = ${r.w.toFixed(3)}, b = ${r.b.toFixed(3)}, sigma = ${r.sigma.toFixed(3)} (> 0 by construction)`,
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
