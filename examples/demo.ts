/**
 * The paramtree demo: train a small model that is a tree of wrappers, on the WASM backend.
 *
 * A 2-layer tanh network whose two weight matrices are `WeightNormalization`s is fit to noisy
 * samples of a 1-D function by maximum likelihood under a Gaussian noise model. The noise scale is
 * a positive parameter, `Parameterize(tf.softplus, raw)`, learned with the rest; the input
 * normalisation (mean and standard deviation of the training inputs) is `NonTrainable`, so it is
 * used in every forward pass but never trained. `partitionTrainable` decides what Adam sees,
 * `treeOptimizer` runs Adam over the trainable leaves, and the script draws the loss curve and the
 * fit with asciichart.
 *
 * Run: `npm run demo` (or `npm run demo -- --quick` for a short run; `--lr=0` shows the failure
 * path). Exits with status 1 when training did not reduce the loss.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as asciichart from "asciichart";
import { Presets, SingleBar } from "cli-progress";
import { initBackend } from "../src";
import { disposeTree, isTensor, partitionTrainable, treeOptimizer } from "../src";
import { treeFlattenWithPath, treeLeaves } from "../src";
import { treeFormat } from "../src";
import { keystr } from "../src";
import { NonTrainable, Parameterize, WeightNormalization, invSoftplus, unwrap, type Unwrapped } from "../src";

// -------------------------------------------------------------------------------------
// data
// -------------------------------------------------------------------------------------

/** The function the network learns. */
const truth = (x: number): number => Math.sin(1.5 * x) + 0.3 * x;

/** Adam's step size. */
const LEARNING_RATE = 0.01;

/** The true noise scale of the samples; the model has to find it. */
const SIGMA_TRUE = 0.25;

/** mulberry32: a small seeded generator, so every run (and every test) sees the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box-Muller). */
function normal(uniform: () => number): number {
  const u = Math.max(uniform(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
}

function makeData(n: number, uniform: () => number): { xs: number[]; ys: number[] } {
  // Inputs are deliberately off-centre and wide: the frozen normalisation has work to do.
  const xs = Array.from({ length: n }, () => 2 + 6 * uniform() - 3);
  const ys = xs.map((x) => truth(x - 2) + SIGMA_TRUE * normal(uniform));
  return { xs, ys };
}

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Rows scaled to unit norm: `WeightNormalization` then starts exactly at these weights. */
function unitRows(rows: number, cols: number, uniform: () => number): tf.Tensor2D {
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, () => normal(uniform));
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
    values.push(...row.map((v) => v / norm));
  }
  return tf.tensor2d(values, [rows, cols]);
}

function makeModel(xs: readonly number[], hidden: number, uniform: () => number) {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return {
    norm: NonTrainable({ mean: tf.scalar(mean), std: tf.scalar(std) }),
    hidden: {
      // [out, in], normalised over `in` (paramax's convention); with one input each row is a
      // single weight, so the layer learns each unit's slope as scale * sign.
      weight: WeightNormalization(
        tf.tensor2d(
          Array.from({ length: hidden }, () => 2 * normal(uniform)),
          [hidden, 1],
        ),
      ),
      bias: tf.tensor1d(Array.from({ length: hidden }, () => 4 * uniform() - 2)),
    },
    output: { weight: WeightNormalization(unitRows(1, hidden, uniform)), bias: tf.zeros([1]) },
    noise: Parameterize(tf.softplus, invSoftplus(1)), // σ = softplus(raw) starts at 1
  };
}
type Model = ReturnType<typeof makeModel>;

/**
 * The demo's data and its untrained model, as `main` makes them (seeded: the same every run).
 * The benchmark's unwrap section (`bench/unwrap.ts`) times `unwrap` of this model.
 */
export function makeDemo(samples: number): { xs: number[]; ys: number[]; model: Model } {
  const uniform = rng(2024);
  const { xs, ys } = makeData(samples, uniform);
  return { xs, ys, model: makeModel(xs, 24, uniform) };
}

/** The network's mean prediction for inputs `x` of shape [n, 1]. */
function predict(m: Unwrapped<Model>, x: tf.Tensor): tf.Tensor {
  const z = tf.div(tf.sub(x, m.norm.mean), m.norm.std);
  const h = tf.tanh(tf.add(tf.matMul(z, m.hidden.weight, false, true), m.hidden.bias));
  return tf.add(tf.matMul(h, m.output.weight, false, true), m.output.bias);
}

/** Mean Gaussian negative log-likelihood of `y` given the model: what maximum likelihood minimises. */
function nll(model: Model, x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const m = unwrap(model);
  const sigma = m.noise;
  const r = tf.div(tf.sub(y, predict(m, x)), sigma);
  return tf.add(tf.add(tf.mean(tf.mul(0.5, tf.square(r))), tf.log(sigma)), 0.5 * Math.log(2 * Math.PI));
}

