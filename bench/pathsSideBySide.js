// treeFlatten, treeFlattenWithPath and treeLeaves of two builds of paramtree side by side in ONE
// process, on the fixture trees of the shapes section (ResNet18, ResNet152, each as it is and with
// one wrapper at the root, `{ model, noise: Parameterize(tf.softplus, t) }`): the working tree's
// src ("this") against the src of a git revision ("base", default main), both compiled by tsc
// into node_modules/.cache/paramtree-sbs/. Steady state (the same tree on every call); each case
// warmed and calibrated to batches of --batch-ms, then --rounds rounds of one batch per case, the
// order rotated every round; CPU time per call (process.cpuUsage, as bench/harness.ts). Printed:
// medians per call, paths/flatten per build and this/base per function, each the median of the
// per-round ratios. Not part of the unit tests.
// Usage: node --expose-gc bench/pathsSideBySide.js [--base=main] [--rounds=15] [--batch-ms=30]
//   [--first=base|this] (which build is loaded and warmed first) [--no-build] (reuse the last builds)
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const util = require("node:util");

const root = path.resolve(__dirname, "..");
const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
};
const base = arg("base", "main");
const rounds = Number(arg("rounds", "15"));
const batchMs = Number(arg("batch-ms", "30"));
const first = arg("first", "base");
const cache = path.join(root, "node_modules", ".cache", "paramtree-sbs");

/** Compiles `srcDir` into `cache/<name>` (CommonJS, as the bench's own build). */
function build(name, srcDir) {
  const out = path.join(cache, name);
  fs.rmSync(out, { recursive: true, force: true });
  const config = path.join(cache, `tsconfig.${name}.json`);
  const compilerOptions = {
    target: "ES2022",
    module: "commonjs",
    moduleResolution: "node",
    lib: ["ES2022", "DOM"],
    strict: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    declaration: false,
    sourceMap: false,
    types: ["node"],
    rootDir: srcDir,
    outDir: out,
  };
  fs.writeFileSync(config, JSON.stringify({ compilerOptions, include: [srcDir] }));
  execFileSync(path.join(root, "node_modules", ".bin", "tsc"), ["-p", config], { stdio: "inherit" });
  return out;
}

function buildBoth() {
  const rev = execFileSync("git", ["rev-parse", "--short", base], { cwd: root }).toString().trim();
  if (process.argv.includes("--no-build"))
    return { rev, base: path.join(cache, "base"), this: path.join(cache, "this") };
  fs.mkdirSync(cache, { recursive: true });
  const baseSrc = path.join(cache, "base-src");
  fs.rmSync(baseSrc, { recursive: true, force: true });
  fs.mkdirSync(baseSrc, { recursive: true });
  const tar = execFileSync("git", ["archive", rev, "src"], { cwd: root, maxBuffer: 1 << 28 });
  execFileSync("tar", ["-x", "-C", baseSrc], { input: tar });
  return { rev, base: build("base", path.join(baseSrc, "src")), this: build("this", path.join(root, "src")) };
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
};
const hr = () => Number(process.hrtime.bigint());
let sink;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Warms `fn` for 150 ms and returns the calls that fill one batch. */
function calibrate(fn) {
  const end = hr() + 150e6;
  let calls = 0;
  do {
    sink = fn();
    calls++;
  } while (hr() < end || calls < 2);
  for (let n = 1; ; n *= 4) {
    const t0 = hr();
    for (let i = 0; i < n; i++) sink = fn();
    const t = hr() - t0;
    if (t >= batchMs * 1e6 * 0.25) return Math.max(1, Math.round((n * batchMs * 1e6) / t));
  }
}

async function main() {
  const built = buildBoth();
  const tf = require("@tensorflow/tfjs-core");
  const names = first === "this" ? ["this", "base"] : ["base", "this"];
  const builds = Object.fromEntries(names.map((n) => [n, require(built[n])]));
  await builds.base.initBackend("cpu");
  let made = 0;
  const leaf = () => tf.tensor1d([made++], "float32");
  const load = (name) =>
    JSON.parse(fs.readFileSync(path.join(root, "bench", "fixtures", `${name}.json`), "utf8"), (_k, v) =>
      v === "T" ? leaf() : v,
    );
  const ops = ["treeFlatten", "treeFlattenWithPath", "treeLeaves"];
  console.log(
    `base ${base} (${built.rev}) vs this (working tree), ${rounds} rounds of ${batchMs} ms batches, ` +
      `${first} loaded first, node ${process.version}, ${new Date().toISOString()}`,
  );
  const rows = [];
  for (const shape of ["ResNet18", "ResNet152"]) {
    const model = load(shape);
    const noise = leaf();
    for (const wrapper of [false, true]) {
      const label = wrapper ? `${shape} + wrapper` : shape;
      const trees = Object.fromEntries(
        names.map((n) => [n, wrapper ? { model, noise: builds[n].Parameterize(tf.softplus, noise) } : model]),
      );
      const [pb] = builds.base.treeFlattenWithPath(trees.base);
      const [pt] = builds.this.treeFlattenWithPath(trees.this);
      if (!util.isDeepStrictEqual(pb, pt)) throw new Error(`${label}: the two builds' pairs differ`);
      const cases = [];
      for (const n of names)
        for (const op of ops) cases.push({ build: n, op, fn: () => builds[n][op](trees[n]) });
      if (global.gc !== undefined) global.gc();
      const iterations = cases.map((c) => calibrate(c.fn));
      const samples = cases.map(() => []);
      for (let r = 0; r < rounds; r++) {
        for (let j = 0; j < cases.length; j++) {
          const c = (j + r) % cases.length;
          const n = iterations[c];
          const fn = cases[c].fn;
          const t0 = cpuNow();
          for (let i = 0; i < n; i++) sink = fn();
          samples[c].push((cpuNow() - t0) / n);
        }
      }
      const of = (b, op) => samples[cases.findIndex((c) => c.build === b && c.op === op)];
      const ratio = (xs, ys) => median(xs.map((x, i) => x / ys[i])).toFixed(2);
      const row = { tree: label };
      for (const n of ["base", "this"])
        for (const op of ops) row[`${n} ${op}`] = `${(median(of(n, op)) / 1e3).toFixed(1)} µs`;
      for (const n of ["base", "this"])
        row[`${n} paths/flatten`] = ratio(of(n, "treeFlattenWithPath"), of(n, "treeFlatten"));
      for (const op of ops) row[`this/base ${op}`] = ratio(of("this", op), of("base", op));
      rows.push(row);
    }
  }
  const columns = Object.keys(rows[0]);
  const table = [columns, ...rows.map((r) => columns.map((c) => r[c]))];
  const widths = columns.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const line = (cells) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;
  console.log(
    [
      line(columns),
      `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`,
      ...rows.map((r) => line(columns.map((c) => r[c]))),
    ].join("\n"),
  );
  console.log(`sink ${typeof sink}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
