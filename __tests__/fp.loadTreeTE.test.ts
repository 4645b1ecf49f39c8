import { promises as fsp } from "fs";
import * as os from "os";
import * as nodePath from "path";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import * as TE from "fp-ts/TaskEither";
import { initBackend } from "../src/index.node";
import { saveTree } from "../src/index.node";
import { loadTreeTE, withLoadedTree } from "../src/index.node";
import * as T from "../src/fp/Tree";
import { formatTreeError } from "../src/index.node";
import { checkLeaves, isDecodeErrors, isInvalidLeaves } from "../src/advanced.node";
import { unwrapEither } from "../src/index.node";
import { treeLeaves } from "../src/index.node";
import { invSoftplus } from "../src/index.node";
import { NonTrainable } from "../src/index.node";
import { Parameterize } from "../src/index.node";
import { isUnwrapError } from "../src/index.node";
import * as browser from "../src";
import { loadTreeTEWith } from "../src/fp/loadTreeTE";
import { pathToFileURL } from "url";

let dir: string;

beforeAll(async () => {
  await initBackend();
  dir = await fsp.mkdtemp(nodePath.join(os.tmpdir(), "paramtree-fp-"));
});

afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const tensorsOf = (tree: unknown) => treeLeaves(tree).filter((x): x is tf.Tensor => x instanceof tf.Tensor);

/** Saves a small model: a softplus-parameterised scale, a frozen bias, a plain weight. */
async function saveModel(file: string, raw: number[] = [0, 1]): Promise<void> {
  const model = {
    w: tf.tensor2d([
      [1, 2],
      [3, 4],
    ]),
    scale: Parameterize(tf.softplus, tf.tensor1d(raw)),
    bias: NonTrainable(tf.tensor1d([0.5, -0.5])),
  };
  await saveTree(file, model);
  tf.dispose(tensorsOf(model));
}

const finiteTensor = (x: unknown) => {
  if (!(x instanceof tf.Tensor)) return undefined;
  const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(x))));
  const any = bad.dataSync()[0];
  bad.dispose();
  return any ? "has non-finite values" : undefined;
};

test("loadTreeTE: Right of the saved tree (values equal by Tree.getEq)", async () => {
  const file = nodePath.join(dir, "ok.tree.json");
  await saveModel(file);
  const before = tf.memory().numTensors;
  const loaded = await loadTreeTE(file)();
  expect(E.isRight(loaded)).toBe(true);
  if (E.isRight(loaded)) {
    const expected = {
      w: tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      scale: Parameterize(tf.softplus, tf.tensor1d([0, 1])),
      bias: NonTrainable(tf.tensor1d([0.5, -0.5])),
    };
    expect(T.getEq().equals(loaded.right, expected)).toBe(true);
    const other = tf.tensor2d([
      [1, 2],
      [3, 5],
    ]);
    expect(T.getEq().equals(loaded.right, { ...expected, w: other })).toBe(false);
    tf.dispose([other, ...tensorsOf(expected), ...tensorsOf(loaded.right)]);
  }
  expect(tf.memory().numTensors).toBe(before);
});

test("loadTreeTE: a missing file and a truncated weights file are Lefts naming the file; nothing leaks", async () => {
  const missing = await loadTreeTE(nodePath.join(dir, "nope.tree.json"))();
  expect(E.isLeft(missing) && formatTreeError(missing.left)).toMatch(/nope\.tree\.json/);

  const file = nodePath.join(dir, "truncated.tree.json");
  await saveModel(file);
  const bin = nodePath.join(dir, JSON.parse(await fsp.readFile(file, "utf8")).weightsManifest[0].paths[0]);
  const bytes = await fsp.readFile(bin);
  await fsp.writeFile(bin, bytes.subarray(0, bytes.length - 3));
  const before = tf.memory().numTensors;
  const result = await loadTreeTE(file)();
  expect(tf.memory().numTensors).toBe(before);
  expect(E.isLeft(result) && isDecodeErrors(result.left)).toBe(true);
  if (E.isLeft(result)) expect(formatTreeError(result.left)).toMatch(/truncated/);
});

