/**
 * Saving and loading a model, and what happens with a broken or hostile file.
 *
 * `saveTree("model.tree.json", model)` writes a small JSON document (the tree, with each tensor
 * as a reference) and `model.tree.json.<save id>.bin` (the tensor bytes, back to back, in
 * tfjs's weights format; a new name for each save, recorded in the document). `loadTree` gives back an `Either`: the model, bit for bit, or a report that names the
 * file or the key path of each problem. It never throws.
 *
 * Run: `npm run example:saveLoad` (a small model), or
 * `node --expose-gc -r ts-node/register examples/saveLoad.ts --measure [megabytes] [tensors] [--inline]`
 * to time a large model (100 MB in 25 tensors by default)
 * and report its peak memory. In your own project every name below comes from `"paramtree"`.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { promises as fsp } from "fs";
import * as os from "os";
import * as path from "path";
import { initBackend } from "../src/index.node";
import { formatDecodeErrors, loadTree, saveTree } from "../src/index.node";
import { treeEqual } from "../src/index.node";
import { NonTrainable, Parameterize, WeightNormalization, invSoftplus, unwrap } from "../src/index.node";

/** What the example did (the tests check it). */
export interface SaveLoadResult {
  readonly files: string[];
  readonly manifestBytes: number;
  readonly weightBytes: number;
  readonly equal: boolean;
  readonly unwrappedScale: number[];
  readonly brokenReport: string[];
}

export async function main(options: { quick?: boolean } = {}): Promise<SaveLoadResult> {
  await initBackend();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "paramtree-saveLoad-"));
  const file = path.join(dir, "model.tree.json");
  const model = {
    dense: {
      w: WeightNormalization(
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
      ),
      b: tf.zeros([2]),
    },
    scale: Parameterize(
      tf.softplus,
      tf.tidy(() => invSoftplus(tf.tensor1d([0.5, 2]))),
    ), // positive by construction
    embedding: NonTrainable(tf.tensor2d([[0.1, 0.2]])), // frozen
    config: { activation: tf.relu, dropout: 0.1, name: "tiny" },
  };
  try {
    // 1. Save: a JSON manifest plus a binary side file.
    await saveTree(file, model);
    const files = (await fsp.readdir(dir)).sort();
    const manifestBytes = (await fsp.stat(file)).size;
    const binName = files.find((f) => f.endsWith(".bin")) ?? "";
    const weightBytes = (await fsp.stat(path.join(dir, binName))).size;
    console.log(
      `saved ${files.join(" + ")}: ${manifestBytes} bytes of JSON, ${weightBytes} bytes of tensors`,
    );

    // 2. Load: an Either, never an exception.
    const loaded = await loadTree(file);
    if (E.isLeft(loaded)) throw new Error(formatDecodeErrors(loaded.left).join("\n"));
    const back = loaded.right as typeof model;
    const equal = treeEqual(back, model); // same structure, same values (functions by identity)
    const scale = unwrap(back.scale) as tf.Tensor;
    const unwrappedScale = Array.from(scale.dataSync());
    console.log(
      `loaded: equal to the original: ${equal}; softplus scale: [${unwrappedScale.map((x) => x.toFixed(4)).join(", ")}]`,
    );
    scale.dispose();
    tf.dispose(tensorsOf(back)); // the loaded tensors are ours to dispose

    // 3. A damaged document: a report that names each place, and no tensor made.
    const json = JSON.parse(await fsp.readFile(file, "utf8"));
    json.tree.dense.b.shape = [2, -1];
    json.tree.scale.fn.name = "mystery";
    await fsp.writeFile(file, JSON.stringify(json));
    const broken = await loadTree(file);
    const brokenReport = E.isLeft(broken) ? formatDecodeErrors(broken.left) : [];
    console.log(`a damaged file gives:\n  ${brokenReport.join("\n  ")}`);
    if (!options.quick) console.log(`\nfiles left in ${dir} for you to look at`);
    return { files, manifestBytes, weightBytes, equal, unwrappedScale, brokenReport };
  } finally {
    tf.dispose(tensorsOf(model));
    if (options.quick) await fsp.rm(dir, { recursive: true, force: true });
  }
}

// -------------------------------------------------------------------------------------
// measuring a large model
// -------------------------------------------------------------------------------------

/** Figures of one save/load measurement (see {@link measureSaveLoad}). */
export interface SaveLoadFigures {
  readonly modelMB: number;
  readonly tensors: number;
  readonly inline: boolean;
  readonly saveSeconds: number;
  readonly saveMBps: number;
  readonly loadSeconds: number;
  readonly loadMBps: number;
  /** RSS just before saving (the process, the WASM heap and the model in it). */
  readonly rssBeforeSaveMB: number;
  /** Highest sampled RSS while saving, and its excess over `rssBeforeSaveMB`. */
  readonly peakSaveMB: number;
  readonly saveOverheadMB: number;
  /** RSS just before loading (after the model was disposed; the WASM heap keeps its size). */
  readonly rssBeforeLoadMB: number;
  readonly peakLoadMB: number;
  readonly loadOverheadMB: number;
  /** The process's lifetime peak RSS (`process.resourceUsage().maxRSS`) at the end. */
  readonly maxRssMB: number;
  readonly exact: boolean;
}

