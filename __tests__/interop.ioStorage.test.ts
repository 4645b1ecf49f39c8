/**
 * Trees through tf.io: an in-memory IOHandler, Node's http:// against a server on 127.0.0.1
 * (tfjs's http handler saves with a multipart POST), file:// and plain paths through the Node
 * entry's dispatcher, and every refusal with its place.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import {
  disposeTree,
  formatDecodeErrors,
  initBackend,
  loadTree,
  NonTrainable,
  Parameterize,
  saveTree,
  treeLeaves,
  unwrap,
  WeightNormalization,
} from "../src/index.node";
import { loadTreeIO, saveTreeIO } from "../src";

beforeAll(async () => {
  await initBackend();
});

/** A model with wrappers, static fields, every dtype, special numbers and a shared tensor. */
function model(): { tree: unknown; tensors: tf.Tensor[] } {
  const shared = tf.tensor1d([1.5, -0, NaN, Infinity]);
  const w = tf.tensor2d([
    [3, 4],
    [0.1, -7e-30],
  ]);
  const ints = tf.tensor1d([1, -2, 2147483647], "int32");
  const flags = tf.tensor1d([true, false, true], "bool");
  const tree = {
    layer: { weight: WeightNormalization(w), bias: shared },
    again: shared,
    frozen: NonTrainable({ ints, flags }),
    noise: Parameterize(tf.softplus, tf.scalar(-1.25)),
    meta: { name: "mlp", eps: -0, lr: NaN, units: [2, null] },
  };
  return { tree, tensors: treeLeaves(tree).filter((x): x is tf.Tensor => x instanceof tf.Tensor) };
}

/** Bytes of every tensor leaf, and the other leaves, for a bit-exact comparison. */
function fingerprint(tree: unknown): unknown[] {
  return treeLeaves(tree).map((x) =>
    x instanceof tf.Tensor ? [x.dtype, x.shape, Array.from(new Uint8Array(x.dataSync().buffer.slice(0)))] : x,
  );
}

/** An IOHandler that keeps the artifacts in memory. */
function memoryHandler(): tf.io.IOHandler & { artifacts?: tf.io.ModelArtifacts } {
  const h: tf.io.IOHandler & { artifacts?: tf.io.ModelArtifacts } = {
    save: async (a) => {
      h.artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    },
    load: async () => {
      if (h.artifacts === undefined) throw new Error("nothing saved");
      return h.artifacts;
    },
  };
  return h;
}

async function roundTrip(
  save: (tree: unknown) => Promise<unknown>,
  load: () => Promise<E.Either<unknown, unknown>>,
) {
  const before = tf.memory().numTensors;
  const { tree, tensors } = model();
  await save(tree);
  const back = await load();
  if (E.isLeft(back)) throw new Error(formatDecodeErrors(back.left as never).join("\n"));
  expect(fingerprint(back.right)).toEqual(fingerprint(tree));
  // The shared tensor comes back as one tensor, twice.
  const b = back.right as { layer: { bias: tf.Tensor }; again: tf.Tensor };
  expect(b.again).toBe(b.layer.bias);
  // Wrappers come back as wrappers and unwrap alike.
  const u0 = unwrap(tree) as { layer: { weight: tf.Tensor } };
  const u1 = unwrap(back.right) as { layer: { weight: tf.Tensor } };
  expect(Array.from(u1.layer.weight.dataSync())).toEqual(Array.from(u0.layer.weight.dataSync()));
  disposeTree([u0, u1]);
  disposeTree(back.right);
  tf.dispose(tensors);
  disposeTree(tree);
  expect(tf.memory().numTensors).toBe(before);
}

