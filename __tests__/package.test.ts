/**
 * The published package, tested the way a user gets it: `npm pack`, install the tarball into a
 * fresh project (peers from the local npm cache), then use it from CommonJS `require`, from native
 * ESM `import`, and from TypeScript under the common module resolutions; bundled for the browser
 * by esbuild, webpack 5 and vite, none of which may reach a Node built-in. Also checks that the
 * tarball holds only what a user needs.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
};
const peerNames = Object.keys(pkg.peerDependencies).sort();

let work: string; // temp folder: the tarball and the consumer project
let consumer: string;
let packedFiles: string[];

function run(cmd: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 300_000,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(" ")} failed in ${cwd}:\n${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`,
      {
        cause: err,
      },
    );
  }
}

/** The exact version of a package installed in this repository (the consumer pins peers to it). */
function installedVersion(name: string): string {
  const p = JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as {
    version: string;
  };
  return p.version;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "paramtree-pack-"));
  run("npm", ["run", "build", "--silent"], root);
  const out = run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], root);
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  packedFiles = info.files.map((f) => f.path).sort();
  const tarball = path.join(work, info.filename);

  consumer = path.join(work, "consumer");
  fs.mkdirSync(consumer);
  const dependencies: Record<string, string> = { [pkg.name]: `file:${tarball}` };
  for (const name of peerNames) dependencies[name] = installedVersion(name);
  fs.writeFileSync(
    path.join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies }, null, 2),
  );
  // --prefer-offline: everything comes from the npm cache that installing this repo filled.
  run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    consumer,
  );
}, 600_000);

afterAll(() => {
  if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
});

test("the tarball holds the build, README, CHANGELOG, LICENSE and package.json, nothing else", () => {
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^CHANGELOG\.md$/,
    /^LICENSE$/,
    /^dist\/.+\.(js|d\.ts)$/,
    /^dist\/(index|index\.node|advanced|advanced\.node|core\/index|fp\/Tree)\.(mjs|d\.mts)$/,
  ];
  const unexpected = packedFiles.filter((f) => !allowed.some((re) => re.test(f)));
  expect(unexpected).toEqual([]);
  for (const required of [
    "package.json",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "dist/index.js",
    "dist/index.d.ts",
    "dist/index.mjs",
    "dist/index.d.mts",
    "dist/backend.js",
    "dist/fp/Tree.js",
    "dist/fp/Tree.d.ts",
    "dist/fp/Tree.mjs",
    "dist/fp/Tree.d.mts",
  ]) {
    expect(packedFiles).toContain(required);
  }
  // No tests, fixtures, sources or maps slipped into dist/.
  expect(
    packedFiles.filter((f) => /(__tests__|\.test\.|fixtures|\.map$|\.ts$)/.test(f) && !f.endsWith(".d.ts")),
  ).toEqual([]);
});

test("the installed package declares the files its exports and sideEffects name", () => {
  const installed = path.join(consumer, "node_modules", pkg.name);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
    exports: Record<string, unknown>;
    sideEffects: string[];
  };
  const targets: string[] = [];
  const collect = (x: unknown): void => {
    if (typeof x === "string") targets.push(x);
    else if (typeof x === "object" && x !== null) Object.values(x).forEach(collect);
  };
  collect(manifest.exports);
  for (const t of [...targets, ...manifest.sideEffects]) {
    expect([t, fs.existsSync(path.join(installed, t))]).toEqual([t, true]);
  }
});

// Runs with `pt` (paramtree) and `tfc` (tfjs-core) bound; prints one JSON line.
const program = `
  const tree = { layers: [{ w: [1, 2], b: 3 }], name: null };
  const [leaves, def] = pt.treeFlatten(tree);
  const back = pt.treeUnflatten(def, leaves.map((x) => x * 10));
  await pt.initBackend();
  const sum = tfc.sum(tfc.tensor1d(leaves)).dataSync()[0];
  console.log(JSON.stringify({ leaves, numLeaves: def.numLeaves, back, backend: tfc.getBackend(), sum }));
`;

const expected = {
  leaves: [3, 1, 2],
  numLeaves: 3,
  back: { layers: [{ w: [10, 20], b: 30 }], name: null },
  backend: "wasm",
  sum: 6,
};

