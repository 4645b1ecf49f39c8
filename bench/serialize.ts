/**
 * Section 5: serialization of a 100 MB float32 model (25 layers of a 1024x1024 weight and a 1024
 * bias), against tf.io.encodeWeights / decodeWeights on the same tensors:
 *
 * - round trips (encode + decode in one process): `treeCodec().encode` + `decode` (the document
 *   object with base64 strings), `saveTree` + `loadTree`, and tf.io in memory and with files;
 * - each operation alone: encode (`stringifyTree`: model to JSON text), decode (`parseTree`: JSON
 *   text read from a file to a tree), `saveTree`, `loadTree`, and tf.io's `encodeWeights`,
 *   `decodeWeights`, encode + file writes, file reads + decode.
 *
 * Each case runs in a child process of its own, so that its memory figures belong to that case
 * alone. An operation that reads something (decode, load) reads what the matching encode or save
 * child wrote, in a temporary directory the parent owns.
 *
 * Peak memory: the process's resident-set high-water mark while the measured operation runs,
 * above its RSS before the case's input existed, over the model size. It includes the input
 * that must be alive during the operation (the model for encode and save; the text or bytes for
 * decode; nothing for load, which reads the files itself) and every copy the operation makes.
 * On Linux the high-water mark is reset (`/proc/self/clear_refs`) once the input is ready, so
 * making the model or reading the text (a file's bytes and the string made from them) does not
 * count; elsewhere it is `process.resourceUsage().maxRSS`, which does.
 *
 * @module
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { loadTree, parseTree, saveTree, stringifyTree, treeCodec, treeLeaves } from "../src/index.node";
import { formatNs, formatRatio, gc, median, printTable, type Budget } from "./harness";

/** In running order: whatever a case reads was written by a case before it. */
export const serializeCases = [
  "tfio",
  "codec",
  "codec-text",
  "tfio-file",
  "file",
  "tfio-encode",
  "codec-encode",
  "tfio-decode",
  "codec-decode",
  "tfio-save",
  "save",
  "tfio-load",
  "load",
] as const;
export type SerializeCase = (typeof serializeCases)[number];

type Kind = "round trip" | "encode" | "decode";

interface CaseInfo {
  readonly name: string;
  readonly kind: Kind;
  /** The case whose time this one is compared with (itself for a reference). */
  readonly reference: SerializeCase;
  /**
   * The least peak / model the operation can have: what must be alive at its end (the model,
   * the serialized form, the decoded copy), with base64 text 4/3 of the bytes.
   */
  readonly floor: number;
  readonly floorWhy: string;
}

