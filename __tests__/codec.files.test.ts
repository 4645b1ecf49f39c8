import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { promises as fsp } from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { initBackend } from "../src/index.node";
import { formatDecodeErrors, loadTree, saveTree, TreeEncodeError } from "../src/index.node";
import type { LoadTreeOptions } from "../src/codec/files";
import { execFileSync } from "child_process";
import { weightsFileName, type SaveFileSystem } from "../src/advanced.node";
import { NonTrainable, Parameterize } from "../src/index.node";
import { deepObject, disposeAll, exactDifference } from "./codec.helpers";

let dir = "";
let before = 0;
beforeAll(async () => {
  await initBackend();
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), "paramtree-codec-"));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  before = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

function model() {
  return {
    layers: [
      {
        w: tf.tensor([
          [1, 2],
          [3, 4],
        ]),
        b: tf.tensor([NaN, -0]),
        act: tf.relu,
      },
      { w: NonTrainable(tf.tensor([1, 2, 3], [3], "int32")), mask: tf.tensor([true, false], [2], "bool") },
    ],
    scale: Parameterize(tf.softplus, tf.tensor([0.25])),
    meta: { name: "m", steps: 3, lr: Infinity, none: null, undef: undefined, _tag: "Mine" },
  };
}

async function loadRight(file: string): Promise<unknown> {
  const r = await loadTree(file);
  if (E.isLeft(r)) throw new Error(formatDecodeErrors(r.left).join("\n"));
  return r.right;
}

async function loadLeft(file: string, options?: LoadTreeOptions): Promise<string[]> {
  const r = await loadTree(file, options);
  if (E.isRight(r)) {
    disposeAll(r.right);
    throw new Error("expected a Left");
  }
  return formatDecodeErrors(r.left);
}

/** Writes a valid model and returns the manifest path and its parsed JSON. */
async function saved(name: string): Promise<{ file: string; bin: string; json: any }> {
  const file = path.join(dir, `${name}.tree.json`);
  const m = model();
  await saveTree(file, m);
  disposeAll(m);
  const json = JSON.parse(await fsp.readFile(file, "utf8"));
  return { file, bin: path.join(dir, json.weightsManifest[0].paths[0]), json };
}

test("weightsFileName: the document's full name, the save's id, .bin", () => {
  expect(weightsFileName("a/b/model.tree.json", "0123456789abcdef")).toBe(
    "model.tree.json.0123456789abcdef.bin",
  );
  expect(weightsFileName("model.JSON", "00000000000000ff")).toBe("model.JSON.00000000000000ff.bin");
  expect(weightsFileName("model", "0123456789abcdef")).toBe("model.0123456789abcdef.bin");
});

test("save then load gives back the tree bit for bit, with tensor bytes in the side file", async () => {
  const file = path.join(dir, "model.tree.json");
  const m = model();
  await saveTree(file, m);
  const json = JSON.parse(await fsp.readFile(file, "utf8"));
  expect(json.format).toBe("paramtree");
  expect(json.weightsManifest[0].paths).toEqual([
    expect.stringMatching(/^model\.tree\.json\.[0-9a-f]{16}\.bin$/),
  ]);
  expect(json.weightsManifest[0].weights.map((w: any) => w.name)).toEqual(
    ["layers/0/b", "layers/0/w", "layers/1/mask", "layers/1/w/tree", "scale/args/0"].sort(
      (a, b) =>
        json.weightsManifest[0].weights.findIndex((w: any) => w.name === a) -
        json.weightsManifest[0].weights.findIndex((w: any) => w.name === b),
    ),
  );
  expect(json.tree.layers[0].w).toEqual({
    _tag: "Tensor",
    dtype: "float32",
    shape: [2, 2],
    weight: "layers/0/w",
  });
  const bin = await fsp.stat(path.join(dir, json.weightsManifest[0].paths[0]));
  expect(bin.size).toBe(4 * 4 + 2 * 4 + 3 * 4 + 2 * 1 + 1 * 4);
  const back = await loadRight(file);
  expect(exactDifference(back, m)).toBeUndefined();
  disposeAll(back);
  disposeAll(m);
});

test("the side file is tfjs's weights format: tf.io.decodeWeights reads it", async () => {
  const { bin, json } = await saved("interop");
  const bytes = await fsp.readFile(bin);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const named = tf.io.decodeWeights(buffer, json.weightsManifest[0].weights);
  expect(Array.from(named["layers/0/w"]!.dataSync())).toEqual([1, 2, 3, 4]);
  expect(Array.from(named["layers/1/w/tree"]!.dataSync())).toEqual([1, 2, 3]);
  expect(named["layers/1/mask"]!.dtype).toBe("bool");
  tf.dispose(Object.values(named));
});