test("works from CommonJS require", () => {
  fs.writeFileSync(
    path.join(consumer, "use.cjs"),
    `const pt = require("paramtree");\nconst tfc = require("@tensorflow/tfjs-core");\n(async () => {\n${program}\n})().catch((e) => { console.error(e); process.exit(1); });\n`,
  );
  const out = run(process.execPath, ["use.cjs"], consumer);
  expect(JSON.parse(out.trim().split("\n").pop() ?? "")).toEqual(expected);
});

test("works from native ESM import, sharing one instance with require", () => {
  fs.writeFileSync(
    path.join(consumer, "use.mjs"),
    [
      `import * as pt from "paramtree";`,
      `import * as tfc from "@tensorflow/tfjs-core";`,
      `import { treeFlatten, defaultRegistry } from "paramtree";`,
      `import { createRequire } from "node:module";`,
      `const cjs = createRequire(import.meta.url)("paramtree");`,
      `if (cjs.treeFlatten !== treeFlatten || cjs.defaultRegistry !== defaultRegistry) throw new Error("two instances");`,
      `const missing = Object.keys(cjs).filter((k) => k !== "__esModule" && !(k in pt));`,
      `if (missing.length > 0) throw new Error("ESM lacks " + missing.join(", "));`,
      program,
    ].join("\n"),
  );
  const out = run(process.execPath, ["use.mjs"], consumer);
  expect(JSON.parse(out.trim().split("\n").pop() ?? "")).toEqual(expected);
});

test("the paramtree/Tree subpath: one module instance from require, from import, and as paramtree's Tree", () => {
  fs.writeFileSync(
    path.join(consumer, "tree.mjs"),
    [
      `import * as T from "paramtree/Tree";`,
      `import { Tree } from "paramtree";`,
      `import { createRequire } from "node:module";`,
      `const cjs = createRequire(import.meta.url)("paramtree/Tree");`,
      `if (T.map !== Tree.map || cjs.map !== Tree.map) throw new Error("two instances of the Tree module");`,
      `const missing = Object.keys(cjs).filter((k) => k !== "__esModule" && !(k in T));`,
      `if (missing.length > 0) throw new Error("ESM lacks " + missing.join(", "));`,
      `console.log(JSON.stringify(T.map((x) => x * 2)({ a: 1, b: [2] })));`,
    ].join("\n"),
  );
  const out = run(process.execPath, ["tree.mjs"], consumer);
  expect(JSON.parse(out.trim().split("\n").pop() ?? "")).toEqual({ a: 2, b: [4] });
});

test("bundled by esbuild through the ESM entry, the backend side effects survive", async () => {
  // The app imports only a tree function, yet needs what dist/backend.js does on import
  // (`import "@tensorflow/tfjs"`: the CPU backend and the gradients). The build is CommonJS inside,
  // which bundlers keep whole, and `sideEffects` lists backend.js for tools that shake deeper.
  fs.writeFileSync(
    path.join(consumer, "app.mjs"),
    [
      `import { treeFlatten } from "paramtree";`,
      `import * as tfc from "@tensorflow/tfjs-core";`,
      `tfc.setBackend("cpu").then(() => {`,
      `  const [leaves] = treeFlatten({ b: tfc.scalar(3), a: tfc.scalar(2) });`,
      `  const g = tfc.grad((x) => tfc.mul(x, x))(leaves[1]);`,
      `  console.log(JSON.stringify({ grad: g.dataSync()[0] }));`,
      `});`,
    ].join("\n"),
  );
  const esbuild = await import("esbuild");
  const outfile = path.join(consumer, "bundle.cjs");
  await esbuild.build({
    entryPoints: [path.join(consumer, "app.mjs")],
    absWorkingDir: consumer,
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs", // the externals are then plain require() calls
    target: "node18",
    external: ["@tensorflow/*"],
    logLevel: "silent",
  });
  const bundle = fs.readFileSync(outfile, "utf8");
  expect(bundle).toMatch(/require\("@tensorflow\/tfjs"\)/);
  expect(bundle).toContain("dist/index.node.mjs"); // resolved through the "node" then "import" conditions
  const out = run(process.execPath, ["bundle.cjs"], consumer);
  // d(x²)/dx at x = 3 (the leaf order is a, b: sorted keys).
  expect(JSON.parse(out.trim().split("\n").pop() ?? "")).toEqual({ grad: 6 });
}, 120_000);