const cases: Record<SerializeCase, CaseInfo> = {
  tfio: {
    name: "tf.io.encodeWeights + decodeWeights (reference)",
    kind: "round trip",
    reference: "tfio",
    floor: 3,
    floorWhy: "model + bytes + decoded",
  },
  codec: {
    name: "treeCodec().encode + decode (base64 JSON document)",
    kind: "round trip",
    reference: "tfio",
    floor: 1 + 4 / 3 + 1,
    floorWhy: "model + base64 + decoded",
  },
  "codec-text": {
    name: "stringifyTree + parseTree (the same, through JSON text)",
    kind: "round trip",
    reference: "tfio",
    // stringifyTree's text is a rope (its pieces are not copied); V8 flattens it into a copy
    // the first time it is read, so the pieces and the copy are alive together once.
    floor: 1 + 4 / 3 + 4 / 3,
    floorWhy: "model + text + V8's flat copy",
  },
  "tfio-file": {
    name: "tf.io encode + write + read + decode (reference)",
    kind: "round trip",
    reference: "tfio-file",
    floor: 3,
    floorWhy: "model + bytes + decoded",
  },
  file: {
    name: "saveTree + loadTree (JSON + binary side file)",
    kind: "round trip",
    reference: "tfio-file",
    floor: 2,
    floorWhy: "model + decoded",
  },
  "tfio-encode": {
    name: "tf.io.encodeWeights (reference)",
    kind: "encode",
    reference: "tfio-encode",
    floor: 2,
    floorWhy: "model + bytes",
  },
  "codec-encode": {
    name: "stringifyTree: model to JSON text",
    kind: "encode",
    reference: "tfio-encode",
    floor: 1 + 4 / 3,
    floorWhy: "model + text",
  },
  "tfio-decode": {
    name: "tf.io.decodeWeights, bytes read from a file (reference)",
    kind: "decode",
    reference: "tfio-decode",
    floor: 2,
    floorWhy: "bytes + decoded",
  },
  "codec-decode": {
    name: "parseTree: JSON text read from a file to a tree",
    kind: "decode",
    reference: "tfio-decode",
    floor: 4 / 3 + 1,
    floorWhy: "text + decoded",
  },
  "tfio-save": {
    name: "tf.io.encodeWeights + file writes (reference)",
    kind: "encode",
    reference: "tfio-save",
    floor: 2,
    floorWhy: "model + bytes",
  },
  save: {
    name: "saveTree",
    kind: "encode",
    reference: "tfio-save",
    floor: 1,
    floorWhy: "model",
  },
  "tfio-load": {
    name: "file reads + tf.io.decodeWeights (reference)",
    kind: "decode",
    reference: "tfio-load",
    floor: 2,
    floorWhy: "bytes + decoded",
  },
  load: {
    name: "loadTree",
    kind: "decode",
    reference: "tfio-load",
    floor: 1,
    floorWhy: "decoded",
  },
};

/** What a child reports. */
export interface SerializeResult {
  readonly case: SerializeCase;
  readonly modelBytes: number;
  readonly repeats: number;
  /** Median wall time of the operation (it includes file I/O, so wall time is the honest figure). */
  readonly nsPerCall: number;
  /** Median CPU time (user + system) of the operation. */
  readonly cpuNsPerCall: number;
  /** Model size in MiB (2^20 bytes) over the median wall time in seconds. */
  readonly mibPerSecond: number;
  /** RSS high-water mark above the RSS before the input existed, in bytes. */
  readonly peakBytes: number;
  readonly peakOverModel: number;
  /** How the peak was taken: `clear_refs` (reset once the input was ready) or `maxRSS`. */
  readonly peakSource: "clear_refs" | "maxRSS";
}

export interface SerializeRow extends SerializeResult {
  readonly kind: Kind;
  readonly reference: SerializeCase;
  readonly ratio: number;
  readonly floor: number;
  readonly verdict: string;
}

type Model = { layers: { w: tf.Tensor; b: tf.Tensor }[] };

const size = 1024;

function layersFor(megabytes: number): number {
  return Math.max(1, Math.round((megabytes * 1024 * 1024) / (size * size * 4)));
}

function modelBytesFor(megabytes: number): number {
  return layersFor(megabytes) * (size * size + size) * 4;
}

/** Disposes what a decode gave back; a Left means the case is broken, not slow. */
function disposeDecoded(back: E.Either<unknown, unknown>, what: string): void {
  if (E.isLeft(back)) throw new Error(`bench: ${what}`);
  disposeAll(back.right);
}

function makeModel(megabytes: number): Model {
  return {
    layers: Array.from({ length: layersFor(megabytes) }, (_, i) => ({
      w: tf.randomUniform([size, size], -1, 1, "float32", i + 1),
      b: tf.randomUniform([size], -1, 1, "float32", 1000 + i),
    })),
  };
}

function disposeAll(tree: unknown): void {
  for (const leaf of treeLeaves(tree)) if (leaf instanceof tf.Tensor) leaf.dispose();
}

function named(model: Model): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  model.layers.forEach((l, i) => {
    out[`layers/${i}/w`] = l.w;
    out[`layers/${i}/b`] = l.b;
  });
  return out;
}

/** The ArrayBuffer of exactly `bytes` (a file read's own buffer, not a copy, when it is exactly that). */
function exactArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

