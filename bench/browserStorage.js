// Storage benchmark (issue 17): a 100 MiB tree (25 Dense kernels of 1024 x 1024 float32, the
// weights of a LayersModel as layersModelTree returns them) saved and loaded with saveTree /
// loadTree, next to model.save / tf.loadLayersModel of the same model, interleaved in the same run:
//   - in headless Chromium (Debian's /usr/bin/chromium via playwright-core), both through
//     indexeddb://, on the page's CPU backend, with peak JS heap (performance.memory);
//   - in Node, the tree through file:// (the files layer), the model through handlers doing the
//     same file I/O, with peak RSS.
// Not part of the unit tests. Usage: node bench/browserStorage.js [--rounds=3] [--layers=25]
//   [--units=1024] [--node-backend=cpu|wasm] [--browser-backend=cpu|wasm] [--split]
//   [--only=browser|node]
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : hit.slice(name.length + 3);
};
const rounds = Number(arg("rounds", "3"));
const layers = Number(arg("layers", "25"));
const units = Number(arg("units", "1024"));
// --split: after the interleaved rounds, time loadTree's steps in Chromium (browserStorage.split.ts).
const split = process.argv.includes("--split");
const only = arg("only", "both"); // both | browser | node

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
};

function table(title, r) {
  const row = (name, ours, ref) => {
    const a = median(ours.ms);
    const b = median(ref.ms);
    const pa = median(ours.peakMiB);
    const pb = median(ref.peakMiB);
    const mem = Number.isNaN(pa) ? "n/a" : `${pa.toFixed(0)} / ${pb.toFixed(0)} MiB`;
    return `| ${name} | ${a.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(a / b).toFixed(2)}x | ${mem} |`;
  };
  return [
    `${title} (${(r.bytes / 2 ** 20).toFixed(0)} MiB, backend ${r.backend}, bit-exact: ${r.bitExact}, median of ${rounds})`,
    "",
    "| operation | paramtree | LayersModel | ratio | peak above start (paramtree / LayersModel) |",
    "| --- | --- | --- | --- | --- |",
    row("save: saveTree vs model.save", r.treeSave, r.modelSave),
    row("load: loadTree vs tf.loadLayersModel", r.treeLoad, r.modelLoad),
    "",
  ].join("\n");
}

async function bundle(entry, outfile, platform, alias) {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform,
    format: platform === "node" ? "cjs" : "esm",
    target: platform === "node" ? "node18" : "es2020",
    logLevel: "warning",
    alias,
    define: { "process.env.NODE_ENV": '"production"' },
    ...(platform === "node" ? { packages: "external" } : {}),
  });
}

async function runBrowser(work) {
  const { chromium } = require("playwright-core");
  const { serve } = require(path.join(root, "examples/browser/serve.js"));
  const dist = path.join(work, "page");
  fs.mkdirSync(dist, { recursive: true });
  await bundle(path.join(__dirname, "browserStorage.page.ts"), path.join(dist, "bench.js"), "browser", {
    paramtree: path.join(root, "src/index.ts"),
  });
  fs.writeFileSync(
    path.join(dist, "index.html"),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./bench.js"></script>',
  );
  const server = await serve(dist);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-bench-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--enable-precise-memory-info",
      "--js-flags=--max-old-space-size=4096",
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") console.error(`page: ${m.text()}`);
    });
    const backend = arg("browser-backend", "cpu");
    await page.goto(
      `${server.url}?rounds=${rounds}&layers=${layers}&units=${units}&backend=${backend}&split=${split ? 1 : 0}`,
    );
    await page.waitForFunction(
      () => globalThis.storageBench?.result !== undefined || globalThis.storageBench?.error !== undefined,
      undefined,
      {
        timeout: 1_800_000,
        polling: 500,
      },
    );
    const out = await page.evaluate(() => globalThis.storageBench);
    if (out.error !== undefined) throw new Error(out.error);
    return out.result;
  } finally {
    await context.close();
    await server.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-bench-storage-"));
  try {
    // Inside the repository, so that the bundle's external packages resolve from node_modules.
    const nodeWork = fs.mkdtempSync(path.join(root, ".bench-storage-"));
    const nodeOut = path.join(nodeWork, "node.js");
    await bundle(path.join(__dirname, "browserStorage.node.ts"), nodeOut, "node", {
      paramtree: path.join(root, "src/index.node.ts"),
    });
    const { runNode } = require(nodeOut);
    const dir = path.join(work, "files");
    fs.mkdirSync(dir);
    const nodeResult =
      only === "browser"
        ? undefined
        : await runNode(dir, { rounds, layers, units, backend: arg("node-backend", "cpu") });
    const browserResult = only === "node" ? undefined : await runBrowser(work);
    const when = new Date().toISOString();
    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), ${when}\n`,
    );
    if (browserResult !== undefined) console.log(table("Chromium, indexeddb://", browserResult));
    if (browserResult?.split !== undefined) {
      console.log(`Chromium, indexeddb://: loadTree's steps (median of ${rounds})\n`);
      console.log("| step | ms |\n| --- | --- |");
      for (const [step, ms] of Object.entries(browserResult.split))
        console.log(`| ${step} | ${median(ms).toFixed(0)} |`);
      console.log("");
    }
    if (nodeResult !== undefined) console.log(table("Node, file://", nodeResult));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    for (const d of fs.readdirSync(root)) {
      if (d.startsWith(".bench-storage-")) fs.rmSync(path.join(root, d), { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
