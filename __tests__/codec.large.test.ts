/**
 * Large documents: the memory-saving paths that only big tensors take (text written piece by
 * piece, base64 payloads left in the text when parsing, Node's base64 decoder, the WASM heap
 * read without a copy, one scratch buffer for all decoded tensors). Each must give exactly what
 * the plain path gives: the same text, the same bits, the same errors.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { promises as fsp } from "fs";
import * as os from "os";
import * as path from "path";
import {
  formatDecodeErrors,
  loadTree,
  parseTree,
  saveTree,
  stringifyTree,
  treeCodec,
} from "../src/index.node";
import { type JsonValue } from "../src/advanced.node";
import { stringifyTrustedJson } from "../src/codec/json";
import { newDecodeScratch, wasmHeapBytes } from "../src/codec/tensor";
import { NonTrainable, Parameterize } from "../src/index.node";
import { disposeAll, exactDifference } from "./codec.helpers";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

const codec = treeCodec();

/** A model whose tensors are big enough for every large-data path, with a shared tensor. */
function model(): { tree: unknown; dispose: () => void } {
  const [big, zeros, ints, mask] = tf.tidy(() => {
    const w = tf.randomUniform([6400], -1, 1, "float32", 1); // 25,600 bytes, 34,136 base64 characters
    const special = tf.tensor([NaN, -0, Infinity, -Infinity, 1e-45, 3.4e38], [6], "float32");
    return [
      tf.reshape(tf.concat([w, special]), [2, 3203]),
      tf.zeros([6406]),
      tf.range(-5000, 5000, 1, "int32"),
      tf.greater(tf.randomUniform([9000], 0, 1, "float32", 2), 0.5),
    ];
  }) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const tree = {
    layers: [
      { w: big, b: zeros },
      { w: big, ints },
    ],
    frozen: NonTrainable({ mask }),
    scale: Parameterize(tf.softplus, ints),
    name: "model \u0000paramtree-not-a-placeholder",
    lr: 0.1,
  };
  return { tree, dispose: () => tf.dispose([big, zeros, ints, mask]) };
}

test("stringifyTree writes exactly the text of the inline document, compact and indented", () => {
  const { tree, dispose } = model();
  for (const space of [undefined, 2]) {
    const expected = stringifyTrustedJson(codec.encode(tree) as unknown as JsonValue, space);
    const text = stringifyTree(tree, space === undefined ? undefined : { space });
    expect(text.length).toBeGreaterThan(100000);
    expect(text).toBe(expected);
  }
  expect(stringifyTree(tree)).toBe(JSON.stringify(codec.encode(tree)));
  dispose();
});

test("a user string holding a placeholder's prefix is written as it is", () => {
  const x = tf.ones([3000]);
  const tree = { x, s: ["\u0000paramtree-", "\u0000paramtree-0-1", "\u00000"] };
  const text = stringifyTree(tree);
  expect(text).toBe(JSON.stringify(codec.encode(tree)));
  const back = parseTree(text);
  expect(E.isRight(back) && exactDifference(back.right, tree)).toBeUndefined();
  if (E.isRight(back)) disposeAll(back.right);
  x.dispose();
});

test("a user string equal to a placeholder (its random token known): the inline document, whole", () => {
  const spy = jest
    .spyOn(globalThis.crypto, "getRandomValues")
    .mockImplementation(<T extends ArrayBufferView | null>(a: T): T => a); // all-zero tokens
  try {
    const x = tf.ones([3000]);
    const y = tf.zeros([3000]);
    const token = "\u0000paramtree-000000000000000000000000-";
    for (const s of [`${token}0`, `${token}1`, `${token}7`, `${token}x`]) {
      const tree = { x, s, y };
      expect(stringifyTree(tree)).toBe(JSON.stringify(codec.encode(tree)));
      const back = parseTree(stringifyTree(tree));
      expect(E.isRight(back) && exactDifference(back.right, tree)).toBeUndefined();
      if (E.isRight(back)) disposeAll(back.right);
    }
    tf.dispose([x, y]);
  } finally {
    spy.mockRestore();
  }
});

