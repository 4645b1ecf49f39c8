/**
 * paramtree in the browser: the page bundled by `build.js` (esbuild), on the tfjs WASM backend.
 *
 * The `.wasm` binaries of `@tensorflow/tfjs-backend-wasm` are copied next to the bundle, and
 * `setWasmPaths("./")` tells tfjs to fetch them from there (relative to the page). Call it before
 * the backend starts, i.e. before `initBackend()`.
 *
 * The page builds a model tree with the three built-in wrappers, shows it unwrapped, trains it a
 * few steps with Adam while drawing the loss, and finally sets `data-state="trained"` on
 * `#status` and `window.paramtreeDemo` (which the browser test reads).
 */
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import {
  initBackend,
  keystr,
  treeFlattenWithPath,
  invSoftplus,
  disposeTree,
  treeOptimizer,
  NonTrainable,
  Parameterize,
  unwrap,
  WeightNormalization,
} from "paramtree";

/** What the page exposes when it is done (read by __tests__/browser.test.ts). */
export interface BrowserDemoState {
  state: "starting" | "training" | "trained" | "error";
  backend?: string;
  leaves?: string[];
  losses: number[];
  error?: string;
}

declare global {
  interface Window {
    paramtreeDemo: BrowserDemoState;
  }
}

const STEPS = Number(new URLSearchParams(location.search).get("steps") ?? "60");
const demo: BrowserDemoState = { state: "starting", losses: [] };
window.paramtreeDemo = demo;

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`missing #${id}`);
  return el;
};

function setStatus(state: BrowserDemoState["state"], text: string): void {
  demo.state = state;
  const status = $("status");
  status.dataset.state = state;
  status.textContent = text;
}

function drawLosses(losses: readonly number[]): void {
  const svg = $("chart");
  const w = 640;
  const h = 220;
  const pad = 24;
  const hi = Math.max(...losses);
  const lo = Math.min(...losses);
  const x = (i: number): number => pad + ((w - 2 * pad) * i) / Math.max(1, STEPS - 1);
  const y = (v: number): number => h - pad - ((h - 2 * pad) * (v - lo)) / Math.max(1e-12, hi - lo);
  const points = losses.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  svg.innerHTML =
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#999"/>` +
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#999"/>` +
    `<text x="${pad + 4}" y="${pad - 8}" font-size="11">${hi.toFixed(3)}</text>` +
    `<text x="${pad + 4}" y="${h - 6}" font-size="11">${lo.toFixed(3)} (step ${losses.length})</text>` +
    `<polyline fill="none" stroke="#1565c0" stroke-width="2" points="${points}"/>`;
}

async function run(): Promise<void> {
  setWasmPaths("./"); // the .wasm files are served beside this bundle
  await initBackend("wasm");
  demo.backend = tf.getBackend();

  // Data: y = sin(x) on [2, 8] (deliberately off-centre: the frozen normalisation matters).
  const xs = Array.from({ length: 64 }, (_, i) => 2 + (6 * i) / 63);
  const x = tf.tensor2d(xs, [xs.length, 1]);
  const y = tf.tensor2d(
    xs.map((v) => Math.sin(v - 5)),
    [xs.length, 1],
  );
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);

  const model = {
    norm: NonTrainable({ mean: tf.scalar(mean), std: tf.scalar(std) }),
    hidden: { w: WeightNormalization(tf.randomNormal([1, 16], 0, 1, "float32", 7)), b: tf.zeros([16]) },
    out: { w: WeightNormalization(tf.randomNormal([16, 1], 0, 1, "float32", 8)), b: tf.zeros([1]) },
    sigma: Parameterize(tf.softplus, invSoftplus(0.5)),
  };
  demo.leaves = treeFlattenWithPath(model)[0].map(([path]) => keystr(path));

  const shown = unwrap(model);
  const describe = (leaf: unknown): string =>
    leaf instanceof tf.Tensor
      ? `${leaf.dtype}[${(leaf.shape as number[]).join(", ")}]${leaf.size === 1 ? ` = ${leaf.dataSync()[0]!.toFixed(4)}` : ""}`
      : String(leaf);
  $("model").textContent = treeFlattenWithPath(shown)[0]
    .map(([path, leaf]) => `${keystr(path).padEnd(16)} ${describe(leaf)}`)
    .join("\n");
  tf.dispose([shown.hidden.w, shown.out.w, shown.sigma]);

  const loss = (m: typeof model): tf.Scalar => {
    const { norm, hidden, out, sigma } = unwrap(m);
    const z = tf.div(tf.sub(x, norm.mean), norm.std);
    const h = tf.tanh(tf.add(tf.matMul(z, hidden.w), hidden.b));
    const residual = tf.div(tf.sub(y, tf.add(tf.matMul(h, out.w), out.b)), sigma);
    return tf.add(tf.mul(0.5, tf.mean(tf.square(residual))), tf.log(sigma));
  };

  setStatus("training", `training (0/${STEPS})`);
  const optimizer = treeOptimizer(model, tf.train.adam(0.03));
  for (let i = 0; i < STEPS; i++) {
    demo.losses.push(optimizer.step(loss));
    if (i % 5 === 4 || i === STEPS - 1) {
      drawLosses(demo.losses);
      $("status").textContent = `training (${i + 1}/${STEPS})`;
      await tf.nextFrame(); // let the page paint
    }
  }
  const first = demo.losses[0] ?? NaN;
  const last = demo.losses[demo.losses.length - 1] ?? NaN;
  $("loss").textContent =
    `loss ${first.toFixed(4)} → ${last.toFixed(4)} after ${STEPS} Adam steps on ${demo.backend}`;
  optimizer.dispose();
  disposeTree([model, x, y]);
  setStatus("trained", `trained on ${demo.backend}`);
}

run().catch((error: unknown) => {
  demo.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  setStatus("error", `error: ${demo.error}`);
  console.error(error);
});