describe("an in-memory IOHandler", () => {
  test("round trip, bit-exact, wrappers and static fields included", async () => {
    const h = memoryHandler();
    await roundTrip(
      (tree) => saveTreeIO(h, tree),
      () => loadTreeIO(h),
    );
  });

  test("the artifacts are tfjs's: tf.io.decodeWeights reads the weights; the document is in the metadata", async () => {
    const before = tf.memory().numTensors;
    const h = memoryHandler();
    const w = tf.tensor2d([[1, 2]]);
    await saveTree(h, { dense: { kernel: w }, note: "x" });
    const a = h.artifacts as tf.io.ModelArtifacts;
    expect(a.format).toBe("paramtree-tree");
    expect(a.weightSpecs).toEqual([{ name: "dense/kernel", shape: [1, 2], dtype: "float32" }]);
    const decoded = tf.io.decodeWeights(a.weightData as ArrayBuffer, a.weightSpecs ?? []);
    expect(Array.from((decoded["dense/kernel"] as tf.Tensor).dataSync())).toEqual([1, 2]);
    expect((a.userDefinedMetadata as { paramtree: unknown }).paramtree).toEqual({
      format: "paramtree",
      version: "1.0",
      tree: {
        dense: { kernel: { _tag: "Tensor", dtype: "float32", shape: [1, 2], weight: "dense/kernel" } },
        note: "x",
      },
    });
    tf.dispose([w, ...Object.values(decoded)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a tree without tensors", async () => {
    const h = memoryHandler();
    await saveTree(h, { a: [1, "two", null] });
    expect(await loadTree(h)).toEqual(E.right({ a: [1, "two", null] }));
  });
});

describe("refusals, each naming the place, leaking nothing", () => {
  async function saved(): Promise<tf.io.ModelArtifacts> {
    const h = memoryHandler();
    const w = tf.tensor1d([1, 2, 3]);
    await saveTree(h, { w, n: tf.scalar(1, "int32") });
    tf.dispose(treeLeaves(w));
    return h.artifacts as tf.io.ModelArtifacts;
  }
  async function loadErrors(a: tf.io.ModelArtifacts): Promise<string[]> {
    const before = tf.memory().numTensors;
    const r = await loadTree(tf.io.fromMemory(a));
    expect(tf.memory().numTensors).toBe(before);
    return E.isLeft(r) ? formatDecodeErrors(r.left) : ["loaded"];
  }
  let start: number;
  beforeEach(() => {
    start = tf.memory().numTensors;
  });
  afterEach(() => {
    tf.disposeVariables();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(start + 1); // the int32 scalar of saved()
  });

  test("a corrupt byte (checksum)", async () => {
    const a = await saved();
    const bytes = new Uint8Array((a.weightData as ArrayBuffer).slice(0));
    bytes[5] = (bytes[5] as number) ^ 1;
    expect(await loadErrors({ ...a, weightData: bytes.buffer })).toEqual([
      expect.stringMatching(
        /^document\.weightData: the weight data of the IOHandler is corrupt: its CRC-32 is \d+ but the metadata says \d+$/,
      ),
    ]);
  });

  test("truncated weight data, and weight specs that do not check out", async () => {
    const a = await saved();
    expect(await loadErrors({ ...a, weightData: (a.weightData as ArrayBuffer).slice(0, 8) })).toEqual([
      "document.weightData: the weight data has 8 bytes but the weight specs describe 16 (truncated?)",
    ]);
    const specs = (a.weightSpecs ?? []).map((s) => ({ ...s }));
    (specs[1] as { shape: number[] }).shape = [-1];
    (specs[0] as { dtype: string }).dtype = "complex64";
    const errs = await loadErrors({ ...a, weightSpecs: specs });
    expect(errs.length).toBe(2);
    expect(errs[0]).toMatch(/^document\.weightSpecs\[0\]\.dtype: .*complex64/);
    expect(errs[1]).toMatch(/^document\.weightSpecs\[1\]\.shape\[0\]: expected a dimension/);
  });

  test("a tree whose weights are not in the artifacts, with its key path", async () => {
    const a = await saved();
    const doc = JSON.parse(JSON.stringify((a.userDefinedMetadata as { paramtree: unknown }).paramtree)) as {
      tree: { w: { weight: string } };
    };
    doc.tree.w.weight = "nope";
    const errs = await loadErrors({
      ...a,
      userDefinedMetadata: { ...a.userDefinedMetadata, paramtree: doc },
    });
    expect(errs.join("\n")).toMatch(/^\.w/);
    expect(errs.join("\n")).toMatch(/nope/);
  });

  test("a newer document version, and artifacts that are not a paramtree tree", async () => {
    const a = await saved();
    const doc = { ...(a.userDefinedMetadata as { paramtree: object }).paramtree, version: "2.0" };
    expect(
      await loadErrors({ ...a, userDefinedMetadata: { ...a.userDefinedMetadata, paramtree: doc } }),
    ).toEqual([expect.stringMatching(/^document\.version: .*newer than this reader understands/)]);
    const { userDefinedMetadata: _dropped, ...layersModelLike } = a;
    expect(await loadErrors(layersModelLike)).toEqual([
      expect.stringMatching(/no paramtree tree \(no userDefinedMetadata\.paramtree\); is it a tfjs model\?/),
    ]);
  });

  test("no handler, a failing handler, a bad handler; save refuses what it cannot write", async () => {
    const bad = await loadTree(undefined as never);
    expect(E.isLeft(bad) && formatDecodeErrors(bad.left)).toEqual([
      "document: expected a URL or an IOHandler with load(), got undefined",
    ]);
    const none = await loadTree("nosuchscheme://m");
    expect(E.isLeft(none) && formatDecodeErrors(none.left)).toEqual([
      'document: no tf.io handler loads "nosuchscheme://m" (tfjs routes indexeddb://, localstorage:// and http(s):// in the browser, http(s):// in Node)',
    ]);
    const failing = await loadTree({ load: () => Promise.reject(new Error("offline")) });
    expect(E.isLeft(failing) && formatDecodeErrors(failing.left)).toEqual([
      "document: cannot load the IOHandler (offline)",
    ]);
    await expect(saveTree("nosuchscheme://m", { a: 1 })).rejects.toThrow(
      /no tf.io handler saves to "nosuchscheme:\/\/m"/,
    );
    const h = memoryHandler();
    await expect(saveTree(h, { a: { f: () => 1 } })).rejects.toThrow(/\.a\.f/);
    expect(h.artifacts).toBeUndefined();
  });
});

describe("Node: file:// and paths go to the files layer", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-io-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("file:// round trip (and the files land where the path says)", async () => {
    const file = path.join(dir, "model.tree.json");
    const url = pathToFileURL(file).href;
    await roundTrip(
      (tree) => saveTree(url, tree),
      () => loadTree(url),
    );
    // The document, and the side file named after its full name and this save's id.
    const files = fs.readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe("model.tree.json");
    expect(files[1]).toMatch(/^model\.tree\.json\.[0-9a-f]{16}\.bin$/);
  });

  test("a missing file:// is a Left naming the path", async () => {
    const r = await loadTree(pathToFileURL(path.join(dir, "none.json")).href);
    expect(E.isLeft(r) && formatDecodeErrors(r.left)[0]).toMatch(/cannot read ".*none\.json"/);
  });

  test("a file:// URL naming no local file: loadTree gives a Left, saveTree refuses with the URL (nothing written)", async () => {
    for (const url of ["file://host/tmp/x.json", "file:///tmp/a%2Fb.json"]) {
      const r = await loadTree(url);
      expect(E.isLeft(r) && formatDecodeErrors(r.left)[0]).toBe(
        `document: ${JSON.stringify(url)} names no local file (${url.includes("host") ? 'File URL host must be "localhost" or empty on linux' : "File URL path must not include encoded / characters"})`,
      );
      await expect(saveTree(url, { a: 1 })).rejects.toThrow(
        `saveTree: ${JSON.stringify(url)} names no local file`,
      );
    }
    expect(fs.existsSync("/tmp/a%2Fb.json")).toBe(false);
  });

  test("an IOHandler whose artifacts throw when read gives a Left, not a rejection", async () => {
    const handler: tf.io.IOHandler = {
      load: () =>
        Promise.resolve({
          get userDefinedMetadata(): Record<string, unknown> {
            throw new Error("getter");
          },
        } as tf.io.ModelArtifacts),
    };
    const r = await loadTree(handler);
    expect(E.isLeft(r) && formatDecodeErrors(r.left)[0]).toMatch(/cannot read what .* loaded \(getter\)/);
  });
});

describe("Node: http:// against a server on 127.0.0.1", () => {
  let server: http.Server;
  let base: string;
  const stored = new Map<string, Buffer>();
  const posts: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void (async () => {
          if (req.method === "POST") {
            posts.push(String(req.headers["content-type"]));
            // tfjs's http handler sends multipart/form-data: model.json and model.weights.bin.
            const form = await new Response(Buffer.concat(chunks), {
              headers: { "content-type": String(req.headers["content-type"]) },
            }).formData();
            for (const key of ["model.json", "model.weights.bin"]) {
              const file = form.get(key) as File | null;
              if (file === null) continue;
              stored.set(`/${file.name}`, Buffer.from(await file.arrayBuffer()));
            }
            res.writeHead(200).end();
            return;
          }
          const body = stored.get(req.url ?? "");
          if (body === undefined) res.writeHead(404).end("not found");
          else res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("saves with a multipart POST, loads model.json and its weights back, bit-exact", async () => {
    await roundTrip(
      (tree) => saveTree(`${base}/upload`, tree),
      () => loadTree(`${base}/model.json`),
    );
    expect(posts).toEqual([expect.stringMatching(/^multipart\/form-data/)]);
    expect([...stored.keys()].sort()).toEqual(["/model.json", "/model.weights.bin"]);
    const json = JSON.parse(stored.get("/model.json")?.toString("utf8") ?? "") as Record<string, unknown>;
    expect(json["format"]).toBe("paramtree-tree");
    expect((json["userDefinedMetadata"] as { paramtree: { format: string } }).paramtree.format).toBe(
      "paramtree",
    );
  });

  test("a missing model is a Left naming the URL", async () => {
    const r = await loadTree(`${base}/missing.json`);
    expect(E.isLeft(r) && formatDecodeErrors(r.left)[0]).toMatch(/cannot load ".*\/missing\.json" \(.*404/);
  });

  test("a page that is not JSON, a missing weights file, a tfjs model without a tree, no server: Lefts naming the URL", async () => {
    const before = tf.memory().numTensors;
    const first = (r: E.Either<unknown, unknown>): string | false =>
      E.isLeft(r) && formatDecodeErrors(r.left as Parameters<typeof formatDecodeErrors>[0])[0]!;
    stored.set("/page.html", Buffer.from("<!doctype html><title>not a model</title>"));
    expect(first(await loadTree(`${base}/page.html`))).toMatch(
      /^document: cannot load "http:\/\/127\.0\.0\.1:\d+\/page\.html" \(Failed to parse model JSON of response from http:\/\/127\.0\.0\.1:\d+\/page\.html/,
    );
    // A model.json whose weights file is gone (404).
    const w = tf.tensor([1, 2]);
    await saveTree(`${base}/upload`, { w });
    w.dispose();
    stored.set("/orphan.json", stored.get("/model.json") as Buffer);
    const manifest = JSON.parse((stored.get("/orphan.json") as Buffer).toString("utf8")) as {
      weightsManifest: { paths: string[] }[];
    };
    manifest.weightsManifest[0]!.paths = ["./gone.weights.bin"];
    stored.set("/orphan.json", Buffer.from(JSON.stringify(manifest)));
    expect(first(await loadTree(`${base}/orphan.json`))).toMatch(
      /^document: cannot load "http:\/\/127\.0\.0\.1:\d+\/orphan\.json" \(the weights file http:\/\/127\.0\.0\.1:\d+\/(\.\/)?gone\.weights\.bin answered HTTP 404 Not Found\)$/,
    );
    // A tfjs model.json that carries no tree.
    stored.set(
      "/layers.json",
      Buffer.from(JSON.stringify({ modelTopology: { class_name: "Sequential" }, weightsManifest: [] })),
    );
    expect(first(await loadTree(`${base}/layers.json`))).toMatch(
      /^document\.userDefinedMetadata: "http:\/\/127\.0\.0\.1:\d+\/layers\.json" holds no paramtree tree \(no userDefinedMetadata\.paramtree\); is it a tfjs model\? load it with tf\.loadLayersModel$/,
    );
    // Nothing listens on the port of a closed server.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // The URL and the cause (Node's fetch says only "fetch failed"; its cause has the code).
    expect(await loadTree(`http://127.0.0.1:${port}/model.json`)).toEqual(
      E.left([
        expect.objectContaining({
          message: `cannot load "http://127.0.0.1:${port}/model.json" (fetch failed: connect ECONNREFUSED 127.0.0.1:${port})`,
        }),
      ]),
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a save to a closed port names the URL and the cause", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const w = tf.tensor([1, 2]);
    const url = `http://127.0.0.1:${port}/model.json`;
    const rejected: unknown = await saveTree(url, { w }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(Error);
    expect((rejected as Error).message).toBe(
      `saveTree: cannot save to "${url}" (fetch failed: connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    expect(((rejected as Error).cause as Error).message).toBe("fetch failed");
    w.dispose();
  });
});

describe("options of the wrong type are named, whichever way the tree goes", () => {
  const handler = tf.io.withSaveHandler(async () => ({
    modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
  }));
  test.each([
    [
      { registry: 5 },
      "options.registry must be a Registry (such as defaultRegistry, or one made with registerRecord), got 5",
    ],
    [{ functions: "exp" }, 'options.functions must be an object of functions by name, got "exp"'],
    [{ maxNodes: "10" }, 'options.maxNodes must be a positive integer, got "10"'],
    ["inline", 'the options must be an object, got "inline"'],
  ] as const)("%p", async (options, message) => {
    const w = tf.tensor([1]);
    await expect(saveTreeIO(handler, { w }, options as never)).rejects.toThrow(
      new TypeError(`saveTree: ${message}`),
    );
    await expect(saveTree(handler, { w }, options as never)).rejects.toThrow(
      new TypeError(`saveTree: ${message}`),
    );
    for (const load of [loadTreeIO, loadTree]) {
      const r = await load(tf.io.fromMemory({ modelTopology: {} }), options as never);
      expect(E.isLeft(r) && formatDecodeErrors(r.left)).toEqual([`document: loadTree: ${message}`]);
    }
    w.dispose();
  });
  test("saveTree's own options are checked for a URL too", async () => {
    await expect(saveTree(handler, { lr: 1 }, { inline: "yes" } as never)).rejects.toThrow(
      new TypeError('saveTree: options.inline must be true or false, got "yes"'),
    );
    const r = await loadTree(tf.io.fromMemory({ modelTopology: {} }), { requireChecksum: 1 } as never);
    expect(E.isLeft(r) && formatDecodeErrors(r.left)).toEqual([
      "document: loadTree: options.requireChecksum must be true or false, got 1",
    ]);
  });
});

describe("weightSpecsCrc32: the order, names, shapes and dtypes of the weights are checked, not only the bytes", () => {
  async function savedPair(): Promise<tf.io.ModelArtifacts> {
    let saved: tf.io.ModelArtifacts | undefined;
    const handler = tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    });
    const m = { a: tf.tensor([1, 2]), b: tf.tensor([3, 4]) };
    await saveTreeIO(handler, m);
    disposeTree(m);
    return saved as tf.io.ModelArtifacts;
  }

  test("two weights swapped in the specs (bytes unchanged, weightsCrc32 still right) are refused", async () => {
    const artifacts = await savedPair();
    const specs = artifacts.weightSpecs as tf.io.WeightsManifestEntry[];
    const crc = (artifacts.userDefinedMetadata as { weightSpecsCrc32: number }).weightSpecsCrc32;
    const swapped = { ...artifacts, weightSpecs: [specs[1], specs[0]] as tf.io.WeightsManifestEntry[] };
    const r = await loadTreeIO(tf.io.fromMemory(swapped));
    expect(E.isLeft(r) && formatDecodeErrors(r.left)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^document\\.userDefinedMetadata\\.weightSpecsCrc32: the weight specs of the IOHandler do not match their CRC-32 \\(\\d+, the metadata says ${crc}\\): a weight's name, shape, dtype or place was changed, and its bytes would go to the wrong tensor$`,
        ),
      ),
    ]);
  });

  test("artifacts written before it (without weightSpecsCrc32) still load; a value that is no CRC-32 is refused", async () => {
    const artifacts = await savedPair();
    const { weightSpecsCrc32: _dropped, ...older } = artifacts.userDefinedMetadata as Record<string, unknown>;
    const r = await loadTreeIO(tf.io.fromMemory({ ...artifacts, userDefinedMetadata: older }));
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) disposeTree(r.right);
    const bad = await loadTreeIO(
      tf.io.fromMemory({ ...artifacts, userDefinedMetadata: { ...older, weightSpecsCrc32: "x" } }),
    );
    expect(E.isLeft(bad) && formatDecodeErrors(bad.left)).toEqual([
      'document.userDefinedMetadata.weightSpecsCrc32: expected the CRC-32 of the weight specs (an integer from 0 to 4294967295), got "x"',
    ]);
  });
});
