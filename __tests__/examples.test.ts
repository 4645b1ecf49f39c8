/**
 * Every example in examples/ runs (quick mode) and frees what it made; each has its npm script.
 * The examples written for the docs are also checked against answers computed independently.
 *
 * Convention: an example exports `async function main(options: { quick?: boolean } = {})` and runs
 * it when executed directly (`require.main === module`); `npm run example:<name>` runs it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import * as constraints from "../examples/constraints";
import * as freezeAndTrain from "../examples/freezeAndTrain";
import * as layersModel from "../examples/layersModel";
import * as quickstart from "../examples/quickstart";

const root = path.resolve(__dirname, "..");
const names = fs
  .readdirSync(path.join(root, "examples"))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .map((f) => f.slice(0, -3))
  .sort();
const scripts = (
  JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

type Main = (options?: { quick?: boolean }) => Promise<unknown>;

beforeAll(async () => {
  await initBackend();
});

test("the documented examples exist", () => {
  expect(names).toEqual(expect.arrayContaining(["quickstart", "constraints", "freezeAndTrain"]));
});

describe.each(names)("examples/%s.ts", (name) => {
  test(`has the npm script example:${name}`, () => {
    expect(scripts[`example:${name}`]).toContain(`examples/${name}.ts`);
  });

  test("main({ quick: true }) runs and leaks no tensor", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(root, "examples", name)) as { main?: Main };
    expect(typeof mod.main).toBe("function");
    const before = tf.memory().numTensors;
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      await (mod.main as Main)({ quick: true });
    } finally {
      log.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});

// -------------------------------------------------------------------------------------
// answers computed independently (plain JavaScript, closed forms)
// -------------------------------------------------------------------------------------

test("quickstart reaches the closed-form maximum-likelihood fit", async () => {
  const xs = quickstart.xs;
  const ys = quickstart.ys;
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const w =
    xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const b = my - w * mx;
  const sigma = Math.sqrt(xs.reduce((s, x, i) => s + (ys[i]! - w * x - b) ** 2, 0) / n);
  const r = await quickstart.main({ quick: true });
  expect(r.paths).toEqual([".b", ".sigma.args[0]", ".w"]);
  expect(r.w).toBeCloseTo(w, 3);
  expect(r.b).toBeCloseTo(b, 3);
  expect(r.sigma).toBeCloseTo(sigma, 3);
  // The loss at the optimum is 1/2 + log(sigma) (the mean squared standardized residual is 1).
  expect(r.lossAfter).toBeCloseTo(0.5 + Math.log(sigma), 3);
  expect(r.lossAfter).toBeLessThan(r.lossBefore);
}, 300_000);

test("constraints: each constructor's MLE, inside its constraint throughout, treeAssign, save and load", async () => {
  const r = await constraints.main({ quick: true });
  const mean = constraints.SAMPLES.reduce((a, b) => a + b, 0) / constraints.SAMPLES.length;
  expect(r.scale).toBeCloseTo(mean, 2);
  expect(r.minScaleSeen).toBeGreaterThan(0);
  expect(r.rate).toBeCloseTo(0.3, 3);
  expect(r.rateRangeSeen[0]).toBeGreaterThan(0);
  expect(r.rateRangeSeen[1]).toBeLessThan(1);
  r.weights.forEach((w, i) => expect(w).toBeCloseTo(constraints.FREQUENCIES[i]!, 3));
  expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  // Cholesky factor of [[4, 2], [2, 3]], by hand: [[2, 0], [1, sqrt(2)]].
  const [[a, b], [c, d]] = r.factor as [[number, number], [number, number]];
  expect([a, b, c]).toEqual([expect.closeTo(2, 3), 0, expect.closeTo(1, 3)]);
  expect(d).toBeCloseTo(Math.SQRT2, 3);
  expect(r.lossAfter).toBeLessThan(r.lossBefore);
  expect(r.assignedRate).toBeCloseTo(0.9, 6);
  expect(r.loadedRate).toBe(r.assignedRate);
  expect(r.loadedEqual).toBe(true);
}, 300_000);

test("freezeAndTrain: the frozen encoder never moves, the head recovers the truth", async () => {
  const r = await freezeAndTrain.main({ quick: true });
  expect(r.frozenPaths).toEqual([".encoder.tree.b", ".encoder.tree.w"]);
  expect(r.trainedNames).toEqual(["freezeAndTrain/head/b", "freezeAndTrain/head/w"]);
  expect(r.encoderAfter).toEqual(r.encoderBefore.map((row) => row.map(Math.fround)));
  freezeAndTrain.HEAD_W.forEach((w, j) => expect(r.headW[j]).toBeCloseTo(w, 2));
  expect(r.headB).toBeCloseTo(freezeAndTrain.HEAD_B, 2);
  expect(r.lossAfter).toBeLessThan(1e-6);
  expect(r.unfrozenNames).toEqual([
    "fineTune/encoder/b",
    "fineTune/encoder/w",
    "fineTune/head/b",
    "fineTune/head/w",
  ]);
}, 300_000);

test("layersModel: the written-back weights are the trained ones, and model.predict computes with them", async () => {
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  const r = await layersModel.main({ quick: true }).finally(() => log.mockRestore());
  expect(r.names).toEqual(["hidden/bias", "hidden/kernel", "out/bias", "out/kernel"]);
  expect(r.lossAfter).toBeLessThan(r.lossBefore / 10);
  // Weight normalisation: each unit's kernel column has its trained scale as its norm.
  r.columnNorms.forEach((n, j) => expect(n).toBeCloseTo(r.scales[j] as number, 4));
  // model.predict against a forward pass in plain JavaScript over the weights read back.
  layersModel.PROBE.forEach((x, i) => {
    const h = r.hiddenBias.map((b, j) =>
      Math.tanh(b + x.reduce((s, xi, k) => s + xi * r.hiddenKernel[k]![j]!, 0)),
    );
    const y = h.reduce((s, hj, j) => s + hj * r.outKernel[j]![0]!, r.outBias[0]!);
    expect(r.predicted[i]).toBeCloseTo(y, 5);
  });
}, 300_000);
