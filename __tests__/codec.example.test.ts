/**
 * The codec's example (examples/saveLoad.ts), its measurement helper, and the example document
 * of the README (examples/model.tree.json), which must stay exactly what the codec writes.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { readFileSync } from "fs";
import * as path from "path";
import { formatDecodeErrors, parseTree, stringifyTree } from "../src";
import { unwrap } from "../src";
import { main, measureSaveLoad } from "../examples/saveLoad";
import { disposeAll } from "./codec.helpers";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

test("saveLoad example: files, sizes, equality, the damaged-file report", async () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const r = await main({ quick: true });
    expect(r.files).toEqual([
      "model.tree.json",
      expect.stringMatching(/^model\.tree\.json\.[0-9a-f]{16}\.bin$/),
    ]);
    // float32 bytes: WeightNormalization weight 2x2 and its scale 2x1, bias 2, scale 2, embedding 1x2.
    expect(r.weightBytes).toBe(4 * (4 + 2 + 2 + 2 + 2));
    expect(r.equal).toBe(true);
    // softplus(invSoftplus(v)) = v, computed independently.
    expect(r.unwrappedScale[0]).toBeCloseTo(0.5, 5);
    expect(r.unwrappedScale[1]).toBeCloseTo(2, 5);
    expect(r.brokenReport).toEqual([
      '.dense.b.shape: the tensor says shape [2, -1] but its weight "dense/b" has shape [2]',
      expect.stringMatching(/^\.scale\.fn\.name: unknown function name "mystery"/),
    ]);
  } finally {
    log.mockRestore();
  }
});

test("measureSaveLoad: a small model saves and loads bit for bit, with figures", async () => {
  const f = await measureSaveLoad({ megabytes: 2, tensors: 4 });
  expect(f.exact).toBe(true);
  expect(f.modelMB).toBeCloseTo(2, 3);
  expect(f.saveSeconds).toBeGreaterThan(0);
  expect(f.loadMBps).toBeGreaterThan(0);
  expect(f.peakLoadMB).toBeGreaterThanOrEqual(f.rssBeforeLoadMB);
});

test("examples/model.tree.json decodes, and is exactly what the codec writes for it", () => {
  const text = readFileSync(path.join(__dirname, "..", "examples", "model.tree.json"), "utf8");
  const r = parseTree(text);
  if (E.isLeft(r)) throw new Error(formatDecodeErrors(r.left).join("\n"));
  const tree = r.right as any;
  expect(stringifyTree(tree, { space: 2 }) + "\n").toBe(text);
  expect(Array.from(tree.dense.w.dataSync())).toEqual([1, 2, 3, 4]);
  expect(tree.frozen.tree.mask.dtype).toBe("bool");
  expect(Object.is(tree.config.bias, -0)).toBe(true);
  expect(tree.config.activation).toBe(tf.relu);
  expect(tree.config.note).toEqual({ _tag: "Draft", by: "me" });
  const s = unwrap(tree.scale) as tf.Tensor;
  expect(s.dataSync()[0]).toBeCloseTo(Math.log(1 + Math.exp(0.5)), 6);
  s.dispose();
  disposeAll(tree);
});
