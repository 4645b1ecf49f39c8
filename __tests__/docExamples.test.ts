/**
 * Runs every code example of every doc comment under src/ (see support/docExamples.ts for the
 * conventions), so that a documented example that stops working fails the build. Each test is
 * named `file:line symbol`, and a failure message starts with the exact line to fix.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import * as O from "fp-ts/Option";
import { flow, pipe } from "fp-ts/function";
import * as paramtree from "../src/index.node";
import {
  compileExample,
  difference,
  extractExamples,
  extractExamplesFromTree,
  normalize,
  parseExpectation,
  runExample,
  Approx,
  type DocExample,
  type ExampleScope,
} from "./support/docExamples";

const root = path.resolve(__dirname, "..");
const examples = extractExamplesFromTree(root, "src");

// The public API: src/index.node.ts (the Node entry: src/index.ts plus the files) and the folder indexes it re-exports (src/<folder>/index.ts), so
// that an example does not depend on the order in which folders are added to src/index.ts.
const folderExports: Record<string, unknown> = {};
for (const d of fs.readdirSync(path.join(root, "src"), { withFileTypes: true })) {
  if (!d.isDirectory() || !fs.existsSync(path.join(root, "src", d.name, "index.ts"))) continue;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  Object.assign(folderExports, require(path.join(root, "src", d.name)) as Record<string, unknown>);
}

const publicScope: ExampleScope = {
  names: { ...folderExports, ...paramtree, tf, pipe, flow, E, O },
  require: (specifier: string): unknown => {
    if (specifier === "paramtree") return { ...folderExports, ...paramtree };
    if (specifier === "@tensorflow/tfjs-core") return tf;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve(specifier, { paths: [root] }));
  },
};

beforeAll(async () => {
  await paramtree.initBackend();
});

const label = (e: DocExample): string => `${e.file}:${e.line} ${e.symbol}`;

describe("doc-comment examples under src/", () => {
  test("there are examples to run", () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  const runnable = examples.filter((e) => e.skip === undefined);
  const skipped = examples.filter((e) => e.skip !== undefined);

  test.each(runnable.map((e) => [label(e), e] as const))("%s", async (_name, example) => {
    const compiled = compileExample(example);
    // An example may also use the exports of the module it documents (helpers that src/index.ts
    // does not re-export); the public names win on a clash.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const own = require(path.join(root, example.file)) as Record<string, unknown>;
    const moduleName = path.basename(example.file, ".ts");
    const scope: ExampleScope = {
      names: { [moduleName]: own, ...own, ...publicScope.names },
      require: publicScope.require,
    };
    const before = tf.memory().numTensors;
    const backend = tf.getBackend();
    tf.engine().startScope();
    try {
      await runExample(example, compiled, scope);
    } finally {
      tf.engine().endScope();
      // Every example starts on the WASM backend, also after one that switches (initBackend's).
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    }
    // Example tensors are released by the scope; what remains was kept or made a variable.
    const leaked = tf.memory().numTensors - before;
    tf.disposeVariables();
    if (leaked !== 0) {
      throw new Error(
        `${example.file}:${example.line} (${example.symbol} example): leaked ${leaked} tensor(s) (kept or variables)`,
      );
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  test("every runtime export of src/index.node.ts (the root entry plus the Node files) has an example in its doc comment", () => {
    const documented = new Set(examples.map((e) => e.symbol));
    const missing = Object.keys(paramtree)
      .filter((name) => !documented.has(name))
      .sort();
    expect(missing).toEqual([]);
  });

  for (const e of skipped) {
    test.skip(`${label(e)} (not run: ${e.skip ?? ""})`, () => undefined);
  }
});

// -------------------------------------------------------------------------------------
// the machinery itself: extraction, expectation parsing, comparison
// -------------------------------------------------------------------------------------

describe("doc example machinery", () => {
  const source = [
    "/**", //                                                    1
    " * Doubles.", //                                            2
    " *", //                                                     3
    " * @example", //                                            4
    " * double(2); // 4", //                                     5
    " * double(1.5); // 3", //                                   6
    " * @param x the input", //                                  7
    " */", //                                                    8
    "export function double(x: number): number {", //           9
    "  return 2 * x;", //                                        10
    "}", //                                                      11
    "/**", //                                                    12
    " * Fenced:", //                                             13
    " * ```ts", //                                               14
    " * const y = double(3); // 6", //                           15
    " * ```", //                                                 16
    " * ```sh", //                                               17
    " * npm test", //                                            18
    " * ```", //                                                 19
    " * ```ts no-run", //                                        20
    " * window.alert(1);", //                                    21
    " * ```", //                                                 22
    " */", //                                                    23
    "export const triple = (x: number): number => 3 * x;", //    24
  ].join("\n");

  test("extraction finds @example and fenced ts blocks with their lines and symbols", () => {
    const found = extractExamples("src/x.ts", source);
    expect(found.map((e) => [e.line, e.symbol, e.code, e.skip])).toEqual([
      [5, "double", "double(2); // 4\ndouble(1.5); // 3", undefined],
      [15, "triple", "const y = double(3); // 6", undefined],
      [21, "triple", "window.alert(1);", "marked no-run"],
    ]);
    expect(found[0]?.lines).toEqual([5, 6]);
  });

  test("a wrong trailing value fails with the exact file:line, a right one passes", async () => {
    const [good] = extractExamples("src/x.ts", source.replace("double(1.5); // 3", "double(1.5); // 3"));
    const double = (x: number): number => 2 * x;
    const s: ExampleScope = { names: { double }, require: () => ({}) };
    await expect(runExample(good!, compileExample(good!), s)).resolves.toBeUndefined();
    const [bad] = extractExamples("src/x.ts", source.replace("double(1.5); // 3", "double(1.5); // 4"));
    await expect(runExample(bad!, compileExample(bad!), s)).rejects.toThrow(
      "src/x.ts:6 (double example): `// 4` does not hold: expected 4, got 3",
    );
  });

  test("a thrown error names the line of the statement that threw", async () => {
    const ex: DocExample = {
      file: "src/y.ts",
      line: 10,
      symbol: "f",
      code: "const a = 1;\nundefinedName(a);\nconst b = 2;",
      lines: [10, 11, 12],
    };
    await expect(runExample(ex, compileExample(ex), { names: {}, require: () => ({}) })).rejects.toThrow(
      "src/y.ts:11 (f example): threw ReferenceError: undefinedName is not defined",
    );
  });

  test("a syntax error is reported with its line", () => {
    const ex: DocExample = {
      file: "src/z.ts",
      line: 3,
      symbol: "g",
      code: "const a = 1;\nconst = ;",
      lines: [3, 4],
    };
    expect(() => compileExample(ex)).toThrow("syntax error at src/z.ts:4");
  });

  test("throws expectations", async () => {
    const mk = (code: string): DocExample => ({ file: "f.ts", line: 1, symbol: "s", code, lines: [1] });
    const s: ExampleScope = {
      names: {
        boom: (): never => {
          throw new Error("bad input at .a[0]");
        },
        fine: (): number => 1,
      },
      require: () => ({}),
    };
    const run = (code: string): Promise<void> => runExample(mk(code), compileExample(mk(code)), s);
    await expect(run('boom(); // throws ".a[0]"')).resolves.toBeUndefined();
    await expect(run("boom(); // throws")).resolves.toBeUndefined();
    await expect(run('boom(); // throws "elsewhere"')).rejects.toThrow(
      'expected an error containing "elsewhere"',
    );
    await expect(run("fine(); // throws")).rejects.toThrow("nothing was thrown");
  });

  test("expectation parsing: literals are checks, prose is not", () => {
    expect(parseExpectation("[1, 2]", 1)).toMatchObject({ kind: "value", expected: [1, 2] });
    expect(parseExpectation("=> { a: [-1, null], 'b c': \"x\" }", 1)).toMatchObject({
      expected: { a: [-1, null], "b c": "x" },
    });
    expect(parseExpectation("true", 1)).toMatchObject({ expected: true });
    expect(parseExpectation("NaN", 1)).toMatchObject({ expected: NaN });
    expect(parseExpectation("a model of exponentials", 1)).toBeUndefined();
    expect(parseExpectation("WASM", 1)).toBeUndefined();
    expect(parseExpectation("switch to the pure-JS CPU backend", 1)).toBeUndefined();
    expect(parseExpectation("[1, 2] and more", 1)).toBeUndefined();
    expect(parseExpectation("f(1)", 1)).toBeUndefined();
    expect(parseExpectation("Float32Array [5, 6]", 1)).toMatchObject({ expected: [5, 6] });
    expect(parseExpectation("Float32Array(2) [5, 6]", 1)).toMatchObject({ expected: [5, 6] });
    expect(parseExpectation("Float32Array", 1)).toBeUndefined();
    expect(parseExpectation("3: not a float tensor, passed through", 1)).toBeUndefined();
    const close = parseExpectation("close to [0, 0]", 1);
    expect(close?.kind === "value" && close.expected).toEqual([
      new Approx(0, 0.5 * (1 + 1e-9)),
      new Approx(0, 0.5 * (1 + 1e-9)),
    ]);
    const approx = parseExpectation("≈ -0.69", 1);
    expect(approx?.kind === "value" && approx.expected).toEqual(new Approx(-0.69, 0.005 * (1 + 1e-9)));
  });

  test("comparison: tolerances, tensors and key sets", () => {
    expect(difference(0.1 + 0.2, 0.3)).toBeUndefined();
    expect(difference(Math.fround(0.1), 0.1)).toBeUndefined();
    expect(difference(0.11, 0.1)).toBe("expected 0.1, got 0.11");
    expect(difference(Math.LN2, new Approx(0.693, 0.0005))).toBeUndefined();
    expect(difference(0.7, new Approx(0.693, 0.0005))).toContain("expected ≈0.693");
    expect(difference({ a: 1, b: undefined }, { a: 1 })).toBeUndefined();
    expect(difference({ a: 1, c: 2 }, { a: 1 })).toBe("expected keys [a], got [a, c]");
    expect(difference([[1, 2]], [[1, 3]])).toBe("expected 3 at [0][1], got 2");
    expect(difference("x", "x")).toBeUndefined();
    expect(difference([1], [1, 2])).toContain("expected 2 items");
    expect(difference("bad shape at .w: got [2]", "bad shape at .w: ...")).toBeUndefined();
    expect(difference("bad (x) at .v: got [2]", "bad (x) at .w: ...")).toContain("... = any text");
    expect(difference("a.b", "a...")).toBeUndefined();

    const before = tf.memory().numTensors;
    const t = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    expect(normalize({ w: t, v: new Float32Array([0.5]) })).toEqual({
      w: [
        [1, 2],
        [3, 4],
      ],
      v: [0.5],
    });
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