async function writeTfio(dir: string, prefix: string, data: ArrayBuffer, specs: unknown): Promise<void> {
  await fs.promises.writeFile(path.join(dir, `${prefix}.bin`), new Uint8Array(data));
  await fs.promises.writeFile(path.join(dir, `${prefix}.json`), JSON.stringify(specs));
}

async function readTfio(dir: string, prefix: string): Promise<[ArrayBuffer, tf.io.WeightsManifestEntry[]]> {
  const bytes = await fs.promises.readFile(path.join(dir, `${prefix}.bin`));
  const specs = JSON.parse(
    await fs.promises.readFile(path.join(dir, `${prefix}.json`), "utf8"),
  ) as tf.io.WeightsManifestEntry[];
  return [exactArrayBuffer(bytes), specs];
}

/** Resident set size and its high-water mark, from /proc (Linux), or undefined. */
function procMemory(): { rss: number; hwm: number } | undefined {
  try {
    const status = fs.readFileSync("/proc/self/status", "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    if (rss === null || hwm === null) return undefined;
    return { rss: Number(rss[1]) * 1024, hwm: Number(hwm[1]) * 1024 };
  } catch {
    return undefined;
  }
}

/** Resets the RSS high-water mark to the current RSS (Linux >= 4.0); false when it cannot. */
function resetPeak(): boolean {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
    return procMemory() !== undefined;
  } catch {
    return false;
  }
}

/**
 * A case's input (made or read before the measurement), and its operation (measured), which
 * drops or disposes what it made before it returns (so that the gc() before the next repeat
 * frees it), except the output of the last repeat that an encode case writes for the next cases.
 */
interface Prepared {
  /** The operation; `keep` (the last repeat) keeps its output for `finish`. */
  run(keep: boolean): Promise<void>;
  /** After the measurement: writes what the next cases read. */
  finish?(): Promise<void>;
  dispose(): void;
}

