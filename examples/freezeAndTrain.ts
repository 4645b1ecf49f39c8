/**
 * Freezing part of a model and training the rest.
 *
 * A "pretrained" encoder (fixed features `tanh(x W + b)`) is wrapped in `NonTrainable`, and only a
 * linear head on top of it is trained. The frozen part stays in the same tree, is used by every
 * forward pass, and yet no optimiser ever sees it: `partitionTrainable` (and `treeOptimizer`,
 * which uses it) leaves it out, and `unwrap` stops its gradient as a second line of defence.
 * Unfreezing is just rebuilding the tree without the wrapper.
 *
 * The targets are made by a known head, so the trained head must recover it.
 *
 * Run: `npm run example:freezeAndTrain`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { disposeTree, partitionTrainable, treeOptimizer } from "../src";
import { keystr, treeFlattenWithPath } from "../src";
import { NonTrainable, unwrap } from "../src";

/** The encoder's weights (1 input, 3 features), as if loaded from a checkpoint. */
export const ENCODER = { w: [[3, 1, -2]], b: [0, 1.5, 1] };
/** The head that generated the targets: `y = features · HEAD_W + HEAD_B`. */
export const HEAD_W = [1, -2, 0.5];
export const HEAD_B = 0.3;
export const XS = Array.from({ length: 24 }, (_, i) => -1.5 + (3 * i) / 23);

/** The targets, computed in plain JavaScript from the known encoder and head. */
export function targets(): number[] {
  return XS.map((x) => {
    const features = ENCODER.w[0]!.map((w, j) => Math.tanh(x * w + ENCODER.b[j]!));
    return features.reduce((s, f, j) => s + f * HEAD_W[j]!, HEAD_B);
  });
}

export interface FreezeAndTrainResult {
  readonly trainedNames: string[];
  readonly frozenPaths: string[];
  readonly unfrozenNames: string[];
  readonly lossBefore: number;
  readonly lossAfter: number;
  readonly headW: number[];
  readonly headB: number;
  readonly encoderBefore: number[][];
  readonly encoderAfter: number[][];
}

type Model = {
  encoder: NonTrainable<{ w: tf.Tensor2D; b: tf.Tensor1D }> | { w: tf.Tensor2D; b: tf.Tensor1D };
  head: { w: tf.Tensor2D; b: tf.Scalar };
};

export async function main(options: { quick?: boolean } = {}): Promise<FreezeAndTrainResult> {
  await initBackend();

  const encoder = { w: tf.tensor2d(ENCODER.w), b: tf.tensor1d(ENCODER.b) };
  const model: Model = {
    encoder: NonTrainable(encoder), // frozen
    head: { w: tf.zeros<tf.Rank.R2>([3, 1]), b: tf.scalar(0) }, // trained
  };
  const frozenPaths = treeFlattenWithPath(partitionTrainable(model)[1])[0]
    .filter(([, leaf]) => leaf !== null)
    .map(([path]) => keystr(path));

  const x = tf.tensor2d(XS, [XS.length, 1]);
  const y = tf.tensor2d(targets(), [XS.length, 1]);
  const loss = (m: Model): tf.Scalar => {
    const { encoder: enc, head } = unwrap(m);
    const features = tf.tanh(tf.add(tf.matMul(x, enc.w), enc.b));
    return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(features, head.w), head.b), y)));
  };

  const optimizer = treeOptimizer(model, tf.train.adam(0.05), { prefix: "freezeAndTrain" });
  const steps = options.quick === true ? 800 : 3000;
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(optimizer.step(loss));
  const trained = optimizer.params;
  const result = {
    trainedNames: [...optimizer.names],
    frozenPaths,
    lossBefore: losses[0]!,
    lossAfter: losses[losses.length - 1]!,
    headW: Array.from(trained.head.w.dataSync()),
    headB: trained.head.b.dataSync()[0]!,
    encoderBefore: [ENCODER.w[0]!, ENCODER.b],
    encoderAfter: [Array.from(encoder.w.dataSync()), Array.from(encoder.b.dataSync())],
  };

  // Unfreezing for fine-tuning: the same tree without the wrapper; now the encoder is trained too.
  const unfrozen: Model = { ...optimizer.snapshot(), encoder };
  const fineTune = treeOptimizer(unfrozen, tf.train.sgd(0.01), { prefix: "fineTune" });
  const unfrozenNames = [...fineTune.names];
  fineTune.dispose();
  disposeTree(unfrozen.head);

  optimizer.dispose();
  disposeTree([model, x, y]);
  return { ...result, unfrozenNames };
}

if (require.main === module) {
  main({ quick: process.argv.includes("--quick") }).then(
    (r) => {
      console.log(`frozen leaves: ${r.frozenPaths.join(", ")}`);
      console.log(`trained variables: ${r.trainedNames.join(", ")}`);
      console.log(`loss ${r.lossBefore.toExponential(3)} -> ${r.lossAfter.toExponential(3)}`);
      console.log(
        `head w = [${r.headW.map((v) => v.toFixed(3)).join(", ")}], b = ${r.headB.toFixed(3)} (truth [1, -2, 0.5], 0.3)`,
      );
      console.log(
        `encoder unchanged: ${JSON.stringify(r.encoderAfter) === JSON.stringify(r.encoderBefore.map((row) => row.map(Math.fround)))}`,
      );
      console.log(`after unfreezing, variables: ${r.unfrozenNames.join(", ")}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
