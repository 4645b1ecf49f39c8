// Bundles the browser example with esbuild into examples/browser/dist/: index.html, main.js,
// storage.html, storage.js (saveTree/loadTree to indexeddb:// and localstorage://) and the tfjs
// WASM binaries next to them (the page calls setWasmPaths("./")).
// Usage: node examples/browser/build.js   (then node examples/browser/serve.js)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");

const here = __dirname;
const out = path.join(here, "dist");

/** Builds the page; resolves to the output folder. */
async function build() {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(here, "main.ts"), path.join(here, "storage.ts")],
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: true,
    sourcemap: false,
    logLevel: "warning",
    // The page imports "paramtree" as a user's page does; here that is the browser-clean source
    // entry (a user's bundler picks dist/index.mjs through the package's exports).
    alias: { paramtree: path.join(here, "..", "..", "src", "index.ts") },
    // tfjs checks process.env.NODE_ENV in a few places.
    define: { "process.env.NODE_ENV": '"production"' },
  });
  fs.copyFileSync(path.join(here, "index.html"), path.join(out, "index.html"));
  fs.copyFileSync(path.join(here, "storage.html"), path.join(out, "storage.html"));
  const wasmDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  for (const f of fs.readdirSync(path.join(wasmDir, "dist"))) {
    if (f.endsWith(".wasm")) fs.copyFileSync(path.join(wasmDir, "dist", f), path.join(out, f));
  }
  return out;
}

module.exports = { build };

if (require.main === module) {
  build().then(
    (dir) => console.log(`built ${path.relative(process.cwd(), dir)}`),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