test("parseTree of a large text gives back the tree bit for bit, as decode(JSON.parse) does", () => {
  const { tree, dispose } = model();
  for (const space of [undefined, 1]) {
    const text = stringifyTree(tree, space === undefined ? undefined : { space });
    const back = parseTree(text);
    if (E.isLeft(back)) throw new Error(formatDecodeErrors(back.left).join("\n"));
    expect(exactDifference(back.right, tree)).toBeUndefined();
    // The shared tensor comes back as one tensor (its nodes carry one `shared` index).
    const layers = (back.right as { layers: { w: tf.Tensor }[] }).layers;
    expect(layers[0]?.w).toBe(layers[1]?.w);
    disposeAll(back.right);
  }
  dispose();
});

test("decoded tensors have their own values (the scratch buffer is reused, never aliased)", () => {
  expect(newDecodeScratch()).toEqual({}); // the WASM backend copies new tensors' values
  const xs = [1, 2, 3].map((k) => tf.fill([5000], k));
  const back = parseTree(stringifyTree(xs));
  if (E.isLeft(back)) throw new Error(formatDecodeErrors(back.left).join("\n"));
  const got = back.right as tf.Tensor[];
  expect(got.map((t) => Array.from(new Set(t.dataSync())))).toEqual([[1], [2], [3]]);
  disposeAll(got);
  tf.dispose(xs);
});

test("errors in a large text are those of the plain path", () => {
  const x = tf.randomUniform([20000], -1, 1, "float32", 3);
  const text = stringifyTree({ x });
  const at = text.indexOf('"data":"') + 8 + 5000;
  const plain = (t: string): string[] => {
    let json: unknown;
    try {
      json = JSON.parse(t);
    } catch {
      return ["not JSON"];
    }
    const r = codec.decode(json);
    if (E.isRight(r)) {
      disposeAll(r.right);
      return [];
    }
    return formatDecodeErrors(r.left);
  };
  const cases = [
    text.slice(0, at) + "*" + text.slice(at + 1), // a bad character: the payload is not cut out
    text.slice(0, at) + text.slice(at + 4), // four characters short: the length check
    text.slice(0, at) + "\u0001" + text.slice(at + 1), // a control character: not JSON
    text.replace('"shape":[20000]', '"shape":[20001]'),
  ];
  for (const broken of cases) {
    const r = parseTree(broken);
    expect(E.isLeft(r)).toBe(true);
    if (E.isRight(r)) continue;
    const messages = formatDecodeErrors(r.left);
    const expected = plain(broken);
    if (expected[0] === "not JSON") expect(messages[0]).toMatch(/^document: not JSON/);
    else expect(messages).toEqual(expected);
  }
  expect(formatDecodeErrors((parseTree(cases[0] as string) as E.Left<never>).left)[0]).toMatch(
    /^\.x\.data: invalid base64 character "\*" at position 5000/,
  );
  x.dispose();
});

test("saveTree inline writes the text piece by piece, and loadTree reads it back", async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "paramtree-large-"));
  try {
    const { tree, dispose } = model();
    const file = path.join(dir, "inline.json");
    await saveTree(file, tree, { inline: true, space: 2 });
    expect(await fsp.readFile(file, "utf8")).toBe(stringifyTree(tree, { space: 2 }));
    const back = await loadTree(file);
    if (E.isLeft(back)) throw new Error(formatDecodeErrors(back.left).join("\n"));
    expect(exactDifference(back.right, tree)).toBeUndefined();
    disposeAll(back.right);
    dispose();
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test("wasmHeapBytes: the tensor's own bytes without a copy, only for float32 and int32 on WASM", () => {
  const bytes = (t: tf.Tensor): number[] => {
    const v = t.dataSync() as Float32Array | Int32Array;
    return Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  };
  const f = tf.tensor([1, -2.5, NaN], [3], "float32");
  const i = tf.tensor([7, -1], [2], "int32");
  const r = tf.reshape(f, [1, 3]); // shares f's data
  const init = tf.tensor([4, 5], [2], "float32");
  const v = tf.variable(init);
  for (const t of [f, i, r, v]) expect(Array.from(wasmHeapBytes(t) as Uint8Array)).toEqual(bytes(t));
  const b = tf.tensor([true, false], [2], "bool");
  expect(wasmHeapBytes(b)).toBeUndefined();
  tf.dispose([f, i, r, v, b, init]);
});
