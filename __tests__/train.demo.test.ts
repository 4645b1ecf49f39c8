import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { main } from "../examples/demo";

test("the demo's short version trains, keeps the normalisation frozen, and leaks nothing", async () => {
  const r = await main({ quick: true, silent: true });
  expect(tf.getBackend()).toBe("wasm");
  expect(r.steps).toBe(150);
  expect(r.losses).toHaveLength(150);
  expect(r.losses.every(Number.isFinite)).toBe(true);
  expect(r.ok).toBe(true);
  expect(r.finalLoss).toBeLessThan(r.initialLoss - 0.5);
  // sigma starts at 1 and moves toward the noise in the data.
  expect(r.sigmaLearned).toBeGreaterThan(0);
  expect(Math.abs(r.sigmaLearned - r.sigmaTrue)).toBeLessThan(Math.abs(1 - r.sigmaTrue) / 2);
  expect(r.frozenUnchanged).toBe(true);
  expect(r.frozen).toEqual([".norm.tree.mean", ".norm.tree.std"]);
  expect(r.trainable).toContain(".noise.args[0]");
  expect(r.trainable).toContain(".hidden.weight.scale.args[0]");
  expect(r.trainable).not.toContain(".norm.tree.mean");
  expect(r.leaked).toBe(0);
  expect(r.seconds).toBeLessThan(60);
});

test("with a zero learning rate the loss does not go down, and the demo reports failure", async () => {
  const r = await main({ quick: true, silent: true, learningRate: 0 });
  expect(r.ok).toBe(false);
  expect(r.finalLoss).toBe(r.initialLoss);
  expect(r.leaked).toBe(0);
});

test("`npm run demo -- --quick` (the README's command: bundled by esbuild, run by plain node) trains", () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("JEST")) delete env[key];
  delete env.NODE_OPTIONS;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["run", "demo", "--", "--quick"], {
    cwd: path.resolve(__dirname, ".."),
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/noise scale σ: learned \d\.\d+, true 0\.25/);
}, 150_000);
