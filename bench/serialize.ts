/**
 * Section 5: serialization of a 100 MB float32 model (25 layers of a 1024x1024 weight and a 1024
 * bias): treeCodec encode + decode, and saveTree + loadTree, against tf.io.encodeWeights /
 * decodeWeights on the same tensors (in memory, and with the same file writes and reads).
 *
 * Each case runs in a child process of its own, so that its peak RSS (`maxRSS`, a high-water mark
 * the kernel keeps) belongs to that case alone. Peak memory is reported as the RSS high-water mark
 * above the process's RSS before the model was made, over the model size: it includes the model
 * itself (1.0x) and every copy the case makes.
 *
 * @module
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { loadTree, saveTree, treeCodec } from "../src/codec";
import { treeLeaves } from "../src/tree";
import { formatNs, formatRatio, gc, median, printTable, type Budget } from "./harness";

export const serializeCases = ["tfio", "tfio-file", "codec", "file"] as const;
export type SerializeCase = (typeof serializeCases)[number];

const caseNames: Record<SerializeCase, string> = {
  tfio: "tf.io.encodeWeights + decodeWeights (reference)",
  "tfio-file": "tf.io encode + decode with file write + read (reference)",
  codec: "treeCodec().encode + decode (inline base64 JSON)",
  file: "saveTree + loadTree (JSON + binary side file)",
};

/** What a child reports. */
export interface SerializeResult {
  readonly case: SerializeCase;
  readonly modelBytes: number;
  readonly repeats: number;
  /** Median wall time per round trip (it includes file I/O, so wall time is the honest figure). */
  readonly nsPerCall: number;
  /** Median CPU time (user + system) per round trip. */
  readonly cpuNsPerCall: number;
  readonly mbPerSecond: number;
  /** RSS high-water mark above the RSS before the model was made, in bytes. */
  readonly peakBytes: number;
  readonly peakOverModel: number;
}

export interface SerializeRow extends SerializeResult {
  readonly reference: SerializeCase;
  readonly ratio: number;
}

function makeModel(layers: number, size: number): { layers: { w: tf.Tensor; b: tf.Tensor }[] } {
  return {
    layers: Array.from({ length: layers }, (_, i) => ({
      w: tf.randomUniform([size, size], -1, 1, "float32", i + 1),
      b: tf.randomUniform([size], -1, 1, "float32", 1000 + i),
    })),
  };
}

function disposeAll(tree: unknown): void {
  for (const leaf of treeLeaves(tree)) if (leaf instanceof tf.Tensor) leaf.dispose();
}

function named(model: { layers: { w: tf.Tensor; b: tf.Tensor }[] }): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  model.layers.forEach((l, i) => {
    out[`layers/${i}/w`] = l.w;
    out[`layers/${i}/b`] = l.b;
  });
  return out;
}

/** One round trip of `which`; returns after every produced tensor is disposed. */
async function roundTrip(
  which: SerializeCase,
  model: { layers: { w: tf.Tensor; b: tf.Tensor }[] },
  dir: string,
): Promise<void> {
  switch (which) {
    case "tfio": {
      const { data, specs } = await tf.io.encodeWeights(named(model));
      const back = tf.io.decodeWeights(data, specs);
      tf.dispose(Object.values(back));
      return;
    }
    case "tfio-file": {
      const { data, specs } = await tf.io.encodeWeights(named(model));
      const bin = path.join(dir, "tfio.bin");
      await fs.promises.writeFile(bin, new Uint8Array(data));
      await fs.promises.writeFile(path.join(dir, "tfio.json"), JSON.stringify(specs));
      const bytes = await fs.promises.readFile(bin);
      const specsBack = JSON.parse(
        await fs.promises.readFile(path.join(dir, "tfio.json"), "utf8"),
      ) as tf.io.WeightsManifestEntry[];
      const back = tf.io.decodeWeights(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        specsBack,
      );
      tf.dispose(Object.values(back));
      return;
    }
    case "codec": {
      const codec = treeCodec();
      const json = codec.encode(model);
      const back = codec.decode(json);
      if (E.isLeft(back)) throw new Error("bench: codec round trip failed");
      disposeAll(back.right);
      return;
    }
    case "file": {
      const file = path.join(dir, "model.tree.json");
      await saveTree(file, model);
      const back = await loadTree(file);
      if (E.isLeft(back)) throw new Error("bench: loadTree failed");
      disposeAll(back.right);
      return;
    }
  }
}