test("a tensor used twice is stored once and comes back as one shared tensor", async () => {
  const file = path.join(dir, "shared.tree.json");
  const x = tf.tensor([1, 2, 3]);
  await saveTree(file, { a: x, b: [x] });
  const json = JSON.parse(await fsp.readFile(file, "utf8"));
  expect(json.weightsManifest[0].weights).toEqual([{ name: "a", shape: [3], dtype: "float32" }]);
  const back = (await loadRight(file)) as any;
  expect(back.a).toBe(back.b[0]);
  back.a.dispose();
  x.dispose();
});

test("inline, a tensor used twice comes back as one shared tensor too (format 1.1)", async () => {
  const file = path.join(dir, "shared-inline.tree.json");
  const x = tf.tensor([1, 2, 3]);
  await saveTree(file, { a: x, b: [x] }, { inline: true });
  const json = JSON.parse(await fsp.readFile(file, "utf8"));
  expect(json.version).toBe("1.1");
  expect([json.tree.a.shared, json.tree.b[0].shared]).toEqual([0, 0]);
  const back = (await loadRight(file)) as any;
  expect(back.a).toBe(back.b[0]);
  expect(Array.from(back.a.dataSync())).toEqual([1, 2, 3]);
  back.a.dispose();
  x.dispose();
});

test("a tree without tensors is a single self-contained JSON file", async () => {
  const file = path.join(dir, "plain.json");
  await saveTree(file, { a: [1, NaN], f: tf.exp });
  expect((await fsp.readdir(dir)).filter((f) => f.startsWith("plain."))).toEqual(["plain.json"]);
  const back = await loadRight(file);
  expect(exactDifference(back, { a: [1, NaN], f: tf.exp })).toBeUndefined();
});

test("inline: one JSON document with base64 tensors, readable by loadTree", async () => {
  const file = path.join(dir, "inline.json");
  const m = model();
  await saveTree(file, m, { inline: true, space: 2 });
  const text = await fsp.readFile(file, "utf8");
  expect(text).toContain('"data": ');
  const back = await loadRight(file);
  expect(exactDifference(back, m)).toBeUndefined();
  disposeAll(back);
  disposeAll(m);
});

test("a deep tree (100,000 levels) saves and loads", async () => {
  const file = path.join(dir, "deep.tree.json");
  const x = tf.scalar(7);
  const deep = deepObject(100_000, x);
  await saveTree(file, deep);
  const back = await loadRight(file);
  expect(exactDifference(back, deep)).toBeUndefined();
  disposeAll(back);
  x.dispose();
});

test("saveTree rejects with a TreeEncodeError naming the key path, and writes nothing", async () => {
  const file = path.join(dir, "bad.tree.json");
  const x = tf.scalar(1);
  await expect(saveTree(file, { ok: x, layers: [{ fn: (y: number) => y }] })).rejects.toThrow(
    TreeEncodeError,
  );
  await expect(saveTree(file, { ok: x, layers: [{ fn: (y: number) => y }] })).rejects.toThrow(
    /\.layers\[0\]\.fn: the function fn is not in the function table/,
  );
  await expect(fsp.stat(file)).rejects.toThrow();
  expect((await fsp.readdir(dir)).filter((f) => f.startsWith("bad."))).toEqual([]);
  x.dispose();
});

test("a hand-built record that would not load is refused by saveTree, inline or with a side file, and nothing is written", async () => {
  const weight = tf.ones([2, 3]);
  const scale = tf.ones([2]); // the constructor builds [2, 1]
  const tree = { layers: [{ _tag: "WeightNormalization", weight, scale }] };
  for (const inline of [false, true]) {
    const file = path.join(dir, `wn-${inline}.json`);
    await expect(saveTree(file, tree, { inline })).rejects.toThrow(
      /^cannot serialize the tree:\n\.layers\[0\]\.scale: expected a float32 tensor of shape \[2, 1\] .* got a float32 tensor of shape \[2\]; the record would not load$/,
    );
    expect((await fsp.readdir(dir)).filter((f) => f.startsWith(`wn-${inline}`))).toEqual([]);
  }
  weight.dispose();
  scale.dispose();
});

