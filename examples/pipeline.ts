/**
 * A pure fp-ts pipeline from a file on disk to a loss, or to one readable error report:
 *
 *     load (TaskEither) -> validate every leaf -> unwrap (Either) -> evaluate -> report
 *
 * The model is a linear regression with a learned noise scale, `y ~ Normal(x·w + b, sigma)`,
 * where `sigma = softplus(raw)` is stored unconstrained as `Parameterize(tf.softplus, raw)` and
 * the input normalisation is frozen in a `NonTrainable`. The example saves it to a temporary
 * directory, runs the pipeline on it (the loss is checked against plain JavaScript), then runs
 * the same pipeline on three broken files: a corrupted weights file, a model with a NaN weight,
 * and a model whose wrapper fails to unwrap. Every failure comes back as a value and is rendered
 * by `formatTreeError`; no exception escapes the `pipe`, and no tensor outlives it.
 *
 * Run: `npm run example:pipeline`.
 */
import { promises as fsp } from "fs";
import * as os from "os";
import * as nodePath from "path";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import * as N from "fp-ts/number";
import type * as Task from "fp-ts/Task";
import * as TE from "fp-ts/TaskEither";
import { initBackend } from "../src/index.node";
import { saveTree } from "../src/index.node";
import { formatTreeError, Tree as T, unwrapEither, withLoadedTree } from "../src/index.node";
import { checkLeaves } from "../src/advanced.node";
import { disposeTree } from "../src/index.node";
import { NonTrainable, Parameterize, invSoftplus } from "../src/index.node";

// -------------------------------------------------------------------------------------
// the model and the data
// -------------------------------------------------------------------------------------

/** The stored model, before unwrapping. */
export interface StoredModel {
  readonly w: tf.Tensor2D;
  readonly b: tf.Tensor1D;
  readonly sigma: Parameterize<tf.Tensor>;
  readonly norm: NonTrainable<{ readonly mean: tf.Tensor1D; readonly std: tf.Tensor1D }>;
}

/** The same model unwrapped: what the loss sees. */
export interface Model {
  readonly w: tf.Tensor2D;
  readonly b: tf.Tensor1D;
  readonly sigma: tf.Tensor;
  readonly norm: { readonly mean: tf.Tensor1D; readonly std: tf.Tensor1D };
}

/** The parameters written to disk (plain numbers, so that the test can recompute the loss). */
export const PARAMS = {
  w: [[1.5], [-0.5]],
  b: [0.25],
  sigma: 0.8,
  mean: [1, 2],
  std: [2, 4],
};

/** Inputs and targets: 2 features per point. */
export function makeData(quick: boolean): { xs: number[][]; ys: number[] } {
  const n = quick ? 8 : 64;
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [Math.sin(i) * 3 + 1, Math.cos(1.7 * i) * 4 + 2];
    xs.push(x);
    ys.push(0.7 * x[0]! - 0.2 * x[1]! + 0.1 * Math.sin(5 * i));
  }
  return { xs, ys };
}

function makeModel(): StoredModel {
  return {
    w: tf.tensor2d(PARAMS.w),
    b: tf.tensor1d(PARAMS.b),
    sigma: Parameterize(tf.softplus, invSoftplus(PARAMS.sigma)),
    norm: NonTrainable({ mean: tf.tensor1d(PARAMS.mean), std: tf.tensor1d(PARAMS.std) }),
  };
}

/** Mean Gaussian negative log-likelihood of the data under the model. */
function loss(model: Model, xs: tf.Tensor2D, ys: tf.Tensor1D): number {
  const value = tf.tidy(() => {
    const z = tf.div(tf.sub(xs, model.norm.mean), model.norm.std);
    const prediction = tf.add(tf.squeeze(tf.matMul(z, model.w), [1]), model.b);
    const r = tf.div(tf.sub(ys, prediction), model.sigma);
    const nll = tf.add(tf.add(tf.mul(0.5, tf.square(r)), tf.log(model.sigma)), 0.5 * Math.log(2 * Math.PI));
    return tf.mean(nll);
  });
  const out = value.dataSync()[0] as number;
  value.dispose();
  return out;
}

// -------------------------------------------------------------------------------------
// the pipeline
// -------------------------------------------------------------------------------------

/** A tensor leaf with a NaN or an infinity fails validation. */
const finite = (leaf: unknown): string | undefined => {
  if (!(leaf instanceof tf.Tensor)) return undefined;
  const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(leaf))));
  const any = bad.dataSync()[0] === 1;
  bad.dispose();
  return any ? "has NaN or infinite values" : undefined;
};

/** What one run of the pipeline reports. */
export type Report =
  | { readonly ok: true; readonly loss: number; readonly parameters: number; readonly model: string }
  | { readonly ok: false; readonly error: string };

