/**
 * The storage benchmark's measurement, shared by the Chromium page and the Node run: a
 * `LayersModel` of `layers` Dense kernels (`units` x `units` float32, no bias), its weights as a
 * tree (`layersModelTree`), and per round, interleaved: `saveTree(tree)`, `model.save`,
 * `loadTree`, `tf.loadLayersModel`. Times are wall-clock per call; memory is the highest
 * `memory()` seen during a call above the value just before it (sampled every few ms and after
 * each call), where the platform reports one.
 */
import type * as tfl from "@tensorflow/tfjs";
import type * as E from "fp-ts/Either";

export interface StorageBenchTools {
  readonly tf: typeof tfl;
  readonly saveTree: (where: string | tfl.io.IOHandler, tree: unknown) => Promise<unknown>;
  readonly loadTree: (where: string | tfl.io.IOHandler) => Promise<E.Either<unknown, unknown>>;
  readonly layersModelTree: (model: tfl.LayersModel) => unknown;
  readonly disposeTree: (tree: unknown) => void;
  readonly treeLeaves: (tree: unknown) => unknown[];
}

export interface StorageBenchOptions {
  readonly rounds: number;
  readonly layers: number;
  readonly units: number;
  readonly tree: string;
  readonly modelSave: string | tfl.io.IOHandler;
  readonly modelLoad: string | tfl.io.IOHandler;
  /** Bytes in use (JS heap, or process RSS), or undefined where unknown. */
  readonly memory: () => number | undefined;
}

export interface Timing {
  readonly ms: number[];
  readonly peakMiB: number[];
}

export interface StorageBenchResult {
  readonly bytes: number;
  readonly backend: string;
  readonly bitExact: boolean;
  readonly treeSave: Timing;
  readonly modelSave: Timing;
  readonly treeLoad: Timing;
  readonly modelLoad: Timing;
}

async function timed<T>(memory: () => number | undefined, into: Timing, f: () => Promise<T>): Promise<T> {
  const base = memory();
  let peak = base ?? 0;
  const sample = (): void => {
    const m = memory();
    if (m !== undefined && m > peak) peak = m;
  };
  const timer = setInterval(sample, 2);
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    const t1 = performance.now();
    sample();
    clearInterval(timer);
    into.ms.push(t1 - t0);
    if (base !== undefined) into.peakMiB.push((peak - base) / 2 ** 20);
  }
}

export async function storageBench(
  t: StorageBenchTools,
  o: StorageBenchOptions,
): Promise<StorageBenchResult> {
  const { tf } = t;
  const model = tf.sequential();
  for (let i = 0; i < o.layers; i++) {
    model.add(
      tf.layers.dense({ units: o.units, useBias: false, ...(i === 0 ? { inputShape: [o.units] } : {}) }),
    );
  }
  const tree = t.layersModelTree(model);
  const empty = (): Timing => ({ ms: [], peakMiB: [] });
  const r = { treeSave: empty(), modelSave: empty(), treeLoad: empty(), modelLoad: empty() };
  let bitExact = true;
  for (let round = 0; round < o.rounds; round++) {
    await timed(o.memory, r.treeSave, () => t.saveTree(o.tree, tree));
    await timed(o.memory, r.modelSave, () => model.save(o.modelSave));
    const loaded = await timed(o.memory, r.treeLoad, () => t.loadTree(o.tree));
    if (loaded._tag === "Left")
      throw new Error(`loadTree failed: ${JSON.stringify(loaded.left).slice(0, 500)}`);
    if (round === 0) {
      const a = t.treeLeaves(tree) as tfl.Tensor[];
      const b = t.treeLeaves(loaded.right) as tfl.Tensor[];
      bitExact =
        a.length === b.length &&
        a.every((x, i) => {
          const u = new Uint8Array(x.dataSync().buffer);
          const v = new Uint8Array((b[i] as tfl.Tensor).dataSync().buffer);
          return u.length === v.length && u.every((byte, j) => byte === v[j]);
        });
    }
    t.disposeTree(loaded.right);
    const back = await timed(o.memory, r.modelLoad, () => tf.loadLayersModel(o.modelLoad));
    back.dispose();
  }
  t.disposeTree(tree);
  model.dispose();
  return { bytes: o.layers * o.units * o.units * 4, backend: tf.getBackend(), bitExact, ...r };
}