describe("bytes move in 1 MiB chunks, not one file call per tensor", () => {
  const quarter = 1 << 18; // float32 elements in 1 MiB
  /** Small tensors around large ones whose sizes straddle the chunk size; every byte distinct-ish. */
  function mixed(): Record<string, unknown> {
    const f32 = (n: number, k: number): tf.Tensor =>
      tf.tensor(
        Float32Array.from({ length: n }, (_, i) => i * 0.5 + k),
        [n],
      );
    return {
      small: Array.from({ length: 3000 }, (_, i) =>
        i % 3 === 0
          ? f32(2, i)
          : i % 3 === 1
            ? tf.tensor([i, -i], [2], "int32")
            : tf.tensor([i % 2 === 0, true, false], [3], "bool"),
      ),
      big: [f32(quarter - 1, 1), f32(1, 2), f32(quarter, 3), f32(3, 4), f32(quarter + 1, 5), f32(0, 6)],
      tail: [f32(5, 7), tf.tensor([true], [1], "bool")],
    };
  }
  /** Node's file system counting the writes to each handle opened with "wx". */
  function countingFs(writes: number[]): SaveFileSystem {
    return {
      open: async (p, flags) => {
        const h = await fsp.open(p, flags);
        if (flags !== "wx") return h;
        const i = writes.push(0) - 1;
        return {
          write: (b: Uint8Array, o: number, l: number) => (
            (writes[i] = (writes[i] as number) + 1),
            h.write(b, o, l)
          ),
          sync: () => h.sync(),
          close: () => h.close(),
        };
      },
      rename: (a, b) => fsp.rename(a, b),
      rm: (p) => fsp.rm(p, { force: true }),
      readdir: (p) => fsp.readdir(p),
      readFile: (p) => fsp.readFile(p, "utf8"),
      mtimeMs: async (p) => (await fsp.stat(p)).mtimeMs,
    };
  }

  test.each([
    ["side file", {}],
    ["inline", { inline: true }],
  ] as const)("%s: 3,008 tensors round-trip bit for bit in a few writes", async (name, options) => {
    const file = path.join(dir, `chunks-${name.replace(" ", "-")}.json`);
    const m = mixed();
    const writes: number[] = [];
    await saveTree(file, m, { ...options, fileSystem: countingFs(writes) });
    // side file: the side file's and the document's writes; inline: the document's
    expect(writes.length).toBe("inline" in options ? 1 : 2);
    for (const n of writes) expect(n).toBeLessThanOrEqual(10);
    const back = await loadRight(file);
    expect(exactDifference(back, m)).toBeUndefined();
    disposeAll(back);
    disposeAll(m);
  });

  test("on the CPU backend (which keeps the arrays it is given) every tensor gets bytes of its own", async () => {
    const file = path.join(dir, "chunks-cpu.json");
    await initBackend("cpu");
    try {
      const m = mixed();
      await saveTree(file, m);
      // Several chunks: a tensor sharing the chunk's memory would be overwritten by the next one.
      const back = await loadRight(file);
      expect(exactDifference(back, m)).toBeUndefined();
      disposeAll(back);
      disposeAll(m);
    } finally {
      await initBackend();
    }
  });

  test("empty tensors first, between and last keep the CRC-32 (zlib answers 0 for an empty array)", async () => {
    const file = path.join(dir, "empties.json");
    const m = {
      a: tf.zeros([0]),
      b: tf.tensor([1, 2]),
      c: tf.zeros([2, 0], "int32"),
      d: tf.tensor([3]),
      e: tf.zeros([0]),
    };
    await saveTree(file, m);
    const back = await loadRight(file);
    expect(exactDifference(back, m)).toBeUndefined();
    disposeAll(back);
    disposeAll(m);
  });

  test("a flipped byte inside a chunk of small tensors, or inside a large one, fails the CRC-32", async () => {
    const file = path.join(dir, "chunks-crc.json");
    const m = mixed();
    await saveTree(file, m);
    disposeAll(m);
    const json = JSON.parse(await fsp.readFile(file, "utf8"));
    const bin = path.join(dir, json.weightsManifest[0].paths[0]);
    const pristine = await fsp.readFile(bin);
    for (const at of [1000, pristine.length - 3 * 1024 * 1024]) {
      const bytes = Buffer.from(pristine);
      bytes[at] = (bytes[at] as number) ^ 0x01;
      await fsp.writeFile(bin, bytes);
      expect(await loadLeft(file)).toEqual([
        expect.stringMatching(
          /^document\.weightsManifest\[0\]: the weights file ".*chunks-crc\.json\.[0-9a-f]{16}\.bin" is corrupt: its CRC-32 is \d+ but the manifest says \d+$/,
        ),
      ]);
    }
  });
});