test("withLoadedTree: load -> check -> unwrap; raw tensors not in the model are disposed", async () => {
  const file = nodePath.join(dir, "model.tree.json");
  await saveModel(file);
  const before = tf.memory().numTensors;
  const result = await pipe(
    withLoadedTree(file)((tree) =>
      TE.fromEither(pipe(checkLeaves(finiteTensor)(tree), E.flatMap(unwrapEither))),
    ),
  )();
  expect(E.isRight(result)).toBe(true);
  if (E.isRight(result)) {
    const model = result.right as { w: tf.Tensor; scale: tf.Tensor; bias: tf.Tensor };
    // softplus(0) = log 2, softplus(1) = log(1 + e), computed by hand
    const s = model.scale.dataSync();
    expect(s[0]).toBeCloseTo(Math.log(2), 5);
    expect(s[1]).toBeCloseTo(Math.log(1 + Math.E), 5);
    expect(Array.from(model.w.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(model.bias.dataSync())).toEqual([0.5, -0.5]);
    // alive: the model's tensors only (the loaded raw scale was disposed)
    const alive = new Set(tensorsOf(model)).size;
    expect(tf.memory().numTensors).toBe(before + alive);
    tf.dispose(tensorsOf(model));
  }
  expect(tf.memory().numTensors).toBe(before);
});

test("withLoadedTree: a use that throws, or whose task rejects, disposes every loaded tensor and rethrows", async () => {
  const file = nodePath.join(dir, "throws.tree.json");
  await saveModel(file);
  const before = tf.memory().numTensors;
  const throwing = withLoadedTree(file)(() => {
    throw new Error("use threw");
  });
  await expect(throwing()).rejects.toThrow("use threw");
  expect(tf.memory().numTensors).toBe(before);
  const rejecting = withLoadedTree(file)(() => () => Promise.reject(new Error("task rejected")));
  await expect(rejecting()).rejects.toThrow("task rejected");
  expect(tf.memory().numTensors).toBe(before);
  // A tfjs error inside the model function, as in the README's pipeline.
  const shapes = withLoadedTree(file)((tree) =>
    TE.right(tf.tidy(() => tf.matMul((tree as { w: tf.Tensor }).w, tf.ones([3, 3])))),
  );
  await expect(shapes()).rejects.toThrow(/matMul/);
  expect(tf.memory().numTensors).toBe(before);
});

test("withLoadedTree: returning the loaded tree keeps it", async () => {
  const file = nodePath.join(dir, "keep.tree.json");
  await saveModel(file);
  const before = tf.memory().numTensors;
  const result = await withLoadedTree(file)((params) =>
    TE.fromEither(
      pipe(
        unwrapEither(params),
        E.map((model) => ({ params, model })),
      ),
    ),
  )();
  expect(E.isRight(result)).toBe(true);
  if (E.isRight(result)) {
    const all = tensorsOf(result.right);
    expect(all.every((t) => !t.isDisposed)).toBe(true);
    tf.dispose(all);
  }
  expect(tf.memory().numTensors).toBe(before);
});

test("withLoadedTree: a failing unwrap or check disposes every loaded tensor", async () => {
  const functions = { invSoftplus };
  const bad = nodePath.join(dir, "bad-unwrap.tree.json");
  const x = tf.tensor1d([1, -2]);
  await saveTree(bad, { w: tf.ones([3]), s: Parameterize(invSoftplus, x) }, { functions });
  tf.dispose(x);
  let before = tf.memory().numTensors;
  const failedUnwrap = await withLoadedTree(bad, { functions })((tree) =>
    TE.fromEither(unwrapEither(tree)),
  )();
  expect(tf.memory().numTensors).toBe(before);
  expect(E.isLeft(failedUnwrap) && isUnwrapError(failedUnwrap.left)).toBe(true);
  if (E.isLeft(failedUnwrap))
    expect(formatTreeError(failedUnwrap.left)).toMatch(/^unwrapping failed: Parameterize at \.s:/);

  const nan = nodePath.join(dir, "nan.tree.json");
  const w = tf.tensor1d([1, NaN]);
  await saveTree(nan, { layers: [{ w }] });
  w.dispose();
  before = tf.memory().numTensors;
  const failedCheck = await withLoadedTree(nan)((tree) =>
    TE.fromEither(pipe(checkLeaves(finiteTensor)(tree), E.flatMap(unwrapEither))),
  )();
  expect(tf.memory().numTensors).toBe(before);
  expect(E.isLeft(failedCheck) && isInvalidLeaves(failedCheck.left)).toBe(true);
  if (E.isLeft(failedCheck)) {
    expect(formatTreeError(failedCheck.left)).toBe("1 invalid leaf:\n  .layers[0].w: has non-finite values");
  }
});

describe("what loadTree takes: URLs routed by tf.io and IOHandlers, in the Node entry and the browser entry", () => {
  /** Saves `tree` through tf.io into memory and disposes its tensors; returns a handler that loads it back. */
  async function inMemory(tree: unknown): Promise<tf.io.IOHandler> {
    let saved: tf.io.ModelArtifacts | undefined;
    await saveTree(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
      tree,
    );
    tf.dispose(tensorsOf(tree));
    return tf.io.fromMemory(saved as tf.io.ModelArtifacts);
  }

  test("Node entry: a file:// URL and an IOHandler load; withLoadedTree over an IOHandler keeps only what use returns", async () => {
    const before = tf.memory().numTensors;
    const file = nodePath.join(dir, "url.tree.json");
    await saveModel(file, [0.25, 2]);
    const viaUrl = await loadTreeTE(pathToFileURL(file).href)();
    expect(E.isRight(viaUrl)).toBe(true);
    const handler = await inMemory({ w: tf.tensor1d([1, 2]), b: tf.tensor1d([3]) });
    const viaHandler = await loadTreeTE(handler)();
    expect(E.isRight(viaHandler) && (viaHandler.right as { w: tf.Tensor }).w.arraySync()).toEqual([1, 2]);
    if (E.isRight(viaUrl)) tf.dispose(tensorsOf(viaUrl.right));
    if (E.isRight(viaHandler)) tf.dispose(tensorsOf(viaHandler.right));
    const mid = tf.memory().numTensors;
    const kept = await withLoadedTree(handler)((tree) => TE.right((tree as { w: tf.Tensor }).w))();
    expect(E.isRight(kept) && kept.right.arraySync()).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(mid + 1); // b was disposed
    if (E.isRight(kept)) kept.right.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test("browser entry: an IOHandler loads; a path is not a place tf.io knows (no files there); failures dispose", async () => {
    const before = tf.memory().numTensors;
    const handler = await inMemory({
      w: tf.tensor1d([5, 6]),
      scale: Parameterize(tf.softplus, tf.tensor1d([0])),
    });
    const loaded = await browser.loadTreeTE(handler)();
    expect(E.isRight(loaded) && ((loaded.right as { w: tf.Tensor }).w.arraySync() as number[])).toEqual([
      5, 6,
    ]);
    if (E.isRight(loaded)) tf.dispose(tensorsOf(loaded.right));
    const notThere = await browser.loadTreeTE(nodePath.join(dir, "url.tree.json"))();
    expect(E.isLeft(notThere) && formatTreeError(notThere.left)).toMatch(
      /no tf\.io handler loads ".*url\.tree\.json"/,
    );
    const failed = await browser.withLoadedTree(handler)(() => TE.left("refused"))();
    expect(failed).toEqual(E.left("refused"));
    const unwrapped = await browser.withLoadedTree(handler)((tree) =>
      TE.fromEither(unwrapEither(tree as Record<string, unknown>)),
    )();
    expect(E.isRight(unwrapped) && (unwrapped.right as { scale: tf.Tensor }).scale.arraySync()).toEqual([
      Math.fround(Math.log(2)), // softplus(0) in float32
    ]);
    if (E.isRight(unwrapped)) tf.dispose(tensorsOf(unwrapped.right));
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a loader that rejects is a Left naming the place, never a rejection", async () => {
    const boom = loadTreeTEWith(async (_storage: string | tf.io.IOHandler) => {
      throw new Error("disk on fire");
    });
    const r = await boom("indexeddb://m")();
    expect(E.isLeft(r) && formatTreeError(r.left)).toContain('loading "indexeddb://m" failed: disk on fire');
    const h = await boom({ load: async () => ({}) })();
    expect(E.isLeft(h) && formatTreeError(h.left)).toContain("loading the IOHandler failed: disk on fire");
  });
});