async function prepare(
  which: SerializeCase,
  megabytes: number,
  io: string,
  scratch: string,
): Promise<Prepared> {
  const textFile = path.join(io, "codec.tree.json");
  const saveFile = path.join(io, "save", "model.tree.json");
  const encodes = new Set<SerializeCase>([
    "tfio",
    "codec",
    "codec-text",
    "tfio-file",
    "file",
    "tfio-encode",
    "codec-encode",
    "tfio-save",
    "save",
  ]);
  const model = encodes.has(which) ? makeModel(megabytes) : undefined;
  const disposeModel = (): void => {
    if (model !== undefined) disposeAll(model);
  };
  const m = model as Model;
  switch (which) {
    case "tfio":
      return {
        async run() {
          const { data, specs } = await tf.io.encodeWeights(named(m));
          tf.dispose(Object.values(tf.io.decodeWeights(data, specs)));
        },
        dispose: disposeModel,
      };
    case "tfio-file":
      return {
        async run() {
          const { data, specs } = await tf.io.encodeWeights(named(m));
          await writeTfio(scratch, "tfio", data, specs);
          const [bytes, specsBack] = await readTfio(scratch, "tfio");
          tf.dispose(Object.values(tf.io.decodeWeights(bytes, specsBack)));
        },
        dispose: disposeModel,
      };
    case "codec":
      return {
        async run() {
          const codec = treeCodec();
          const back = codec.decode(codec.encode(m));
          disposeDecoded(back, "codec round trip failed");
        },
        dispose: disposeModel,
      };
    case "codec-text":
      return {
        async run() {
          const back = parseTree(stringifyTree(m));
          disposeDecoded(back, "text round trip failed");
        },
        dispose: disposeModel,
      };
    case "file":
      return {
        async run() {
          const file = path.join(scratch, "model.tree.json");
          await saveTree(file, m);
          const back = await loadTree(file);
          disposeDecoded(back, "loadTree failed");
        },
        dispose: disposeModel,
      };
    case "tfio-encode": {
      let last: { data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] } | undefined;
      return {
        async run(keep) {
          const out = await tf.io.encodeWeights(named(m));
          if (keep) last = out;
        },
        async finish() {
          const { data, specs } = last as { data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] };
          last = undefined;
          await writeTfio(io, "tfio", data, specs);
        },
        dispose: disposeModel,
      };
    }
    case "codec-encode": {
      let last: string | undefined;
      return {
        async run(keep) {
          const out = stringifyTree(m);
          if (keep) last = out;
        },
        async finish() {
          fs.writeFileSync(textFile, last as string);
          last = undefined;
        },
        dispose: disposeModel,
      };
    }
    case "tfio-decode": {
      const bytes = exactArrayBuffer(fs.readFileSync(path.join(io, "tfio.bin")));
      const specs = JSON.parse(
        fs.readFileSync(path.join(io, "tfio.json"), "utf8"),
      ) as tf.io.WeightsManifestEntry[];
      return {
        async run() {
          tf.dispose(Object.values(tf.io.decodeWeights(bytes, specs)));
        },
        dispose() {},
      };
    }
    case "codec-decode": {
      const text = fs.readFileSync(textFile, "utf8");
      return {
        async run() {
          const back = parseTree(text);
          disposeDecoded(back, "parseTree failed");
        },
        dispose() {},
      };
    }
    case "tfio-save":
      return {
        async run() {
          const { data, specs } = await tf.io.encodeWeights(named(m));
          await writeTfio(io, "tfio-save", data, specs);
        },
        dispose: disposeModel,
      };
    case "save":
      fs.mkdirSync(path.dirname(saveFile), { recursive: true });
      return {
        async run() {
          await saveTree(saveFile, m);
        },
        dispose: disposeModel,
      };
    case "tfio-load":
      return {
        async run() {
          const [bytes, specs] = await readTfio(io, "tfio-save");
          tf.dispose(Object.values(tf.io.decodeWeights(bytes, specs)));
        },
        dispose() {},
      };
    case "load":
      return {
        async run() {
          const back = await loadTree(saveFile);
          disposeDecoded(back, "loadTree failed");
        },
        dispose() {},
      };
  }
}

/**
 * Runs one case in this process (the child side, or everything in a quick run). `io` is the
 * directory shared by the cases of one run (`PARAMTREE_BENCH_IO` in a child).
 */
export async function runCase(
  which: SerializeCase,
  megabytes: number,
  repeats: number,
  io: string = process.env["PARAMTREE_BENCH_IO"] ?? "",
): Promise<SerializeResult> {
  if (io === "") throw new Error("bench: serialization cases need PARAMTREE_BENCH_IO (a directory)");
  const modelBytes = modelBytesFor(megabytes);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-bench-"));
  gc();
  const rssBefore = process.memoryUsage().rss;
  const times: number[] = [];
  const cpus: number[] = [];
  let peakBytes: number;
  let peakSource: SerializeResult["peakSource"];
  const prepared = await prepare(which, megabytes, io, scratch);
  try {
    gc();
    const reset = resetPeak();
    for (let r = 0; r < repeats; r++) {
      gc();
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      await prepared.run(r === repeats - 1);
      times.push(Number(process.hrtime.bigint() - start));
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) * 1e3);
    }
    const mem = reset ? procMemory() : undefined;
    peakSource = mem !== undefined ? "clear_refs" : "maxRSS";
    peakBytes = (mem !== undefined ? mem.hwm : process.resourceUsage().maxRSS * 1024) - rssBefore;
    await prepared.finish?.();
  } finally {
    prepared.dispose();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const ns = median(times);
  return {
    case: which,
    modelBytes,
    repeats,
    nsPerCall: ns,
    cpuNsPerCall: median(cpus),
    mibPerSecond: modelBytes / 2 ** 20 / (ns / 1e9),
    peakBytes,
    peakOverModel: peakBytes / modelBytes,
    peakSource,
  };
}