describe("broken files are Lefts, never rejections", () => {
  test("a missing file", async () => {
    const errors = await loadLeft(path.join(dir, "nope.json"));
    expect(errors[0]).toMatch(/^document: cannot read ".*nope\.json" \(ENOENT/);
  });

  test("a truncated or non-JSON manifest", async () => {
    const { file } = await saved("trunc");
    const text = await fsp.readFile(file, "utf8");
    await fsp.writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    expect((await loadLeft(file))[0]).toMatch(/^document: not JSON .*truncated or corrupt/);
    await fsp.writeFile(file, "\u0000\u0001garbage");
    expect((await loadLeft(file))[0]).toMatch(/^document: not JSON/);
  });

  test("a truncated side file", async () => {
    const { file, bin } = await saved("truncbin");
    const bytes = await fsp.readFile(bin);
    await fsp.writeFile(bin, bytes.subarray(0, bytes.length - 3));
    expect(await loadLeft(file)).toEqual([
      expect.stringMatching(
        /^document\.weightsManifest\[0\]: the weights file ".*truncbin\.tree\.json\.[0-9a-f]{16}\.bin" has \d+ bytes but the manifest describes \d+ \(truncated\?\)$/,
      ),
    ]);
  });

  test("a missing side file", async () => {
    const { file, bin } = await saved("nobin");
    await fsp.rm(bin);
    // The full path, not only the name the manifest holds: the folder is the document's.
    expect(await loadLeft(file)).toEqual([
      `document.weightsManifest[0]: the weights file ${JSON.stringify(bin)} is missing (ENOENT: removed, or the document was copied or moved without it)`,
    ]);
  });

  test("a corrupted side file of the right length (CRC-32)", async () => {
    const { file, bin } = await saved("flip");
    const bytes = await fsp.readFile(bin);
    bytes[5] = (bytes[5] as number) ^ 0x10;
    await fsp.writeFile(bin, bytes);
    expect((await loadLeft(file))[0]).toMatch(/is corrupt: its CRC-32 is \d+ but the manifest says \d+/);
  });

  test("a bool byte that is not 0 or 1", async () => {
    const { file, bin, json } = await saved("boolbyte");
    const bytes = await fsp.readFile(bin);
    const weights = json.weightsManifest[0].weights as { name: string; shape: number[]; dtype: string }[];
    let offset = 0;
    for (const w of weights) {
      if (w.name === "layers/1/mask") break;
      offset += w.shape.reduce((a, b) => a * b, 1) * (w.dtype === "bool" ? 1 : 4);
    }
    bytes[offset] = 7;
    await fsp.writeFile(bin, bytes);
    delete json.weightsCrc32; // a tfjs-written manifest has no CRC: the byte check still applies
    await fsp.writeFile(file, JSON.stringify(json));
    expect((await loadLeft(file, { requireChecksum: false }))[0]).toMatch(
      /weight "layers\/1\/mask": bool element 0 is the byte 7; expected 0 or 1/,
    );
  });

  test("the tree is checked against the manifest before any weight is read", async () => {
    const { file, bin, json } = await saved("checkfirst");
    await fsp.rm(bin); // reading it would fail: the tree error must come first
    json.tree.scale.fn.name = "nope";
    json.tree.layers[0].w.dtype = "int32";
    await fsp.writeFile(file, JSON.stringify(json));
    const errors = await loadLeft(file);
    expect(errors).toEqual([
      expect.stringMatching(
        /^\.layers\[0\]\.w\.dtype: the tensor says dtype "int32" but its weight "layers\/0\/w" is float32$/,
      ),
      expect.stringMatching(/^\.scale\.fn\.name: unknown function name "nope"/),
    ]);
  });

  test("a hostile side-file name cannot leave the document's directory", async () => {
    const { file, json } = await saved("escape");
    for (const name of ["../escape.tree.bin", "/etc/passwd", "..", "a\\b.bin", ""]) {
      json.weightsManifest[0].paths = [name];
      await fsp.writeFile(file, JSON.stringify(json));
      const errors = await loadLeft(file);
      expect(errors[0]).toMatch(/^document\.weightsManifest\[0\]\.paths\[0\]: /);
    }
  });

  test("manifest problems are located: dtype, shape, duplicate names, quantization, shards", async () => {
    const { file, json } = await saved("manifest");
    const weights = json.weightsManifest[0].weights;
    const cases: [(j: any) => void, RegExp][] = [
      [
        (j) => (j.weightsManifest[0].weights[1].dtype = "complex64"),
        /^document\.weightsManifest\[0\]\.weights\[1\]\.dtype: unsupported dtype "complex64"/,
      ],
      [
        (j) => (j.weightsManifest[0].weights[0].shape = [2, -2]),
        /^document\.weightsManifest\[0\]\.weights\[0\]\.shape\[1\]: expected a dimension/,
      ],
      [
        (j) => (j.weightsManifest[0].weights[1].name = j.weightsManifest[0].weights[0].name),
        /^document\.weightsManifest\[0\]\.weights\[1\]\.name: the weight name .* appears twice/,
      ],
      [
        (j) => (j.weightsManifest[0].weights[0].quantization = { dtype: "uint8" }),
        /\.weights\[0\]\.quantization: quantized weights are not supported/,
      ],
      [(j) => (j.weightsManifest[0].paths = ["a.bin", "b.bin"]), /\.paths: sharded weight groups/],
      [(j) => (j.weightsManifest = {}), /^document\.weightsManifest: expected a non-empty array/],
      [(j) => (j.weightsCrc32 = ["x"]), /^document\.weightsCrc32: expected one CRC-32/],
      [(j) => (j.version = "9.0"), /^document\.version: the document has format version 9\.0, newer/],
      [
        (j) => (j.tree.layers[0].w.weight = "missing"),
        /^\.layers\[0\]\.w\.weight: the weight "missing" is not in the weightsManifest/,
      ],
      [
        (j) => (j.tree.layers[0].w.shape = [4]),
        /^\.layers\[0\]\.w\.shape: the tensor says shape \[4\] but its weight "layers\/0\/w" has shape \[2, 2\]/,
      ],
    ];
    for (const [mutate, expected] of cases) {
      const j = JSON.parse(JSON.stringify(json));
      mutate(j);
      await fsp.writeFile(file, JSON.stringify(j));
      expect((await loadLeft(file))[0]).toMatch(expected);
    }
    expect(weights.length).toBe(5);
  });
});

describe("saveTree refuses a path that names no document file, before writing anything", () => {
  test("an empty path, a path ending in a separator, a folder: exact texts, folder unchanged", async () => {
    const sub = await fsp.mkdtemp(path.join(dir, "refuse-"));
    const cwdBefore = await fsp.readdir(process.cwd());
    const x = tf.ones([2]);
    await expect(saveTree("", { x })).rejects.toThrow(
      new Error('saveTree: the path is empty; give a document file such as "model.tree.json"'),
    );
    const slash = sub + "/";
    await expect(saveTree(slash, { x })).rejects.toThrow(
      new Error(
        `saveTree: the path ${JSON.stringify(slash)} ends with a path separator; give a document file name, not a folder`,
      ),
    );
    await expect(saveTree(sub, { x })).rejects.toThrow(
      new Error(`saveTree: the path ${JSON.stringify(sub)} is a folder; give a document file name inside it`),
    );
    await expect(saveTree(sub, { x }, { inline: true })).rejects.toThrow(/is a folder/);
    expect(await fsp.readdir(sub)).toEqual([]);
    expect(await fsp.readdir(process.cwd())).toEqual(cwdBefore);
    x.dispose();
  });

  test("a FIFO or a device at the path is refused at once, inline or not, and nothing is written (no hang)", async () => {
    const sub = await fsp.mkdtemp(path.join(dir, "fifo-save-"));
    const fifo = path.join(sub, "m.json");
    execFileSync("mkfifo", [fifo]);
    const x = tf.ones([2]);
    for (const inline of [false, true]) {
      await expect(saveTree(fifo, { x }, { inline })).rejects.toThrow(
        new Error(
          `saveTree: the path ${JSON.stringify(fifo)} is a FIFO, not a document file; refused before writing anything`,
        ),
      );
    }
    await expect(saveTree("/dev/null", { x })).rejects.toThrow(
      /"\/dev\/null" is a device, not a document file/,
    );
    expect(await fsp.readdir(sub)).toEqual(["m.json"]);
    x.dispose();
  });
});

describe("files are what they claim", () => {
  test("a document without its checksum is refused unless requireChecksum: false", async () => {
    const { file, json } = await saved("nocrc");
    delete json.weightsCrc32;
    await fsp.writeFile(file, JSON.stringify(json));
    expect(await loadLeft(file)).toEqual([
      "document.weightsCrc32: missing: a document with a side file must carry the CRC-32 of it, as saveTree writes; pass { requireChecksum: false } to load a hand-made tfjs manifest",
    ]);
    const r = await loadTree(file, { requireChecksum: false });
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) disposeAll(r.right);
  });

  test("a side file symlinked out of the folder is refused; one within the folder is fine", async () => {
    const sub = await fsp.mkdtemp(path.join(dir, "links-"));
    const file = path.join(sub, "m.json");
    const m = model();
    await saveTree(file, m);
    const json = JSON.parse(await fsp.readFile(file, "utf8"));
    const bin = path.join(sub, json.weightsManifest[0].paths[0]);
    // Within the folder: the side file is a link to a copy next to it.
    await fsp.rename(bin, path.join(sub, "copy.bin"));
    await fsp.symlink("copy.bin", bin);
    const back = await loadRight(file);
    expect(exactDifference(back, m)).toBeUndefined();
    disposeAll(back);
    // Out of the folder.
    const outside = path.join(dir, `outside-${path.basename(sub)}.bin`);
    await fsp.rename(path.join(sub, "copy.bin"), outside);
    await fsp.rm(bin);
    await fsp.symlink(outside, bin);
    const real = await fsp.realpath(outside);
    expect(await loadLeft(file)).toEqual([
      `document.weightsManifest[0]: the weights file ${JSON.stringify(bin)} leads out of the document's folder (to ${JSON.stringify(real)}); refused`,
    ]);
    disposeAll(m);
  });

  test("a side file swapped for a link out of the folder between its check and its opening is refused", async () => {
    const sub = await fsp.mkdtemp(path.join(dir, "swap-"));
    const file = path.join(sub, "m.json");
    const m = model();
    await saveTree(file, m);
    const json = JSON.parse(await fsp.readFile(file, "utf8"));
    const bin = path.join(sub, json.weightsManifest[0].paths[0]);
    // The same bytes outside: only the file's identity tells them apart.
    const outside = path.join(dir, `outside-${path.basename(sub)}.bin`);
    await fsp.copyFile(bin, outside);
    const realOpen = fsp.open.bind(fsp);
    const spy = jest.spyOn(fsp, "open").mockImplementation(async (p, ...rest) => {
      if (p === bin) {
        // Checked (inside the folder) already; now the attacker swaps it.
        await fsp.rm(bin);
        await fsp.symlink(outside, bin);
      }
      return realOpen(p, ...rest);
    });
    let lines: string[];
    try {
      lines = await loadLeft(file);
    } finally {
      spy.mockRestore();
    }
    const real = path.join(await fsp.realpath(sub), path.basename(bin));
    expect(lines).toEqual([
      `document.weightsManifest[0]: the weights file ${JSON.stringify(bin)} was replaced between its check and its opening (the file opened is not ${JSON.stringify(real)}, inside the document's folder); refused`,
    ]);
    // Without the swap the same link is refused at the check, and the file itself loads.
    expect((await loadLeft(file))[0]).toMatch(/leads out of the document's folder/);
    await fsp.rm(bin);
    await fsp.rename(outside, bin);
    const back = await loadRight(file);
    expect(exactDifference(back, m)).toBeUndefined();
    disposeAll(back);
    disposeAll(m);
  });

  test("a FIFO as document or side file is refused without blocking (8 loads at once)", async () => {
    const sub = await fsp.mkdtemp(path.join(dir, "fifo-"));
    const doc = path.join(sub, "fifo.json");
    execFileSync("mkfifo", [doc]);
    const file = path.join(sub, "m.json");
    const m = model();
    await saveTree(file, m);
    disposeAll(m);
    const json = JSON.parse(await fsp.readFile(file, "utf8"));
    const bin = path.join(sub, json.weightsManifest[0].paths[0]);
    await fsp.rm(bin);
    execFileSync("mkfifo", [bin]);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? loadLeft(doc) : loadLeft(file))),
    );
    expect(results[0]).toEqual([
      `document: ${JSON.stringify(doc)} is a FIFO, not a regular file; refused without reading it`,
    ]);
    expect(results[1]).toEqual([
      `document.weightsManifest[0]: ${JSON.stringify(bin)} is a FIFO, not a regular file; refused without reading it`,
    ]);
    // The thread pool is free: an ordinary file operation still completes.
    expect((await fsp.stat(file)).isFile()).toBe(true);
  });
});

