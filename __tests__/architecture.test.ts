/**
 * The shape of the house: layers that point one way and no import cycles in `src/`, no generated
 * code anywhere in the package, and engine files small enough to read top to bottom.
 *
 * Layers, from the bottom: `core` (the tree engine: no tfjs, no wrappers) < `tensor` < `wrappers` < `constraints`
 * < `train`, `codec` (siblings, neither imports the other) < `fp`, `interop` (tfjs weights and
 * tf.io storage; siblings) < the composition root and
 * entries (`src/*.ts`). A file may import its own folder and the folders below its own, nothing
 * else.
 */
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import * as ts from "typescript";

const src = path.resolve(__dirname, "..", "src");
const rank: Record<string, number> = {
  core: 0,
  tensor: 1,
  wrappers: 2,
  constraints: 2.5,
  train: 3,
  codec: 3,
  fp: 4,
  interop: 4,
  "": 5,
};

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? filesUnder(full) : d.name.endsWith(".ts") ? [full] : [];
  });
}

const files = filesUnder(src);
const layerOf = (file: string): string => {
  const rel = path.relative(src, file);
  return rel.includes(path.sep) ? (rel.split(path.sep)[0] as string) : "";
};

/** The files of `src/` that `file` imports (type-only imports too: they are dependencies). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith("."))
    .map((name) => {
      const base = path.resolve(path.dirname(file), name);
      const candidates = [`${base}.ts`, path.join(base, "index.ts")];
      const found = candidates.find((c) => fs.existsSync(c));
      if (found === undefined)
        throw new Error(`${path.relative(src, file)} imports ${name}, which is not a file`);
      return found;
    });
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));

function upwardImports(g: ReadonlyMap<string, readonly string[]>): string[] {
  const wrong: string[] = [];
  for (const [file, imports] of g) {
    const from = layerOf(file);
    for (const target of imports) {
      const to = layerOf(target);
      if (to !== from && (rank[to] as number) >= (rank[from] as number)) {
        wrong.push(`${path.relative(src, file)} -> ${path.relative(src, target)}`);
      }
    }
  }
  return wrong;
}

function cycles(g: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, "open" | "done">();
  const found: string[] = [];
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      const loop = trail.slice(trail.indexOf(file)).concat(file);
      found.push(loop.map((f) => path.relative(src, f)).join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const next of g.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, "done");
  };
  for (const f of g.keys()) visit(f, []);
  return found;
}

/** The Node built-ins that the files reachable from `entry` import, as `file -> module`. */
function nodeBuiltinsReachable(entry: string): string[] {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const seen = new Set<string>();
  const hits: string[] = [];
  const todo = [entry];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const bare = ts
      .preProcessFile(fs.readFileSync(file, "utf8"), true, true)
      .importedFiles.map((f) => f.fileName);
    for (const name of bare) if (builtins.has(name)) hits.push(`${path.relative(src, file)} -> ${name}`);
    todo.push(...(graph.get(file) ?? []));
  }
  return hits;
}

describe("architecture of src/", () => {
  test("every folder of src/ has a layer", () => {
    for (const f of files) expect(rank[layerOf(f)]).toBeDefined();
  });

  test("imports point down the layers (or stay in their folder)", () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  test("no import cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("the engine imports neither tfjs nor anything above it", () => {
    for (const f of files.filter((file) => layerOf(file) === "core")) {
      const text = fs.readFileSync(f, "utf8");
      expect(text).not.toMatch(/from "@tensorflow|from "fp-ts|from "io-ts/);
    }
  });

  test("no generated code: no `new Function` and no `eval(` in src/", () => {
    for (const f of files) {
      const text = fs.readFileSync(f, "utf8");
      expect({ file: path.relative(src, f), hit: /new Function|\beval\(/.test(text) }).toEqual({
        file: path.relative(src, f),
        hit: false,
      });
    }
  });

  test("engine files are at most 300 lines", () => {
    for (const f of files.filter((file) => layerOf(file) === "core")) {
      const lines = fs.readFileSync(f, "utf8").split("\n").length;
      expect({ file: path.relative(src, f), short: lines <= 300 }).toEqual({
        file: path.relative(src, f),
        short: true,
      });
    }
  });

  test("the platform-free entries reach no Node built-in (the files are the Node entries' own)", () => {
    for (const entry of ["index.ts", "advanced.ts", "core/index.ts", "fp/Tree.ts"]) {
      expect({ entry, builtins: nodeBuiltinsReachable(path.join(src, entry)) }).toEqual({
        entry,
        builtins: [],
      });
    }
    // The Node entry does reach them (so the walk sees through re-exports).
    expect(nodeBuiltinsReachable(path.join(src, "index.node.ts"))).toEqual(
      expect.arrayContaining(["codec/files.ts -> fs", "codec/files.ts -> zlib"]),
    );
  });

  test("the checks can fail: they find a cycle and an upward import in a made-up graph", () => {
    const at = (p: string): string => path.join(src, p);
    const madeUp = new Map([
      [at("core/a.ts"), [at("wrappers/b.ts")]],
      [at("wrappers/b.ts"), [at("core/a.ts")]],
    ]);
    expect(upwardImports(madeUp)).toEqual(["core/a.ts -> wrappers/b.ts"]);
    expect(cycles(madeUp)).toEqual(["core/a.ts -> wrappers/b.ts -> core/a.ts"]);
    expect(graph.size).toBeGreaterThan(20);
  });
});