test("Node keeps the file functions: require and import of paramtree give saveTree and loadTree", () => {
  fs.writeFileSync(
    path.join(consumer, "files.mjs"),
    [
      `import { saveTree, loadTree, loadTreeTE, treeFlatten } from "paramtree";`,
      `import { weightsFileName } from "paramtree/advanced";`,
      `import { createRequire } from "node:module";`,
      `const require = createRequire(import.meta.url);`,
      `const cjs = require("paramtree");`,
      `if (cjs.saveTree !== saveTree || cjs.loadTree !== loadTree) throw new Error("two instances of the files");`,
      `if (cjs.treeFlatten !== treeFlatten) throw new Error("two instances of the root");`,
      `console.log(JSON.stringify({ kinds: [typeof saveTree, typeof loadTree, typeof loadTreeTE, typeof cjs.withLoadedTree], bin: weightsFileName("m.json", "0123456789abcdef") }));`,
    ].join("\n"),
  );
  const out = run(process.execPath, ["files.mjs"], consumer);
  expect(JSON.parse(out.trim().split("\n").pop() ?? "")).toEqual({
    kinds: ["function", "function", "function", "function"],
    bin: "m.json.0123456789abcdef.bin",
  });
});

describe("bundled for the browser (esbuild --platform=browser) from the installed tarball", () => {
  // A page as a user writes it: tree functions, wrappers, the codec and the backend, all from the
  // package name. Every module esbuild reaches is listed in its metafile.
  const page = [
    `import { initBackend, unwrap, Parameterize, stringifyTree, parseTree, treeLeaves } from "paramtree";`,
    `import { registerRecord } from "paramtree/advanced";`,
    `import * as T from "paramtree/Tree";`,
    `import * as tf from "@tensorflow/tfjs-core";`,
    `initBackend("cpu").then(() => {`,
    `  const text = stringifyTree({ s: Parameterize(tf.exp, tf.scalar(0)) });`,
    `  console.log(typeof parseTree, typeof unwrap, typeof registerRecord, typeof T.map, treeLeaves([1]), text.length);`,
    `});`,
  ].join("\n");
  const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

  async function bundle(nodeEntry: boolean): Promise<{ inputs: string[]; imports: string[] }> {
    fs.writeFileSync(path.join(consumer, "page.mjs"), page);
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      entryPoints: [path.join(consumer, "page.mjs")],
      absWorkingDir: consumer,
      outfile: path.join(consumer, "page.bundle.js"),
      bundle: true,
      // The control (nodeEntry) takes the Node entry as a bundler that ignores the `browser` field
      // would: platform "neutral", which knows no Node built-ins either.
      ...(nodeEntry ? { platform: "neutral", conditions: ["node"], mainFields: ["module", "main"] } : {}),
      ...(nodeEntry ? {} : { platform: "browser" }),
      format: "esm",
      metafile: true,
      logLevel: "silent",
      define: { "process.env.NODE_ENV": '"production"' },
    });
    const inputs = Object.keys(result.metafile.inputs);
    const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    return { inputs, imports };
  }

  test("no Node built-in is reachable, and the package resolves to its browser-clean entries", async () => {
    const { inputs, imports } = await bundle(false);
    expect(imports.filter((p) => nodeBuiltins.has(p))).toEqual([]);
    expect(inputs.filter((p) => nodeBuiltins.has(p))).toEqual([]);
    const ours = inputs.filter((p) => p.startsWith("node_modules/paramtree/")).sort();
    expect(ours).toContain("node_modules/paramtree/dist/index.mjs");
    expect(ours).toContain("node_modules/paramtree/dist/advanced.mjs");
    expect(
      ours.filter((p) => /index\.node|advanced\.node|codec\/files|storage\.node|loadedTree\.node/.test(p)),
    ).toEqual([]);
  }, 300_000);

  test("the check can fail: the Node entry, bundled for no platform, reaches fs and is refused", async () => {
    await expect(bundle(true)).rejects.toThrow(/Could not resolve "(fs|path|zlib)"/);
  }, 300_000);
});

