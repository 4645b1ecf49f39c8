/**
 * A tfjs `LayersModel`, trained the paramtree way: its weights become a tree, a wrapper says how
 * one of them is produced, a functional loop trains the tree, and the trained weights go back into
 * the model, which then predicts as usual.
 *
 * The first Dense kernel is weight-normalised. tfjs stores a Dense kernel as `[inputs, units]` and
 * `WeightNormalization` normalises over the last axis (rows, paramax's `[out, in]` convention), so
 * the kernel is wrapped transposed: `Parameterize(tf.transpose, WeightNormalization(kernelᵀ))`
 * unwraps to a kernel whose every unit (column) has a learned norm.
 *
 * Run: `npm run example:layersModel`. In your own project every name below comes from
 * `"paramtree"`.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src";
import { disposeTree, treeOptimizer } from "../src";
import { layersModelTree, setLayersModelWeights } from "../src";
import { Parameterize, WeightNormalization, unwrap } from "../src";

/** What the example computed (the tests check it against a forward pass in plain JavaScript). */
export interface LayersModelResult {
  readonly names: string[];
  readonly lossBefore: number;
  readonly lossAfter: number;
  /** `model.predict` on `PROBE` after the weights were written back. */
  readonly predicted: number[];
  /** The weights read back from the model. */
  readonly hiddenKernel: number[][];
  readonly hiddenBias: number[];
  readonly outKernel: number[][];
  readonly outBias: number[];
  /** The norm of each column of the hidden kernel, and the trained scale of each (equal). */
  readonly columnNorms: number[];
  readonly scales: number[];
}

/** Data: y = sin(2 x₀) + x₁ / 2 on a fixed grid. */
export const XS: number[][] = Array.from({ length: 32 }, (_, i) => [
  (i % 8) / 4 - 1,
  Math.floor(i / 8) / 2 - 0.75,
]);
export const YS: number[] = XS.map(([a, b]) => Math.sin(2 * (a as number)) + (b as number) / 2);
export const PROBE: number[][] = [
  [0.3, -0.2],
  [-0.8, 0.5],
];

export async function main(options: { quick?: boolean } = {}): Promise<LayersModelResult> {
  await initBackend();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 8,
        inputShape: [2],
        activation: "tanh",
        name: "hidden",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.dense({
        units: 1,
        name: "out",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });

  // 1. The model's weights as a tree: { hidden: { kernel, bias }, out: { kernel, bias } }.
  const weights = layersModelTree(model) as Record<string, Record<string, tf.Tensor>>;
  const names = Object.entries(weights).flatMap(([layer, ws]) => Object.keys(ws).map((w) => `${layer}/${w}`));

  // 2. Wrap the hidden kernel: weight-normalised per unit (see the header for the transposes).
  const kernelT = tf.transpose(weights.hidden!.kernel!);
  const params = {
    hidden: { kernel: Parameterize(tf.transpose, WeightNormalization(kernelT)), bias: weights.hidden!.bias! },
    out: { kernel: weights.out!.kernel!, bias: weights.out!.bias! },
  };
  weights.hidden!.kernel!.dispose(); // params holds its transpose (disposed with params at the end)

  // 3. Train the tree functionally: the loss sees plain tensors through unwrap.
  const x = tf.tensor2d(XS);
  const y = tf.tensor2d(YS, [YS.length, 1]);
  type Params = typeof params;
  const forward = (
    p: { hidden: { kernel: tf.Tensor; bias: tf.Tensor }; out: { kernel: tf.Tensor; bias: tf.Tensor } },
    input: tf.Tensor,
  ) =>
    tf.add(
      tf.matMul(tf.tanh(tf.add(tf.matMul(input, p.hidden.kernel), p.hidden.bias)), p.out.kernel),
      p.out.bias,
    );
  const loss = (p: Params): tf.Scalar => tf.losses.meanSquaredError(y, forward(unwrap(p), x)) as tf.Scalar;
  const lossBefore = tf.tidy(() => loss(params).dataSync()[0] as number);
  const opt = treeOptimizer(params, tf.train.adam(0.05));
  for (let i = 0; i < (options.quick ? 150 : 1500); i++) opt.step(loss);
  const trained = opt.params;
  const lossAfter = tf.tidy(() => loss(trained).dataSync()[0] as number);

  // 4. Write the trained, unwrapped tree back and use the model as tfjs users do.
  const plain = unwrap(trained);
  setLayersModelWeights(model, plain);
  const probe = tf.tensor2d(PROBE);
  const out = model.predict(probe) as tf.Tensor;
  const predicted = Array.from(out.dataSync());
  const back = layersModelTree(model) as Record<string, Record<string, tf.Tensor>>;
  const hiddenKernel = back.hidden!.kernel!.arraySync() as number[][];
  const columnNorms = tf.tidy(() => Array.from(tf.norm(back.hidden!.kernel!, "euclidean", 0).dataSync()));
  const scales = tf.tidy(() => Array.from(unwrap(trained.hidden.kernel.args[0].scale).dataSync()));
  const result: LayersModelResult = {
    names,
    lossBefore,
    lossAfter,
    predicted,
    hiddenKernel,
    hiddenBias: Array.from(back.hidden!.bias!.dataSync()),
    outKernel: back.out!.kernel!.arraySync() as number[][],
    outBias: Array.from(back.out!.bias!.dataSync()),
    columnNorms,
    scales,
  };
  console.log(`weights: ${names.join(", ")}`);
  console.log(
    `loss ${lossBefore.toFixed(4)} -> ${lossAfter.toFixed(4)}; model.predict(${JSON.stringify(PROBE)}) = ${predicted.map((v) => v.toFixed(4)).join(", ")}`,
  );

  tf.dispose([x, y, probe, out]);
  // plain's unwrapped kernel is new; its other leaves are the optimiser's variables.
  disposeTree([plain.hidden.kernel, back, params]);
  opt.dispose();
  model.dispose();
  return result;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