/**
 * Saves and loads a float32 model of `megabytes` MB split into `tensors` equal tensors (default
 * 100 MB in 25 tensors of 4 MB, like the layers of a network), timing both and sampling RSS
 * every 2 ms while they run. Checks the loaded model is bit-identical. Disposes everything.
 * `inline: true` measures the single-JSON alternative (base64 tensors) for comparison.
 */
export async function measureSaveLoad(
  options: { megabytes?: number; tensors?: number; dir?: string; inline?: boolean } = {},
): Promise<SaveLoadFigures> {
  const megabytes = options.megabytes ?? 100;
  const count = options.tensors ?? 25;
  const perTensor = Math.floor((megabytes * 1e6) / 4 / count);
  const dir = options.dir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), "paramtree-measure-")));
  const file = path.join(dir, "big.tree.json");
  const mb = (bytes: number): number => bytes / 1e6;
  const layers: tf.Tensor[] = [];
  for (let i = 0; i < count; i++) {
    const values = new Float32Array(perTensor);
    for (let j = 0; j < perTensor; j++) values[j] = Math.sin(i * 7919 + j); // not compressible, not constant
    layers.push(tf.tensor1d(values));
  }
  const model = { layers: layers.map((w) => ({ w })) };
  const modelBytes = count * perTensor * 4;
  const sampler = rssSampler();
  try {
    gc();
    const rssBeforeSave = process.memoryUsage.rss();
    sampler.reset();
    let t0 = process.hrtime.bigint();
    await saveTree(file, model, { inline: options.inline === true });
    const saveSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peakSave = Math.max(sampler.peak(), process.memoryUsage.rss());
    // The reference copy for the exactness check, taken outside the measured sections.
    const expected = layers.map((t) => (t.dataSync() as Float32Array).slice());
    tf.dispose(layers);
    gc();
    const rssBeforeLoad = process.memoryUsage.rss();
    sampler.reset();
    t0 = process.hrtime.bigint();
    const loaded = await loadTree(file);
    const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peakLoad = Math.max(sampler.peak(), process.memoryUsage.rss());
    if (E.isLeft(loaded)) throw new Error(formatDecodeErrors(loaded.left).join("\n"));
    const back = loaded.right as typeof model;
    let exact = back.layers.length === count;
    back.layers.forEach(({ w }, i) => {
      const a = new Uint32Array((w.dataSync() as Float32Array).buffer);
      const b = new Uint32Array((expected[i] as Float32Array).buffer);
      exact &&= a.length === b.length && a.every((x, k) => x === b[k]);
    });
    tf.dispose(back.layers.map(({ w }) => w));
    return {
      modelMB: mb(modelBytes),
      tensors: count,
      inline: options.inline === true,
      saveSeconds,
      saveMBps: mb(modelBytes) / saveSeconds,
      loadSeconds,
      loadMBps: mb(modelBytes) / loadSeconds,
      rssBeforeSaveMB: mb(rssBeforeSave),
      peakSaveMB: mb(peakSave),
      saveOverheadMB: mb(peakSave - rssBeforeSave),
      rssBeforeLoadMB: mb(rssBeforeLoad),
      peakLoadMB: mb(peakLoad),
      loadOverheadMB: mb(peakLoad - rssBeforeLoad),
      maxRssMB: process.resourceUsage().maxRSS / 1e3,
      exact,
    };
  } finally {
    sampler.stop();
    tf.dispose(layers);
    if (options.dir === undefined) await fsp.rm(dir, { recursive: true, force: true });
  }
}

function rssSampler(): { reset(): void; peak(): number; stop(): void } {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 2);
  return {
    reset: () => (peak = process.memoryUsage.rss()),
    peak: () => peak,
    stop: () => clearInterval(timer),
  };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function tensorsOf(tree: unknown): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const stack = [tree];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof tf.Tensor) out.push(v);
    else if (v !== null && typeof v === "object") stack.push(...Object.values(v));
  }
  return out;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const run = async (): Promise<void> => {
    if (args[0] === "--measure") {
      await initBackend();
      const megabytes = args[1] === undefined ? 100 : Number(args[1]);
      const tensors = args[2] === undefined ? 25 : Number(args[2]);
      const f = await measureSaveLoad({ megabytes, tensors, inline: args.includes("--inline") });
      console.log(JSON.stringify(f, null, 2));
    } else {
      await main();
    }
  };
  run().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