// -------------------------------------------------------------------------------------
// the demo
// -------------------------------------------------------------------------------------

/** Options of {@link main}. */
export interface DemoOptions {
  /** A short run (for tests and smoke checks). */
  readonly quick?: boolean;
  /** Print nothing (no progress bar, no charts). */
  readonly silent?: boolean;
  /** Adam's step size (default 0.01); `0` shows what happens when training cannot progress. */
  readonly learningRate?: number;
}

/** What the demo returns: enough to check that it trained. */
export interface DemoResult {
  readonly steps: number;
  readonly losses: readonly number[];
  readonly initialLoss: number;
  readonly finalLoss: number;
  readonly sigmaTrue: number;
  readonly sigmaLearned: number;
  /** The standard deviation of the residuals of the fitted mean: the σ that maximises the likelihood for that mean. */
  readonly residualStd: number;
  /** The key paths of the trainable tensors and of the frozen ones. */
  readonly trainable: readonly string[];
  readonly frozen: readonly string[];
  /** The frozen normalisation is bit for bit what it was before training. */
  readonly frozenUnchanged: boolean;
  readonly seconds: number;
  /** Tensors alive after the demo minus before it: 0 when nothing leaked. */
  readonly leaked: number;
  /** Training reduced the loss. */
  readonly ok: boolean;
}

