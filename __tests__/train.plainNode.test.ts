/**
 * The examples compiled with tsc and run by plain `node` (no jest, no ts-jest): gradients must
 * work for a paramtree user in an ordinary Node process, and `npm run demo`'s program must train.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
// Inside the repository, so that the compiled files resolve node_modules like the demo's do.
const outDir = path.join(root, "node_modules", ".cache", "paramtree-examples-test");

function runNode(script: string, args: string[] = []) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("JEST")) delete env[key];
  delete env.NODE_OPTIONS;
  return spawnSync(process.execPath, [path.join(outDir, "examples", script), ...args], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
}

beforeAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      path.join(root, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      path.join(root, "tsconfig.examples.json"),
      "--outDir",
      outDir,
      "--tsBuildInfoFile",
      path.join(outDir, ".tsbuildinfo"),
    ],
    { cwd: root, stdio: "pipe" },
  );
}, 180_000);

afterAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

const softplus = (r: number) => (r > 0 ? r + Math.log1p(Math.exp(-r)) : Math.log1p(Math.exp(r)));
const sigmoid = (r: number) => 1 / (1 + Math.exp(-r));

test("examples/gradients.js: gradients through Parameterize and NonTrainable in plain node on WASM", () => {
  const run = runNode("gradients.js");
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split("\n");
  const result = JSON.parse(lines[lines.length - 1] as string) as {
    backend: string;
    raw: number[];
    c: number;
    loss: number;
    gradRaw: number[];
    gradFrozen: number;
    ops: Record<string, number>;
    leaked: number;
  };
  expect(result.backend).toBe("wasm");
  // L = c * sum softplus(raw)^2 ; dL/draw = 2 c softplus(raw) sigmoid(raw), by hand.
  const { raw, c } = result;
  expect(raw).toEqual([-1, 0, 2]);
  expect(result.loss).toBeCloseTo(c * raw.reduce((s, r) => s + softplus(r) ** 2, 0), 4);
  const want = raw.map((r) => 2 * c * softplus(r) * sigmoid(r));
  result.gradRaw.forEach((g, i) => expect(g).toBeCloseTo(want[i] as number, 4));
  expect(result.gradFrozen).toBe(0);
  expect(result.leaked).toBe(0);
  // Every op that wrappers and usual losses use has a working gradient in plain node.
  expect(Object.keys(result.ops).sort()).toEqual(
    [
      "add/sub/mul/div",
      "exp",
      "log",
      "logSigmoid",
      "matMul",
      "mean",
      "norm",
      "relu",
      "sigmoid",
      "softplus",
      "sqrt",
      "tanh",
    ].sort(),
  );
  for (const [op, error] of Object.entries(result.ops)) {
    if (!(error < 1e-4)) throw new Error(`tf.grad of ${op}: max error ${error}`);
  }
}, 60_000);

test("examples/demo.js (the npm run demo program): trains, learns sigma, prints the charts without a TTY", () => {
  const run = runNode("demo.js");
  expect(run.status).toBe(0);
  // The progress bar goes to stderr; without a TTY it prints plain lines, ending at the last step.
  expect(run.stderr).toMatch(/1500\/1500 steps \| NLL -?\d/);
  expect(run.stderr).not.toContain("\u001b[");
  const out = run.stdout;
  expect(out).toMatch(/frozen input normalisation unchanged: yes/);
  expect(out).toContain("loss (NLL) over training");
  expect(out).toContain("╰"); // asciichart drew something
  const m = /noise scale σ: learned ([\d.]+), true ([\d.]+), residual std of the fit ([\d.]+)/.exec(out);
  expect(m).not.toBeNull();
  const [learned, truth, residual] = [Number(m![1]), Number(m![2]), Number(m![3])];
  // Maximum likelihood: for the fitted mean, the best sigma is the residual std...
  expect(Math.abs(learned - residual) / residual).toBeLessThan(0.02);
  // ... and with 256 samples it is near the true noise scale (sampling error ~ 0.25/sqrt(512) ≈ 0.011).
  expect(Math.abs(learned - truth)).toBeLessThan(0.04);
  const nll = /NLL: (-?[\d.]+) -> (-?[\d.]+) in 1500 Adam steps, ([\d.]+) s/.exec(out);
  expect(nll).not.toBeNull();
  expect(Number(nll![2])).toBeLessThan(Number(nll![1]) - 1);
  expect(Number(nll![3])).toBeLessThan(60);
}, 120_000);

test("examples/demo.js exits non-zero when training does not reduce the loss", () => {
  const run = runNode("demo.js", ["--quick", "--lr=0"]);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/training did not reduce the loss/);
}, 60_000);
