/**
 * Section 3: `unwrap` against hand-written code calling the same tf ops on the same tensors, for
 * many small wrappers (where the tree and scope bookkeeping could show) and for model-sized
 * WeightNormalization layers (where the tensor work should hide it); and the same unwrap on the
 * "cpu" backend against "wasm".
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, type BackendName } from "../src/backend";
import { treeLeaves } from "../src/tree";
import { Parameterize, WeightNormalization, unwrap } from "../src/wrappers";
import { formatNs, formatRatio, measure, printTable, type Budget, type Timing } from "./harness";

export interface UnwrapRow {
  readonly case: string;
  readonly backend: BackendName;
  readonly oursNs: number;
  readonly handNs: number;
  readonly ratio: number;
  readonly target: number;
}

function disposeAll(tree: unknown): void {
  for (const leaf of treeLeaves(tree)) if (leaf instanceof tf.Tensor) leaf.dispose();
}

/**
 * `unwrap(tree)` against `hand()` (the same tf ops on the same tensors, written out), measured in
 * interleaved batches; both results are disposed after each call.
 */
function unwrapAgainstHand(tree: unknown, hand: () => tf.Tensor[], budget: Budget): [Timing, Timing] {
  return measure(
    [
      {
        name: "unwrap",
        fn: () => {
          const out = unwrap(tree);
          disposeAll(out);
          return out;
        },
      },
      {
        name: "hand",
        fn: () => {
          const out = hand();
          for (const t of out) t.dispose();
          return out;
        },
      },
    ],
    budget,
  ) as [Timing, Timing];
}

/** 1,000 `Parameterize(tf.exp, scalar)` and the hand-written `tf.exp` of each scalar. */
function smallWrappers(budget: Budget, backend: BackendName): UnwrapRow {
  const n = budget.quick ? 100 : 1000;
  const scalars = Array.from({ length: n }, (_, i) => tf.scalar(i / n));
  const tree = { params: scalars.map((s) => Parameterize(tf.exp, s)) };
  const [ours, hand] = unwrapAgainstHand(tree, () => scalars.map((s) => tf.exp(s)), budget);
  tf.dispose(scalars);
  return {
    case: `${n.toLocaleString("en-US")} x Parameterize(tf.exp, scalar)`,
    backend,
    oursNs: ours.ns,
    handNs: hand.ns,
    ratio: ours.ns / hand.ns,
    target: 1.2,
  };
}

/** 8 WeightNormalization layers of 512x512 and the same ops written by hand. */
function weightNormLayers(budget: Budget, backend: BackendName): UnwrapRow {
  const layers = budget.quick ? 2 : 8;
  const size = budget.quick ? 64 : 512;
  const weights = Array.from({ length: layers }, (_, i) =>
    tf.randomNormal([size, size], 0, 1, "float32", i + 1),
  );
  const tree = { layers: weights.map((w) => WeightNormalization(w)) };
  const raws = tree.layers.map((l) => (l.scale as unknown as { args: [tf.Tensor] }).args[0]);
  const hand = (): tf.Tensor[] =>
    weights.map((w, i) =>
      tf.tidy(() =>
        tf.div(tf.mul(tf.softplus(raws[i] as tf.Tensor), w), tf.sqrt(tf.sum(tf.square(w), -1, true))),
      ),
    );
  // Same numbers, or the comparison means nothing.
  const a = treeLeaves(unwrap(tree)) as tf.Tensor[];
  const b = hand();
  const diff = tf.tidy(() =>
    Math.max(...a.map((x, i) => tf.max(tf.abs(tf.sub(x, b[i] as tf.Tensor))).dataSync()[0] as number)),
  );
  tf.dispose([...a, ...b]);
  if (!(diff < 1e-5))
    throw new Error(`bench: unwrap and the hand-written WeightNormalization differ by ${diff}`);
  const [ours, handT] = unwrapAgainstHand(tree, hand, budget);
  disposeAll(tree);
  return {
    case: `${layers} x WeightNormalization ${size}x${size}`,
    backend,
    oursNs: ours.ns,
    handNs: handT.ns,
    ratio: ours.ns / handT.ns,
    target: 1.05,
  };
}

export async function runUnwrap(
  budget: Budget,
): Promise<{ rows: UnwrapRow[]; text: string; cpuVsWasm: number }> {
  const before = tf.memory().numTensors;
  const rows: UnwrapRow[] = [];
  await initBackend("wasm");
  rows.push(smallWrappers(budget, "wasm"));
  rows.push(weightNormLayers(budget, "wasm"));
  await initBackend("cpu");
  rows.push(smallWrappers(budget, "cpu"));
  rows.push(weightNormLayers(budget, "cpu"));
  await initBackend("wasm");
  if (tf.memory().numTensors !== before) throw new Error("bench: unwrap section leaked tensors");
  const cpuVsWasm = (rows[2] as UnwrapRow).oursNs / (rows[0] as UnwrapRow).oursNs;
  const text = printTable(
    `3. unwrap vs hand-written tf calls (CPU time per unwrap; cpu/wasm for the small wrappers: ${formatRatio(cpuVsWasm)})`,
    ["case", "backend", "unwrap", "hand-written", "ratio", "target", "verdict"],
    rows.map((r) => [
      r.case,
      r.backend,
      formatNs(r.oursNs),
      formatNs(r.handNs),
      formatRatio(r.ratio),
      `<= ${r.target}x`,
      r.ratio <= r.target ? "met" : "MISSED",
    ]),
  );
  return { rows, text, cpuVsWasm };
}