describe("a save refuses, before writing anything, what it cannot write", () => {
  test("a folder that does not exist: named with the document's path", async () => {
    const file = path.join(dir, "no-such-folder", "m.json");
    const m = model();
    await expect(saveTree(file, m)).rejects.toThrow(
      `saveTree: the folder of ${JSON.stringify(file)}, ${JSON.stringify(path.dirname(file))}, does not exist (ENOENT); create it first (nothing was written)`,
    );
    // A file where the folder should be.
    const notFolder = path.join(dir, "a-file");
    await fsp.writeFile(notFolder, "x");
    const inFile = path.join(notFolder, "m.json");
    await expect(saveTree(inFile, m)).rejects.toThrow(
      `saveTree: the folder of ${JSON.stringify(inFile)}, ${JSON.stringify(notFolder)}, is a file, not a folder (nothing was written)`,
    );
    const deeper = path.join(notFolder, "sub", "m.json");
    await expect(saveTree(deeper, m)).rejects.toThrow(
      `saveTree: the folder of ${JSON.stringify(deeper)}, ${JSON.stringify(path.dirname(deeper))}, does not exist (ENOTDIR); create it first (nothing was written)`,
    );
    expect(await fsp.readFile(notFolder, "utf8")).toBe("x");
    disposeAll(m);
  });

  test("a file name too long for the temporary name: refused with the path and the limit; 234 bytes work", async () => {
    const sub = await fsp.mkdtemp(path.join(dir, "long-"));
    const m = model();
    for (const length of [235, 255]) {
      const file = path.join(sub, "m".repeat(length - 5) + ".json");
      await expect(saveTree(file, m)).rejects.toThrow(
        `saveTree: the file name of ${JSON.stringify(file)} has ${length} bytes, more than the 234 a save allows: it writes the document under its name plus ".<16 hex digits>.tmp" (and the side file plus ".<16 hex digits>.bin"), and file names have at most 255 bytes; give a shorter name (nothing was written)`,
      );
    }
    // Bytes, not characters: 117 two-byte characters are 234 bytes, 118 are 236.
    await expect(saveTree(path.join(sub, "é".repeat(118)), m)).rejects.toThrow("has 236 bytes");
    expect(await fsp.readdir(sub)).toEqual([]);
    const longest = path.join(sub, "m".repeat(229) + ".json");
    await saveTree(longest, m);
    const back = await loadRight(longest);
    expect(exactDifference(back, m)).toBeUndefined();
    disposeAll(back);
    disposeAll(m);
  });
});