describe("bundled for the browser by webpack 5 and vite, without Node polyfills, from the installed tarball", () => {
  // The same page as for esbuild; each bundler runs in a child process (vite is ESM-only), from
  // this repository's node_modules, over the consumer project that installed the tarball. A
  // plugin (vite) or the module list (webpack) records every Node built-in the bundler reaches.
  const page = [
    `import { initBackend, unwrap, Parameterize, stringifyTree, parseTree, treeLeaves, saveTree, loadTree } from "paramtree";`,
    `import { registerRecord } from "paramtree/advanced";`,
    `import * as T from "paramtree/Tree";`,
    `import * as tf from "@tensorflow/tfjs-core";`,
    `initBackend("cpu").then(() => {`,
    `  const text = stringifyTree({ s: Parameterize(tf.exp, tf.scalar(0)) });`,
    `  console.log(typeof parseTree, typeof unwrap, typeof registerRecord, typeof T.map, typeof saveTree, typeof loadTree, treeLeaves([1]), text.length);`,
    `});`,
  ].join("\n");
  const builtins = `new Set(require("node:module").builtinModules.flatMap((m) => [m, "node:" + m]))`;
  // argv[2] === "node": the control, resolving as a bundler told to take the Node entry would.
  const webpackScript = `
    const webpack = require(${JSON.stringify(path.join(root, "node_modules", "webpack"))});
    const builtins = ${builtins};
    const nodeEntry = process.argv[2] === "node";
    webpack(
      {
        mode: "production",
        target: "web", // webpack 5: no Node polyfills, no resolve.fallback
        context: __dirname,
        entry: "./page.mjs",
        output: { path: require("node:path").join(__dirname, "webpack-out"), filename: "page.js" },
        resolve: nodeEntry ? { conditionNames: ["node", "import", "module", "default"], aliasFields: [] } : {},
        optimization: { minimize: false, concatenateModules: false },
        performance: { hints: false },
        cache: false,
        devtool: false,
      },
      (err, stats) => {
        if (err) throw err;
        const j = stats.toJson({ all: false, modules: true, errors: true });
        const modules = j.modules.map((m) => m.name ?? m.identifier ?? "");
        console.log(JSON.stringify({
          errors: j.errors.map((e) => e.message.split("\\n")[0]),
          modules,
          builtins: modules.filter((m) => builtins.has(m.replace(/^(external|ignored) .*"(.*)"$/, "$2"))),
        }));
      },
    );
  `;
  const viteScript = `
    import { createRequire } from "node:module";
    import { pathToFileURL } from "node:url";
    const require = createRequire(import.meta.url);
    const { build } = await import(pathToFileURL(${JSON.stringify(path.join(root, "node_modules", "vite", "dist", "node", "index.js"))}).href);
    const builtins = ${builtins};
    const nodeEntry = process.argv[2] === "node";
    const reached = [];
    const fs = require("node:fs");
    const path = require("node:path");
    function browserMapped(id, importer) {
      for (let dir = path.dirname(importer); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (!fs.existsSync(file)) continue;
        const browser = JSON.parse(fs.readFileSync(file, "utf8")).browser;
        return browser !== null && typeof browser === "object" && browser[id] === false;
      }
      return false;
    }
    const out = await build({
      root: import.meta.dirname,
      configFile: false,
      logLevel: "silent",
      // The control also turns off the "browser" field, which maps the CommonJS Node entry away.
      resolve: nodeEntry
        ? { conditions: ["node", "import", "module", "default"], mainFields: ["module", "main"] }
        : {},
      plugins: [
        {
          name: "record-node-builtins",
          enforce: "pre",
          resolveId(id, importer) {
            // Reached unless the importing package's "browser" field maps it away (as tfjs's do).
            if (builtins.has(id) && !browserMapped(id, importer ?? ""))
              reached.push((importer ?? "").replace(/^.*node_modules\\//, "") + " -> " + id);
            return null;
          },
        },
      ],
      build: { write: false, minify: false, rollupOptions: { input: "page.mjs" } },
    });
    const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output);
    const modules = outputs.flatMap((c) => c.moduleIds ?? []).map((m) => m.replace(/^.*node_modules\\//, "node_modules/"));
    console.log(JSON.stringify({ builtins: reached, modules }));
  `;

  function bundleWith(
    tool: "webpack" | "vite",
    nodeEntry: boolean,
  ): {
    errors?: string[];
    modules: string[];
    builtins: string[];
  } {
    const dir = path.join(consumer, `${tool}-${nodeEntry ? "node" : "browser"}`);
    fs.mkdirSync(dir, { recursive: true });
    // The page sits in the consumer project, so that "paramtree" resolves to the installed tarball.
    fs.writeFileSync(path.join(dir, "page.mjs"), page);
    fs.symlinkSync(path.join(consumer, "node_modules"), path.join(dir, "node_modules"), "dir");
    const script = path.join(dir, tool === "webpack" ? "build.cjs" : "build.mjs");
    fs.writeFileSync(script, tool === "webpack" ? webpackScript : viteScript);
    const out = run(process.execPath, [script, nodeEntry ? "node" : "browser"], dir);
    return JSON.parse(out.trim().split("\n").pop() ?? "") as ReturnType<typeof bundleWith>;
  }
  // webpack names modules relative to its context, through the symlink: "../node_modules/...".
  const ours = (modules: string[]): string[] =>
    modules.flatMap((m) => {
      const hit = /(?:^|\/)(node_modules\/paramtree\/.*)$/.exec(m);
      return hit === null ? [] : [hit[1] as string];
    });

  test.each(["webpack", "vite"] as const)(
    "%s: no Node built-in reached, the browser-clean entries taken",
    (bundler) => {
      const r = bundleWith(bundler, false);
      expect(r.errors ?? []).toEqual([]); // vite throws on an error rather than listing it
      expect(r.builtins).toEqual([]);
      expect(ours(r.modules)).toEqual(
        expect.arrayContaining([
          "node_modules/paramtree/dist/index.mjs",
          "node_modules/paramtree/dist/advanced.mjs",
        ]),
      );
      expect(
        ours(r.modules).filter((p) =>
          /index\.node|advanced\.node|codec\/files|storage\.node|loadedTree\.node/.test(p),
        ),
      ).toEqual([]);
    },
    60_000,
  );

  test("webpack 5: the check can fail: told to take the Node entry, it cannot resolve fs", () => {
    const r = bundleWith("webpack", true);
    expect(r.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/Can't resolve '(fs|path|zlib|fs\/promises)'/)]),
    );
  }, 60_000);

  test("vite: the check can fail: told to take the Node entry, it reaches fs", () => {
    const r = bundleWith("vite", true);
    expect(r.builtins).toEqual(
      expect.arrayContaining([expect.stringMatching(/codec\/files\.js -> (fs|zlib|path)$/)]),
    );
  }, 60_000);
});

