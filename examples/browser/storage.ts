/**
 * paramtree's storage in the browser: a model with wrappers saved with `saveTree` to
 * `indexeddb://` and `localstorage://` (the URLs `model.save` takes), and loaded back after the
 * page reloads. Bundled by `build.js` into `storage.js`, opened as `storage.html`:
 *
 * - `storage.html?phase=save` builds the model, saves it to both places, and reports the bytes of
 *   every leaf of the model and of its unwrapped value (hex) in `window.paramtreeStorage`;
 * - `storage.html?phase=load` (after a reload) loads both, unwraps them, and reports the same;
 * - `storage.html?phase=download` saves the model to `downloads://paramtree-storage-demo`: the
 *   browser downloads `paramtree-storage-demo.json` (tfjs's model JSON, the tree in its
 *   `userDefinedMetadata`) and `paramtree-storage-demo.weights.bin`, and the page reports the
 *   model's fingerprint under that URL.
 *
 * The browser test compares the two reports bit for bit.
 */
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as E from "fp-ts/Either";
import {
  disposeTree,
  formatDecodeErrors,
  initBackend,
  invSoftplus,
  loadTree,
  NonTrainable,
  Parameterize,
  saveTree,
  treeFlattenWithPath,
  treeFormat,
  keystr,
  unwrap,
  WeightNormalization,
} from "paramtree";

/** What the page reports (read by __tests__/browser.test.ts). */
export interface StorageState {
  state: "starting" | "done" | "error";
  phase?: string;
  backend?: string;
  /** Per place (`indexeddb://...`, `localstorage://...`): key path -> dtype, shape and hex bytes. */
  raw: Record<string, Record<string, string>>;
  unwrapped: Record<string, Record<string, string>>;
  error?: string;
}

declare global {
  interface Window {
    paramtreeStorage: StorageState;
  }
}

export const PLACES = ["indexeddb://paramtree-storage-demo", "localstorage://paramtree-storage-demo"];
export const DOWNLOAD = "downloads://paramtree-storage-demo";
const report: StorageState = { state: "starting", raw: {}, unwrapped: {} };
window.paramtreeStorage = report;

/** A model with every built-in wrapper, static fields and awkward numbers (deterministic). */
function model(): unknown {
  const w = tf.tensor2d([
    [0.5, -1.25, 3e-20],
    [2, 0, -0],
  ]);
  return {
    hidden: { w: WeightNormalization(w), b: tf.tensor1d([0.1, NaN, -Infinity]) },
    norm: NonTrainable({
      mean: tf.scalar(2),
      steps: tf.tensor1d([1, 2], "int32"),
      mask: tf.tensor1d([true, false], "bool"),
    }),
    sigma: Parameterize(tf.softplus, invSoftplus(0.75)),
    meta: { name: "storage demo", eps: -0, units: [3, null] },
  };
}

/** key path -> "dtype shape hex" for every leaf (non-tensors as JSON), and the printed tree. */
function fingerprint(tree: unknown): Record<string, string> {
  // The structure and static fields (a Parameterize's function, ...) as treeFormat prints them.
  const out: Record<string, string> = { "<format>": treeFormat(tree) };
  const [pairs] = treeFlattenWithPath(tree);
  for (const [path, leaf] of pairs) {
    if (leaf instanceof tf.Tensor) {
      const v = leaf.dataSync();
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      out[keystr(path)] =
        `${leaf.dtype} [${leaf.shape.join(",")}] ${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
    } else {
      out[keystr(path)] = Object.is(leaf, -0)
        ? "-0"
        : typeof leaf === "function"
          ? `fn ${leaf.name}`
          : JSON.stringify(leaf);
    }
  }
  return out;
}

function show(text: string): void {
  const el = document.getElementById("status");
  if (el !== null) {
    el.textContent = text;
    el.dataset.state = report.state;
  }
}

async function run(): Promise<void> {
  setWasmPaths("./");
  await initBackend("wasm");
  report.backend = tf.getBackend();
  const phase = new URLSearchParams(location.search).get("phase") ?? "save";
  report.phase = phase;
  const lines: string[] = [];
  for (const place of phase === "download" ? [DOWNLOAD] : PLACES) {
    let tree: unknown;
    if (phase === "save" || phase === "download") {
      tree = model();
      await saveTree(place, tree);
      lines.push(`saved to ${place}`);
    } else {
      const loaded = await loadTree(place);
      if (E.isLeft(loaded)) throw new Error(`${place}: ${formatDecodeErrors(loaded.left).join("; ")}`);
      tree = loaded.right;
      lines.push(`loaded from ${place}`);
    }
    const plain = unwrap(tree);
    report.raw[place] = fingerprint(tree);
    report.unwrapped[place] = fingerprint(plain);
    disposeTree(plain);
    disposeTree(tree);
  }
  const model0 = report.unwrapped[phase === "download" ? DOWNLOAD : (PLACES[0] as string)] ?? {};
  lines.push(
    "",
    "unwrapped:",
    ...Object.entries(model0).map(([k, v]) => `${k}: ${v.slice(0, 60)}${v.length > 60 ? "…" : ""}`),
  );
  const pre = document.getElementById("log");
  if (pre !== null) pre.textContent = lines.join("\n");
  report.state = "done";
  show(`${phase}: done (${tf.memory().numTensors} tensors alive)`);
}

run().catch((e: unknown) => {
  report.state = "error";
  report.error = e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e);
  show(`error: ${report.error}`);
  console.error(e);
});