(process.platform === "win32" ? describe.skip : describe)(
  "a save keeps the mode of the document it replaces",
  () => {
    test.each([
      ["with a side file", {}],
      ["inline", { inline: true }],
    ] as const)(
      "%s: 0600 stays 0600, 0640 stays 0640, for the document and its side file",
      async (_name, options) => {
        const sub = await fsp.mkdtemp(path.join(dir, "mode-"));
        const file = path.join(sub, "m.json");
        const m = model();
        await saveTree(file, m, options);
        for (const mode of [0o600, 0o640, 0o664]) {
          await fsp.chmod(file, mode);
          await saveTree(file, m, options);
          expect((await fsp.stat(file)).mode & 0o777).toBe(mode);
          const doc = JSON.parse(await fsp.readFile(file, "utf8"));
          if (doc.weightsManifest !== undefined) {
            const bin = path.join(sub, doc.weightsManifest[0].paths[0]);
            expect((await fsp.stat(bin)).mode & 0o777).toBe(mode);
          }
        }
        disposeAll(m);
      },
    );
  },
);

describe("options of the wrong type: a TypeError from saveTree, a Left from loadTree, naming the option", () => {
  test.each([
    [{ inline: "yes" }, 'options.inline must be true or false, got "yes"'],
    [{ space: "abc" }, 'options.space must be a number of spaces from 0 to 10, got "abc"'],
    [{ space: 11 }, "options.space must be a number of spaces from 0 to 10, got 11"],
    [{ space: 1.5 }, "options.space must be a number of spaces from 0 to 10, got 1.5"],
    [
      { registry: 5 },
      "options.registry must be a Registry (such as defaultRegistry, or one made with registerRecord), got 5",
    ],
    [
      { registry: {} },
      "options.registry must be a Registry (such as defaultRegistry, or one made with registerRecord), got an empty object",
    ],
    [{ functions: 5 }, "options.functions must be an object of functions by name, got 5"],
    [{ maxNodes: "abc" }, 'options.maxNodes must be a positive integer, got "abc"'],
    [
      { fileSystem: {} },
      "options.fileSystem must be a SaveFileSystem with the functions open, rename, rm, readdir, readFile, mtimeMs; got an empty object, without open, rename, rm, readdir, readFile, mtimeMs",
    ],
    [{ fileSystem: { ...fsp, mtimeMs: 1 } }, "without mtimeMs"],
    [
      { leftoverAgeMs: "1" },
      'leftoverAgeMs must be a number of milliseconds from 0 (remove at once) to Infinity (never), got "1"',
    ],
    [5, "the options must be an object, got 5"],
  ] as const)("saveTree with %p", async (options, message) => {
    const sub = await fsp.mkdtemp(path.join(dir, "options-"));
    const m = model();
    const rejected: unknown = await saveTree(path.join(sub, "m.json"), m, options as never).catch(
      (e: unknown) => e,
    );
    expect(rejected).toBeInstanceOf(TypeError);
    if (message.startsWith("without")) expect((rejected as Error).message).toContain(message);
    else expect((rejected as Error).message).toBe(`saveTree: ${message}`);
    expect(await fsp.readdir(sub)).toEqual([]);
    disposeAll(m);
  });

  test.each([
    [{ requireChecksum: "no" }, 'options.requireChecksum must be true or false, got "no"'],
    [
      { registry: 5 },
      "options.registry must be a Registry (such as defaultRegistry, or one made with registerRecord), got 5",
    ],
    [{ functions: [] }, "options.functions must be an object of functions by name, got an array of length 0"],
    [{ maxNodes: 0 }, "options.maxNodes must be a positive integer, got 0"],
    ["x", 'the options must be an object, got "x"'],
  ] as const)("loadTree with %p", async (options, message) => {
    const { file } = await saved("options");
    expect(await loadLeft(file, options as never)).toEqual([`document: loadTree: ${message}`]);
  });
});