describe("types resolve in a TypeScript consumer", () => {
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  // Uses real types (a wrong call must be an error), so an `any` fallback would fail this check.
  const source = `
    import { treeFlatten, keystr, initBackend, Tree, type TreeDef, type KeyPath } from "paramtree";
    import { saveTree, loadTree, withLoadedTree, type SaveTreeOptions, type LoadTreeOptions } from "paramtree";
    import * as T from "paramtree/Tree";
    // The subpath has the very declarations of paramtree's Tree, and real ones.
    const doubled: typeof Tree.map = T.map;
    // @ts-expect-error map takes a function of a leaf, not a number
    T.map(42);
    const [leaves, def] = treeFlatten<number>({ a: 1, b: [2] });
    const total: number = leaves.reduce((s, x) => s + x, 0);
    const d: TreeDef = def;
    const n: number = d.numLeaves;
    const p: KeyPath = ["a", 0];
    const s: string = keystr(p);
    const started: Promise<void> = initBackend("cpu");
    // @ts-expect-error keystr takes a key path, not a number
    keystr(42);
    // @ts-expect-error there is no "gpu" backend
    void initBackend("gpu");
    // The Node entry's options (files only) under every resolution, "bundler" included.
    const saveOptions: SaveTreeOptions = { inline: true, space: 2 };
    const saved = saveTree("model.json", { a: 1 }, saveOptions);
    const loadOptions: LoadTreeOptions = { requireChecksum: false };
    const loaded = loadTree("file:///tmp/model.json", loadOptions);
    const task = withLoadedTree("indexeddb://model", { requireChecksum: false });
    // @ts-expect-error space is a number of spaces
    void saveTree("model.json", {}, { space: "  " });
    export { total, n, s, started, doubled, saved, loaded, task };
  `;
  const cases = [
    {
      name: "CommonJS, moduleResolution node10",
      file: "node10.ts",
      module: "commonjs",
      resolution: "node10",
    },
    { name: "CommonJS, moduleResolution node16", file: "node16.cts", module: "node16", resolution: "node16" },
    {
      name: "ESM, moduleResolution nodenext",
      file: "nodenext.mts",
      module: "nodenext",
      resolution: "nodenext",
    },
    { name: "bundler resolution", file: "bundler.ts", module: "esnext", resolution: "bundler" },
    {
      name: "bundler resolution, CommonJS file",
      file: "bundler-cjs.cts",
      module: "esnext",
      resolution: "bundler",
    },
  ];
  test.each(cases)("$name", ({ file, module, resolution }) => {
    const dir = path.join(consumer, `ts-${path.basename(file, path.extname(file))}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, file), source);
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module,
          moduleResolution: resolution,
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: [file],
      }),
    );
    run(process.execPath, [tsc, "-p", dir], dir);
  });
});
