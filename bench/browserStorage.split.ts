/**
 * Where `loadTree` from `indexeddb://` spends its time in Chromium (issue 17's 1.68x), step by
 * step as `interop/ioStorage.ts` does them, next to `tf.loadLayersModel` of the same weights:
 * reading the record (the IndexedDB handler's `load()`, the same for both), joining the weight
 * data, the CRC-32 of the bytes, copying each tensor's bytes out of the buffer, making the
 * tensors; then the whole `loadTree` and `tf.loadLayersModel` in the same round.
 */
import type * as tfl from "@tensorflow/tfjs";
import { crc32Update } from "../src/codec/crc32";

export type SplitTimes = Record<string, number[]>;

export async function loadSplit(
  tf: typeof tfl,
  loadTree: (where: string) => Promise<{ _tag: string; right?: unknown }>,
  disposeTree: (tree: unknown) => void,
  treeUrl: string,
  modelUrl: string,
  rounds: number,
): Promise<SplitTimes> {
  const out: SplitTimes = {};
  const time = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const v = await f();
    (out[name] ??= []).push(performance.now() - t0);
    return v;
  };
  for (let round = 0; round < rounds; round++) {
    const handler = tf.io.getLoadHandlers(treeUrl)[0] as tfl.io.IOHandler;
    const artifacts = await time("tree: read the record (handler.load)", () =>
      (handler.load as () => Promise<tfl.io.ModelArtifacts>)(),
    );
    const data = await time(
      "tree: CompositeArrayBuffer.join (a copy; loadTree now skips it for one buffer)",
      () => tf.io.CompositeArrayBuffer.join(artifacts.weightData as ArrayBuffer),
    );
    await time("tree: CRC-32 of the weights (JS)", () => crc32Update(0, new Uint8Array(data)));
    const specs = artifacts.weightSpecs ?? [];
    const copies: Float32Array[] = [];
    await time("tree: copy each tensor out (allocate + set, as before)", () => {
      let offset = 0;
      for (const s of specs) {
        const size = s.shape.reduce((a, b) => a * b, 1);
        const values = new Float32Array(size);
        new Uint8Array(values.buffer).set(new Uint8Array(data, offset, size * 4));
        copies.push(values);
        offset += size * 4;
      }
    });
    const slices = await time("tree: slice each tensor out (ArrayBuffer.slice)", () => {
      let offset = 0;
      return specs.map((s) => {
        const size = s.shape.reduce((a, b) => a * b, 1);
        const v = new Float32Array(data.slice(offset, offset + size * 4));
        offset += size * 4;
        return v;
      });
    });
    slices.length = 0;
    const tensors = await time("tree: tf.tensor of each copy", () =>
      copies.map((v, i) => tf.tensor(v, (specs[i] as tfl.io.WeightsManifestEntry).shape, "float32")),
    );
    tf.dispose(tensors);
    const views = await time("tree: tf.tensor of views (no copy)", () => {
      let offset = 0;
      return specs.map((s) => {
        const size = s.shape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(new Float32Array(data, offset, size), s.shape, "float32");
        offset += size * 4;
        return x;
      });
    });
    tf.dispose(views);
    const loaded = await time("tree: loadTree (all of it)", () => loadTree(treeUrl));
    if (loaded._tag !== "Right") throw new Error("loadTree failed in the split");
    disposeTree(loaded.right);
    const mHandler = tf.io.getLoadHandlers(modelUrl)[0] as tfl.io.IOHandler;
    await time("model: read the record (handler.load)", () =>
      (mHandler.load as () => Promise<tfl.io.ModelArtifacts>)(),
    );
    const model = await time("model: tf.loadLayersModel (all of it)", () => tf.loadLayersModel(modelUrl));
    model.dispose();
  }
  return out;
}