export async function main(options: DemoOptions = {}): Promise<DemoResult> {
  const quick = options.quick === true;
  const say = options.silent === true ? () => undefined : (line = "") => console.log(line);
  await initBackend("wasm");
  const before = tf.memory().numTensors;
  const started = Date.now();

  const steps = quick ? 150 : 1500;
  const { xs, ys, model } = makeDemo(quick ? 64 : 256);
  const x = tf.tensor2d(xs, [xs.length, 1]);
  const y = tf.tensor2d(ys, [ys.length, 1]);
  const normBefore = [model.norm.tree.mean.dataSync()[0], model.norm.tree.std.dataSync()[0]];

  const [trainablePart, frozenPart] = partitionTrainable(model);
  const pathsOf = (tree: unknown) =>
    treeFlattenWithPath(tree)[0]
      .filter(([, leaf]) => isTensor(leaf))
      .map(([path]) => keystr(path));
  const trainable = pathsOf(trainablePart);
  const frozen = pathsOf(frozenPart);
  const count = (tree: unknown) =>
    treeLeaves(tree).reduce((s: number, t) => s + (isTensor(t) ? t.size : 0), 0);
  say(
    `paramtree demo on tfjs-${tf.getBackend()}: ${xs.length} noisy samples of sin(1.5 (x-2)) + 0.3 (x-2), σ = ${SIGMA_TRUE}`,
  );
  say("model:");
  say(treeFormat(model, { width: 100, tensorValues: 1 }).replace(/^/gm, "  "));
  say(`trainable (${count(trainablePart)} numbers): ${trainable.join(", ")}`);
  say(`frozen    (${count(frozenPart)} numbers): ${frozen.join(", ")}`);
  say();

  const opt = treeOptimizer(model, tf.train.adam(options.learningRate ?? LEARNING_RATE));
  const losses: number[] = [];
  const bar =
    options.silent === true
      ? undefined
      : new SingleBar(
          {
            format: "training |{bar}| {value}/{total} steps | NLL {loss}",
            // In CI (no TTY) cli-progress prints a plain line every second instead of redrawing.
            noTTYOutput: true,
            notTTYSchedule: 1000,
            hideCursor: true,
          },
          Presets.shades_classic,
        );
  bar?.start(steps, 0, { loss: "-" });
  try {
    for (let step = 1; step <= steps; step++) {
      losses.push(opt.step((m) => nll(m, x, y)));
      if (step % 10 === 0 || step === steps) {
        bar?.update(step, { loss: (losses[losses.length - 1] as number).toFixed(4) });
        // Let the bar's timer run: without a TTY, cli-progress prints from that timer only.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    bar?.stop();
  }

  const trained = opt.params;
  const sigmaLearned = tf.tidy(() => unwrap(trained.noise).dataSync()[0] as number);
  const fitted = tf.tidy(() => Array.from(predict(unwrap(trained), x).dataSync()));
  const residualStd = Math.sqrt(
    ys.reduce((s, yi, i) => s + (yi - (fitted[i] as number)) ** 2, 0) / ys.length,
  );
  // The final loss of the trained parameters (the last step reported the loss before its update).
  const finalLoss = tf.tidy(() => nll(trained, x, y).dataSync()[0] as number);
  const initialLoss = losses[0] as number;

  // The fit on a grid, for the chart.
  const width = 72;
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const grid = Array.from({ length: width }, (_, i) => lo + ((hi - lo) * i) / (width - 1));
  const gridFit = tf.tidy(() =>
    Array.from(predict(unwrap(trained), tf.tensor2d(grid, [width, 1])).dataSync()),
  );
  const normAfter = [model.norm.tree.mean.dataSync()[0], model.norm.tree.std.dataSync()[0]];
  const frozenUnchanged =
    trained.norm.tree.mean === model.norm.tree.mean && normAfter.every((v, i) => Object.is(v, normBefore[i]));

  opt.dispose();
  disposeTree([model, x, y]);
  const seconds = (Date.now() - started) / 1000;
  const result: DemoResult = {
    steps,
    losses,
    initialLoss,
    finalLoss,
    sigmaTrue: SIGMA_TRUE,
    sigmaLearned,
    residualStd,
    trainable,
    frozen,
    frozenUnchanged,
    seconds,
    leaked: tf.memory().numTensors - before,
    ok: Number.isFinite(finalLoss) && finalLoss < initialLoss,
  };

  if (options.silent !== true) {
    const color = process.stdout.isTTY === true;
    const plot = (series: number[][], colors: asciichart.Color[]) =>
      asciichart.plot(series, { height: 12, padding: "        ", ...(color ? { colors } : {}) });
    say();
    say(
      `noise scale σ: learned ${sigmaLearned.toFixed(4)}, true ${SIGMA_TRUE}, residual std of the fit ${residualStd.toFixed(4)}`,
    );
    say(
      `NLL: ${initialLoss.toFixed(4)} -> ${finalLoss.toFixed(4)} in ${steps} Adam steps, ${seconds.toFixed(1)} s`,
    );
    say(
      `frozen input normalisation unchanged: ${frozenUnchanged ? "yes" : "NO"} (mean ${normAfter[0]?.toFixed(4)}, std ${normAfter[1]?.toFixed(4)})`,
    );
    say();
    say("loss (NLL) over training, steps on a log scale");
    say(plot([logSample(losses, width)], [asciichart.blue]));
    for (const line of stepAxis(steps, width, 10)) say(line);
    say();
    say(
      `fit: ${color ? "blue" : "series 1"} = truth, ${color ? "green" : "series 2"} = model mean, ${color ? "grey" : "series 3, 4"} = mean ± 2σ learned`,
    );
    say(
      plot(
        [
          grid.map((g) => truth(g - 2)),
          gridFit,
          gridFit.map((v) => v + 2 * sigmaLearned),
          gridFit.map((v) => v - 2 * sigmaLearned),
        ],
        [asciichart.blue, asciichart.green, asciichart.darkgray, asciichart.darkgray],
      ),
    );
    say(`${" ".repeat(14)}x = ${lo.toFixed(2)} ${"-".repeat(width - 22)} x = ${hi.toFixed(2)}`);
  }
  return result;
}

/** Two lines under a log-scale chart of `steps` steps: ticks at 1, 10, 100, ... and their labels. */
function stepAxis(steps: number, width: number, indent: number): [string, string] {
  const ticks = Array.from({ length: width }, () => " ");
  const labels = Array.from({ length: width + 8 }, () => " ");
  let free = 0;
  for (let s = 1; s <= steps; s *= 10) {
    const col = Math.round((Math.log(s) / Math.log(steps)) * (width - 1));
    ticks[col] = "'";
    const text = String(s);
    if (col >= free) {
      for (let j = 0; j < text.length; j++) labels[col + j] = text[j] as string;
      free = col + text.length + 1;
    }
  }
  const pad = " ".repeat(indent);
  return [pad + ticks.join("").trimEnd(), `${pad}${labels.join("").trimEnd()}  (step, log scale)`];
}

/** `n` points of `values` at indices spaced evenly on a log scale, first and last included. */
function logSample(values: readonly number[], n: number): number[] {
  const last = values.length - 1;
  return Array.from(
    { length: n },
    (_, i) => values[Math.round(Math.expm1((i / (n - 1)) * Math.log1p(last)))] as number,
  );
}

if (require.main === module) {
  const lr = process.argv.find((a) => a.startsWith("--lr="));
  main({
    quick: process.argv.includes("--quick"),
    ...(lr === undefined ? {} : { learningRate: Number(lr.slice(5)) }),
  }).then(
    (result) => {
      if (!result.ok) {
        console.error(
          `demo: training did not reduce the loss (${result.initialLoss} -> ${result.finalLoss})`,
        );
        process.exitCode = 1;
      }
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
