/**
 * Any tree that saves, loads: very deep trees, very long keys and very many tensors come back
 * bit-exact through `saveTree`/`loadTree` (side file and inline) and through `parseTree`. Long
 * key paths are base64-looking strings (`0/0/0/...`, `AAAA...`): only a tensor's `data` may be
 * kept out of the JSON parse, never a weight name or a key.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { promises as fsp } from "fs";
import * as os from "os";
import * as path from "path";
import { formatDecodeErrors, loadTree, parseTree, saveTree, stringifyTree } from "../src/index.node";
import { parseJsonText } from "../src/codec/json";
import { deepArray, disposeAll, exactDifference } from "./codec.helpers";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

let dir = "";
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), "paramtree-sizes-"));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Saves `tree` to a side-file document and inline, loads both and parses the inline text. */
async function roundTrips(name: string, tree: unknown): Promise<void> {
  for (const inline of [false, true]) {
    const file = path.join(dir, `${name}${inline ? ".inline" : ""}.json`);
    await saveTree(file, tree, { inline });
    const r = await loadTree(file);
    if (E.isLeft(r)) throw new Error(`${name} (inline: ${inline}): ${formatDecodeErrors(r.left)}`);
    expect(exactDifference(r.right, tree)).toBeUndefined();
    disposeAll(r.right);
  }
  const parsed = parseTree(stringifyTree(tree));
  if (E.isLeft(parsed)) throw new Error(`${name} (parseTree): ${formatDecodeErrors(parsed.left)}`);
  expect(exactDifference(parsed.right, tree)).toBeUndefined();
  disposeAll(parsed.right);
}

test("a tensor 100,000 levels deep (weight name 0/0/0/...) saves and loads", async () => {
  const x = tf.tensor([1.5, -0, NaN, 3.4e38], [4], "float32");
  await roundTrips("deep", deepArray(100_000, x));
  x.dispose();
});

test("60 tensors under keys of 10,000 base64 characters save and load", async () => {
  const tree: Record<string, tf.Tensor> = {};
  for (let i = 0; i < 60; i++) {
    const key = String.fromCharCode(65 + (i % 26)).repeat(10_000 - 1) + String(i % 10);
    tree[i < 26 ? key : `${key}${i}`] = tf.tensor([i, -i, i / 3], [3], "float32");
  }
  await roundTrips("longkeys", tree);
  disposeAll(tree);
});

test("100,000 tensors save and load", async () => {
  const leaves: tf.Tensor[] = [];
  for (let i = 0; i < 100_000; i++) leaves.push(tf.scalar(i % 2 === 0 ? i : -i / 7));
  await roundTrips("many", leaves);
  disposeAll(leaves);
}, 120_000);

test("only the value of a data key is kept out of the parse; other long strings are parsed", () => {
  const run = "A".repeat(2000);
  const data = "B".repeat(100_000);
  const text = JSON.stringify({ name: run, [run]: 1, data, list: ["data", run] });
  const { json, resolve } = parseJsonText(text);
  const doc = json as { name: string; data: string; list: string[] } & Record<string, number>;
  expect(doc.name === run).toBe(true);
  expect(doc[run]).toBe(1);
  expect(doc.list[0] === "data" && doc.list[1] === run).toBe(true);
  expect(doc.data === data).toBe(false); // a placeholder
  expect(resolve?.(doc.data) === data).toBe(true);
});