describe("weightSpecsCrc32: the manifest's order, names, shapes and dtypes are checked, not only the bytes", () => {
  async function savedPair(name: string): Promise<{ file: string; json: any }> {
    const file = path.join(dir, `${name}.json`);
    const m = { a: tf.tensor([1, 2]), b: tf.tensor([3, 4]) };
    await saveTree(file, m);
    disposeAll(m);
    return { file, json: JSON.parse(await fsp.readFile(file, "utf8")) };
  }

  test("two weights swapped in the manifest (bytes unchanged, weightsCrc32 still right) are refused", async () => {
    const { file, json } = await savedPair("swapped");
    expect(json.version).toBe("1.1");
    const crc = json.weightSpecsCrc32;
    const ws = json.weightsManifest[0].weights;
    // The same checksum as tf.io saves' userDefinedMetadata.weightSpecsCrc32: the CRC-32 of the
    // specs' JSON text, here from Node's zlib as an independent reference.
    const specsText = JSON.stringify(ws.map((w: any) => ({ name: w.name, shape: w.shape, dtype: w.dtype })));
    expect(crc).toBe(zlib.crc32(Buffer.from(specsText, "utf8")));
    expect(ws.map((w: { name: string }) => w.name)).toEqual(["a", "b"]);
    json.weightsManifest[0].weights = [ws[1], ws[0]];
    await fsp.writeFile(file, JSON.stringify(json));
    const errors = await loadLeft(file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^document\\.weightSpecsCrc32: the weightsManifest's weight specs do not match their CRC-32 \\(\\d+, the document says ${crc}\\): a weight's name, shape, dtype or order was changed, and its bytes would go to the wrong tensor; refused before reading them$`,
      ),
    );
  });

  test("a document of version 1.0 (written before the field) still loads; one of 1.1 without it does not", async () => {
    const { file, json } = await savedPair("v10");
    delete json.weightSpecsCrc32;
    json.version = "1.0";
    await fsp.writeFile(file, JSON.stringify(json));
    const back = await loadRight(file);
    const expected = { a: tf.tensor([1, 2]), b: tf.tensor([3, 4]) };
    expect(exactDifference(back, expected)).toBeUndefined();
    disposeAll(back);
    disposeAll(expected);
    json.version = "1.1";
    await fsp.writeFile(file, JSON.stringify(json));
    expect(await loadLeft(file)).toEqual([
      "document.weightSpecsCrc32: missing: a document of version 1.1 with a side file must carry the CRC-32 of its weight specs, as saveTree writes; pass { requireChecksum: false } to load it without",
    ]);
    const r = await loadTree(file, { requireChecksum: false });
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) disposeAll(r.right);
  });

  test("a weightSpecsCrc32 that is not a CRC-32 is refused", async () => {
    const { file, json } = await savedPair("badcrc");
    json.weightSpecsCrc32 = "x";
    await fsp.writeFile(file, JSON.stringify(json));
    expect(await loadLeft(file)).toEqual([
      `document.weightSpecsCrc32: expected the CRC-32 of the weightsManifest's weight specs (an integer from 0 to 4294967295), got "x"`,
    ]);
  });
});