/** Runs one case in this process (the child side, or everything in a quick run). */
export async function runCase(
  which: SerializeCase,
  megabytes: number,
  repeats: number,
): Promise<SerializeResult> {
  const size = 1024;
  const layers = Math.max(1, Math.round((megabytes * 1024 * 1024) / (size * size * 4)));
  gc();
  const rssBefore = process.memoryUsage().rss;
  const model = makeModel(layers, size);
  const modelBytes = treeLeaves(model).reduce((n: number, t) => n + (t as tf.Tensor).size * 4, 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-bench-"));
  const times: number[] = [];
  const cpus: number[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      gc();
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      await roundTrip(which, model, dir);
      times.push(Number(process.hrtime.bigint() - start));
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) * 1e3);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    disposeAll(model);
  }
  const peakBytes = process.resourceUsage().maxRSS * 1024 - rssBefore;
  const ns = median(times);
  return {
    case: which,
    modelBytes,
    repeats,
    nsPerCall: ns,
    cpuNsPerCall: median(cpus),
    mbPerSecond: modelBytes / 2 ** 20 / (ns / 1e9),
    peakBytes,
    peakOverModel: peakBytes / modelBytes,
  };
}

export async function runSerialize(
  budget: Budget,
  benchScript: string,
): Promise<{ rows: SerializeRow[]; text: string }> {
  const megabytes = budget.quick ? 8 : 100;
  const repeats = budget.quick ? 1 : 5;
  const results = new Map<SerializeCase, SerializeResult>();
  for (const which of serializeCases) {
    if (budget.quick) {
      // The smoke run stays in process (seconds, not a child per case); its memory figures are
      // those of the whole benchmark process and mean nothing.
      results.set(which, await runCase(which, megabytes, repeats));
      continue;
    }
    const child = spawnSync(
      process.execPath,
      ["--expose-gc", benchScript, `--child=serialize:${which}:${megabytes}:${repeats}`],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) {
      throw new Error(`bench: serialization child "${which}" failed (${child.status}):\n${child.stderr}`);
    }
    const line = child.stdout.trim().split("\n").pop() ?? "";
    results.set(which, JSON.parse(line) as SerializeResult);
  }
  const refOf: Record<SerializeCase, SerializeCase> = {
    tfio: "tfio",
    "tfio-file": "tfio-file",
    codec: "tfio",
    file: "tfio-file",
  };
  const rows: SerializeRow[] = serializeCases.map((c) => {
    const r = results.get(c) as SerializeResult;
    const ref = results.get(refOf[c]) as SerializeResult;
    return { ...r, reference: refOf[c], ratio: r.nsPerCall / ref.nsPerCall };
  });
  const mb = ((rows[0] as SerializeRow).modelBytes / 2 ** 20).toFixed(1);
  const text = printTable(
    `5. Serialization of a ${mb} MiB float32 model (round trip = encode + decode; peak = RSS high-water mark above the pre-model RSS, model included)`,
    [
      "case",
      "round trip (wall)",
      "CPU",
      "MiB/s (wall)",
      "vs reference (wall)",
      "peak memory",
      "peak / model",
      "target",
    ],
    rows.map((r) => {
      const isRef = r.reference === r.case;
      const ok = r.ratio <= 1.5 && r.peakOverModel < 3;
      return [
        caseNames[r.case],
        formatNs(r.nsPerCall),
        formatNs(r.cpuNsPerCall),
        r.mbPerSecond.toFixed(0),
        isRef ? "-" : `${formatRatio(r.ratio)} ${r.reference}`,
        budget.quick ? "n/a" : `${(r.peakBytes / 2 ** 20).toFixed(0)} MiB`,
        budget.quick ? "n/a" : formatRatio(r.peakOverModel),
        isRef || budget.quick ? "" : ok ? "met" : "MISSED",
      ];
    }),
  );
  return { rows, text };
}
