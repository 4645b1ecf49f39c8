/**
 * The browser example, end to end: bundle it with esbuild, serve it on 127.0.0.1, open it in
 * headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), wait until the page
 * has trained its model on the WASM backend, check what it reports, and save a screenshot to
 * examples/browser/dist/screenshot.png. Then the storage page: a model with wrappers saved with
 * saveTree to indexeddb:// and localstorage://, the page reloaded, the model loaded and unwrapped,
 * compared bit for bit; its screenshot goes to test-results/ (kept by CI). And downloads://: the
 * page saves the model there, the test takes the two files Chromium downloads and loads them in
 * Node through tf.io, bit-exact.
 *
 * Without /usr/bin/chromium the test is skipped with a message, except in CI (CI=true), where a
 * missing browser is a failure: .ci/run installs it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Download, type Page } from "playwright-core";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import {
  disposeTree,
  formatDecodeErrors,
  initBackend,
  keystr,
  loadTree,
  treeFlattenWithPath,
  treeFormat,
} from "../src/index.node";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const STEPS = 60;
const root = path.resolve(__dirname, "..");
const inCI = process.env.CI === "true";
const haveChromium = fs.existsSync(CHROMIUM);

/* eslint-disable @typescript-eslint/no-require-imports */
const { build } = require(path.join(root, "examples/browser/build.js")) as { build: () => Promise<string> };
const { serve } = require(path.join(root, "examples/browser/serve.js")) as {
  serve: (dir: string, port?: number) => Promise<{ url: string; close: () => Promise<void> }>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface StorageReport {
  state: string;
  phase?: string;
  backend?: string;
  raw: Record<string, Record<string, string>>;
  unwrapped: Record<string, Record<string, string>>;
  error?: string;
}

/** As the storage page's fingerprint: key path -> "dtype [shape] hex" (non-tensors as JSON). */
function fingerprint(tree: unknown): Record<string, string> {
  const out: Record<string, string> = { "<format>": treeFormat(tree) };
  const [pairs] = treeFlattenWithPath(tree);
  for (const [p, leaf] of pairs) {
    if (leaf instanceof tf.Tensor) {
      const v = leaf.dataSync();
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      out[keystr(p)] =
        `${leaf.dtype} [${leaf.shape.join(",")}] ${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
    } else {
      out[keystr(p)] = Object.is(leaf, -0)
        ? "-0"
        : typeof leaf === "function"
          ? `fn ${leaf.name}`
          : JSON.stringify(leaf);
    }
  }
  return out;
}

/**
 * What the page left in `window[name]` once its `state` is `done` (or "error"), read after
 * waiting for it: the pages publish their outcome there for the test to read.
 */
async function pageResult<T>(page: Page, name: string, done: string): Promise<T> {
  await page.waitForFunction(
    ([global, finished]) => {
      const s = (window as unknown as Record<string, { state?: string } | undefined>)[global]?.state;
      return s === finished || s === "error";
    },
    [name, done] as const,
    { timeout: 120_000 },
  );
  return page.evaluate(
    (global) => (window as unknown as Record<string, unknown>)[global],
    name,
  ) as Promise<T>;
}

interface DemoState {
  state: string;
  backend?: string;
  leaves?: string[];
  losses: number[];
  error?: string;
}

if (!haveChromium && !inCI) {
  test.skip(`browser example (skipped: ${CHROMIUM} is missing; apt-get install -y chromium to run it)`, () =>
    undefined);
  // Say it where a person running the suite sees it, not only in the test name.
  console.warn(
    `browser.test.ts: skipped, ${CHROMIUM} is missing (apt-get install -y chromium). In CI it is required.`,
  );
} else {
  test("the browser example trains its model on the WASM backend in headless Chromium", async () => {
    if (!haveChromium)
      throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium)`);
    const dist = await build();
    const server = await serve(dist);
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-chromium-"));
    let context: BrowserContext | undefined;
    const problems: string[] = [];
    try {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 800, height: 760 },
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console error: ${m.text()}`);
      });
      const failed: string[] = [];
      page.on("requestfailed", (r) => failed.push(r.url()));
      page.on("response", (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
      });

      await page.goto(`${server.url}?steps=${STEPS}`);
      const demo = await pageResult<DemoState>(page, "paramtreeDemo", "trained");
      await page.screenshot({ path: path.join(dist, "screenshot.png"), fullPage: true });

      expect(demo.error).toBeUndefined();
      expect(demo.state).toBe("trained");
      expect(demo.backend).toBe("wasm");
      expect(demo.leaves).toEqual([
        ".hidden.b",
        ".hidden.w.weight",
        ".hidden.w.scale.args[0]",
        ".norm.tree.mean",
        ".norm.tree.std",
        ".out.b",
        ".out.w.weight",
        ".out.w.scale.args[0]",
        ".sigma.args[0]",
      ]);
      expect(demo.losses).toHaveLength(STEPS);
      expect(demo.losses.every(Number.isFinite)).toBe(true);
      const first = demo.losses[0]!;
      const last = demo.losses[STEPS - 1]!;
      // Trained: the negative log-likelihood fell clearly, and stayed down.
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(last).toBeLessThan(first - 0.3);
      expect(mean(demo.losses.slice(-10))).toBeLessThan(mean(demo.losses.slice(0, 10)) - 0.2);
      // What the page shows agrees with what it reports.
      expect(await page.locator("#status").getAttribute("data-state")).toBe("trained");
      expect(await page.locator("#loss").textContent()).toContain(
        `${last.toFixed(4)} after ${STEPS} Adam steps on wasm`,
      );
      expect(await page.locator("#chart polyline").count()).toBe(1);
      // The .wasm binary came from our server, beside the bundle.
      expect(failed).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context?.close();
      await server.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  }, 240_000);

  test("storage: a model with wrappers survives indexeddb:// and localstorage:// across a reload, bit-exact", async () => {
    if (!haveChromium)
      throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium)`);
    const dist = await build();
    const server = await serve(dist);
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-chromium-"));
    let context: BrowserContext | undefined;
    const problems: string[] = [];
    try {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 900, height: 900 },
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console error: ${m.text()}`);
      });
      const report = (): Promise<StorageReport> => pageResult(page, "paramtreeStorage", "done");
      await page.goto(`${server.url}storage.html?phase=save`);
      const saved = await report();
      expect(saved.error).toBeUndefined();
      await page.goto(`${server.url}storage.html?phase=load`);
      await page.reload(); // a second, plain reload: loading twice gives the same
      const loaded = await report();
      expect(loaded.error).toBeUndefined();
      expect([saved.backend, loaded.backend]).toEqual(["wasm", "wasm"]);
      expect(loaded.phase).toBe("load");
      const places = ["indexeddb://paramtree-storage-demo", "localstorage://paramtree-storage-demo"];
      expect(Object.keys(loaded.raw).sort()).toEqual(places.slice().sort());
      for (const place of places) {
        expect(loaded.raw[place]).toEqual(saved.raw[place]);
        expect(loaded.unwrapped[place]).toEqual(saved.unwrapped[place]);
      }
      // The fingerprints are real: wrappers, every dtype, special numbers and static fields.
      const raw = saved.raw[places[0] as string] ?? {};
      expect(Object.keys(raw)).toEqual(
        expect.arrayContaining([
          ".hidden.w.weight",
          ".hidden.w.scale.args[0]",
          ".norm.tree.steps",
          ".norm.tree.mask",
          ".meta.eps",
        ]),
      );
      expect(raw[".meta.eps"]).toBe("-0");
      expect(raw["<format>"]).toMatch(/Parameterize\(fn=softplus/);
      expect(raw[".norm.tree.mask"]).toBe("bool [2] 0100");
      expect(saved.unwrapped[places[0] as string]?.[".hidden.w"]).toMatch(/^float32 \[2,3\] [0-9a-f]{48}$/);
      fs.mkdirSync(path.join(root, "test-results"), { recursive: true });
      await page.screenshot({ path: path.join(root, "test-results", "browser-storage.png"), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context?.close();
      await server.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  }, 240_000);

  test("downloads://: saveTree makes Chromium download the model JSON and its weights; Node loads them back bit-exact", async () => {
    if (!haveChromium)
      throw new Error(`${CHROMIUM} is missing; CI must install it (apt-get install -y chromium)`);
    await initBackend();
    const dist = await build();
    const server = await serve(dist);
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-chromium-"));
    const saved = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-downloads-"));
    let context: BrowserContext | undefined;
    const problems: string[] = [];
    const before = tf.memory().numTensors;
    try {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        acceptDownloads: true,
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(`console error: ${m.text()}`);
      });
      const downloads: Download[] = [];
      page.on("download", (d) => downloads.push(d));
      const first = page.waitForEvent("download", { timeout: 120_000 });
      await page.goto(`${server.url}storage.html?phase=download`);
      await first;
      const report = await pageResult<StorageReport>(page, "paramtreeStorage", "done");
      expect(report.error).toBeUndefined();
      // tfjs clicks the JSON's link, then the weights' (each after a tick).
      for (let waited = 0; downloads.length < 2 && waited < 30_000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(downloads.map((d) => d.suggestedFilename())).toEqual([
        "paramtree-storage-demo.json",
        "paramtree-storage-demo.weights.bin",
      ]);
      for (const d of downloads) {
        expect(await d.failure()).toBeNull();
        await d.saveAs(path.join(saved, d.suggestedFilename()));
      }
      // tfjs's model JSON: the weights manifest names the weights file; the tree is in the metadata.
      const json = JSON.parse(fs.readFileSync(path.join(saved, "paramtree-storage-demo.json"), "utf8"));
      expect(json.weightsManifest[0].paths).toEqual(["./paramtree-storage-demo.weights.bin"]);
      expect(json.userDefinedMetadata.paramtree.format).toBe("paramtree");
      const bin = fs.readFileSync(path.join(saved, "paramtree-storage-demo.weights.bin"));
      const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
      const handler = tf.io.fromMemory(
        tf.io.getModelArtifactsForJSONSync(json, tf.io.getWeightSpecs(json.weightsManifest), weightData),
      );
      const loaded = await loadTree(handler);
      if (E.isLeft(loaded)) throw new Error(formatDecodeErrors(loaded.left).join("\n"));
      expect(fingerprint(loaded.right)).toEqual(report.raw["downloads://paramtree-storage-demo"]);
      disposeTree(loaded.right);
      // A flipped weight byte is caught by the checksum, with the place.
      const corrupt = new Uint8Array(weightData.slice(0));
      corrupt[0] = (corrupt[0] as number) ^ 1;
      const bad = await loadTree(
        tf.io.fromMemory(
          tf.io.getModelArtifactsForJSONSync(
            json,
            tf.io.getWeightSpecs(json.weightsManifest),
            corrupt.buffer,
          ),
        ),
      );
      expect(E.isLeft(bad) && formatDecodeErrors(bad.left)[0]).toMatch(
        /^document\.weightData: the weight data of the IOHandler is corrupt: its CRC-32 is \d+ but the metadata says \d+$/,
      );
      expect(problems).toEqual([]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await context?.close();
      await server.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
      fs.rmSync(saved, { recursive: true, force: true });
    }
  }, 240_000);
}