function verdict(info: CaseInfo, ratio: number, peak: number, quick: boolean): string {
  if (quick) return "";
  const time = ratio <= 1.5;
  if (info.kind === "round trip") {
    const t = time ? "time met" : "time MISSED";
    if (info.floor >= 3) return `${t}; peak over 3x by construction (floor ${formatRatio(info.floor)})`;
    return peak < 3 ? `${t}; peak met` : `${t}; peak MISSED`;
  }
  const missed = [time ? "" : "time", peak < 3 ? "" : "peak"].filter((s) => s !== "");
  return missed.length === 0 ? "met" : `MISSED (${missed.join(", ")})`;
}

export async function runSerialize(
  budget: Budget,
  benchScript: string,
): Promise<{ rows: SerializeRow[]; text: string }> {
  const megabytes = budget.quick ? 8 : 100;
  const repeats = budget.quick ? 1 : 5;
  const results = new Map<SerializeCase, SerializeResult>();
  const io = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-bench-io-"));
  try {
    for (const which of serializeCases) {
      if (budget.quick) {
        // The smoke run stays in process (seconds, not a child per case); its memory figures are
        // those of the whole benchmark process and mean nothing.
        results.set(which, await runCase(which, megabytes, repeats, io));
        continue;
      }
      const child = spawnSync(
        process.execPath,
        ["--expose-gc", benchScript, `--child=serialize:${which}:${megabytes}:${repeats}`],
        { encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, PARAMTREE_BENCH_IO: io } },
      );
      if (child.status !== 0) {
        throw new Error(`bench: serialization child "${which}" failed (${child.status}):\n${child.stderr}`);
      }
      const line = child.stdout.trim().split("\n").pop() ?? "";
      results.set(which, JSON.parse(line) as SerializeResult);
    }
  } finally {
    fs.rmSync(io, { recursive: true, force: true });
  }
  const rows: SerializeRow[] = serializeCases.map((c) => {
    const info = cases[c];
    const r = results.get(c) as SerializeResult;
    const ref = results.get(info.reference) as SerializeResult;
    const ratio = r.nsPerCall / ref.nsPerCall;
    const isRef = info.reference === c;
    return {
      ...r,
      kind: info.kind,
      reference: info.reference,
      ratio,
      floor: info.floor,
      verdict: isRef ? "" : verdict(info, ratio, r.peakOverModel, budget.quick),
    };
  });
  const first = rows[0] as SerializeRow;
  const mib = (first.modelBytes / 2 ** 20).toFixed(1);
  const mb = (first.modelBytes / 1e6).toFixed(1);
  const source =
    first.peakSource === "clear_refs"
      ? "high-water mark reset once the input was ready"
      : "maxRSS: includes making the input";
  const text = printTable(
    `5. Serialization of a ${mib} MiB (${mb} MB) float32 model: time of the operation, MiB/s = model MiB / time; ` +
      `peak = RSS high-water mark during the operation above the RSS before its input existed (${source}), ` +
      `over the model size; floor = what must be alive at the end (base64 = 4/3 of the bytes); ` +
      `target: <= 1.5x the tf.io time and peak < 3x`,
    ["case", "kind", "time (wall)", "CPU", "MiB/s", "vs tf.io", "peak", "peak / model", "floor", "verdict"],
    rows.map((r) => {
      const info = cases[r.case];
      const isRef = r.reference === r.case;
      return [
        info.name,
        r.kind,
        formatNs(r.nsPerCall),
        formatNs(r.cpuNsPerCall),
        r.mibPerSecond.toFixed(0),
        isRef ? "-" : `${formatRatio(r.ratio)} ${r.reference}`,
        budget.quick ? "n/a" : `${(r.peakBytes / 2 ** 20).toFixed(0)} MiB`,
        budget.quick ? "n/a" : formatRatio(r.peakOverModel),
        `${formatRatio(info.floor)} (${info.floorWhy})`,
        r.verdict,
      ];
    }),
  );
  return { rows, text };
}