/**
 * path -> Report, as one pipe: load, validate, unwrap, evaluate, then report either way. The
 * loaded tensors and the unwrapped model are disposed whatever happens.
 */
export function evaluateFile(
  file: string,
  data: { xs: tf.Tensor2D; ys: tf.Tensor1D },
  codecOptions?: Parameters<typeof saveTree>[2],
): Task.Task<Report> {
  return pipe(
    withLoadedTree(
      file,
      codecOptions,
    )((stored) =>
      pipe(
        stored,
        checkLeaves(finite),
        E.flatMap(unwrapEither),
        E.map((unwrapped) => {
          const model = unwrapped as Model;
          const result = {
            loss: loss(model, data.xs, data.ys),
            parameters: pipe(
              model,
              T.foldMap(N.MonoidSum)((t: tf.Tensor) => t.size),
            ),
            model: T.getShow({ width: 200 }).show(model),
          };
          disposeTree(model); // what unwrap made; the loaded tensors are disposed by withLoadedTree
          return result;
        }),
        TE.fromEither,
      ),
    ),
    TE.match(
      (e): Report => ({ ok: false, error: formatTreeError(e) }),
      (r): Report => ({ ok: true, ...r }),
    ),
  );
}

// -------------------------------------------------------------------------------------
// main
// -------------------------------------------------------------------------------------

/** What the example computed (the tests check it). */
export interface PipelineResult {
  readonly good: Report;
  readonly corrupted: Report;
  readonly nan: Report;
  readonly badWrapper: Report;
  /** Live tensors after everything, minus before. */
  readonly leaked: number;
}

export async function main(options: { quick?: boolean } = {}): Promise<PipelineResult> {
  await initBackend();
  const before = tf.memory().numTensors;
  const dir = await fsp.mkdtemp(nodePath.join(os.tmpdir(), "paramtree-pipeline-"));
  const { xs, ys } = makeData(options.quick === true);
  const data = { xs: tf.tensor2d(xs), ys: tf.tensor1d(ys) };
  try {
    // 1. A good model.
    const good = nodePath.join(dir, "model.tree.json");
    const model = makeModel();
    await saveTree(good, model);

    // 2. The same files with one byte of the weights flipped.
    const corrupted = nodePath.join(dir, "corrupted.tree.json");
    await saveTree(corrupted, model);
    // The side file is the one the document names (a new name for each save).
    const manifest = JSON.parse(await fsp.readFile(corrupted, "utf8")) as {
      weightsManifest: { paths: string[] }[];
    };
    const bin = nodePath.join(dir, manifest.weightsManifest[0]?.paths[0] ?? "");
    const bytes = await fsp.readFile(bin);
    bytes[5] = (bytes[5] as number) ^ 0xff;
    await fsp.writeFile(bin, bytes);

    // 3. A NaN in a weight.
    const nan = nodePath.join(dir, "nan.tree.json");
    const nanW = tf.tensor2d([[1.5], [NaN]]);
    await saveTree(nan, { ...model, w: nanW });

    // 4. A wrapper that cannot unwrap: sigma stored as invSoftplus of a negative number (a sign
    //    error when the file was written).
    const badWrapper = nodePath.join(dir, "bad-wrapper.tree.json");
    const negative = tf.scalar(-0.8);
    const functions = { invSoftplus };
    await saveTree(badWrapper, { ...model, sigma: Parameterize(invSoftplus, negative) }, { functions });

    tf.dispose([nanW, negative]);
    disposeTree(model);

    const reports = {
      good: await evaluateFile(good, data)(),
      corrupted: await evaluateFile(corrupted, data)(),
      nan: await evaluateFile(nan, data)(),
      badWrapper: await evaluateFile(badWrapper, data, { functions })(),
    };
    tf.dispose([data.xs, data.ys]);
    return { ...reports, leaked: tf.memory().numTensors - before };
  } finally {
    tf.dispose([data.xs, data.ys]); // no-op after a normal run; frees them after an exception
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main({ quick: process.argv.includes("--quick") }).then(
    (r) => {
      const show = (name: string, report: Report): void => {
        if (report.ok) {
          console.log(
            `${name}: loss ${report.loss.toFixed(4)} (${report.parameters} numbers)\n  ${report.model}`,
          );
        } else {
          console.log(`${name}: ${report.error.split("\n").join("\n  ")}`);
        }
      };
      show("model.tree.json", r.good);
      show("corrupted.tree.json", r.corrupted);
      show("nan.tree.json", r.nan);
      show("bad-wrapper.tree.json", r.badWrapper);
      console.log(`tensors leaked: ${r.leaked}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
