/**
 * Type-checks every code example of every doc comment under src/ (see support/docExamples.ts),
 * with the project's compiler options, so that an example a user copies does not show them a
 * type error: a wrong argument type, a type name that does not exist, a helper that is not
 * exported. docExamples.test.ts runs the same examples; this file only compiles them.
 */
import * as path from "node:path";
import {
  extractExamples,
  extractExamplesFromTree,
  formatTypeErrors,
  typeCheckExamples,
  type TypeCheckResult,
} from "./support/docExamples";

const root = path.resolve(__dirname, "..");

describe("doc-comment examples under src/ type-check", () => {
  test("every runnable example compiles with tsconfig.json's options", () => {
    const examples = extractExamplesFromTree(root, "src");
    const result = typeCheckExamples(root, examples);
    expect(result.checked).toBe(examples.filter((e) => e.skip === undefined).length);
    expect(result.checked).toBeGreaterThan(0);
    if (result.errors.length > 0) {
      throw new Error(
        `${result.errors.length} type error(s) in doc examples:\n${formatTypeErrors(result.errors)}`,
      );
    }
  });
});

// -------------------------------------------------------------------------------------
// the machinery itself, on a module that exists only in memory
// -------------------------------------------------------------------------------------

describe("doc example type-check machinery", () => {
  const file = "src/__machinery__/doubling.ts";
  const source = [
    "/**", //                                                                    1
    " * Doubles.", //                                                            2
    " *", //                                                                     3
    " * @example", //                                                            4
    " * double(2); // 4", //                                                     5
    ' * double("2");', //                                                        6
    " * const d: Doubled = doubling.double(1);", //                              7
    " * const o: TreeOptions = { noneIsLeaf: true };", //                        8
    " * const t: NoSuchType = 1;", //                                            9
    " * helper(1);", //                                                          10
    " */", //                                                                    11
    "export function double(x: number): Doubled {", //                          12
    "  return helper(x);", //                                                    13
    "}", //                                                                      14
    "/** Not exported: an example cannot use it. */", //                         15
    "function helper(x: number): number {", //                                  16
    "  return 2 * x;", //                                                        17
    "}", //                                                                      18
    "/**", //                                                                    19
    " * What `double` returns.", //                                              20
    " *", //                                                                     21
    " * ```ts", //                                                               22
    ' * import { treeLeaves } from "paramtree";', //                             23
    " * const tf = 3; // the example's own `tf` shadows the scope's", //        24
    " * const [n] = await Promise.resolve(treeLeaves<number>([tf]));", //        25
    " * const d: Doubled = double(n ?? 0);", //                                  26
    " * const s: string = d;", //                                                27
    " * ```", //                                                                 28
    " */", //                                                                    29
    "export type Doubled = number;", //                                          30
  ].join("\n");
  const overlay = new Map([[path.join(root, file), source]]);
  const examples = extractExamples(file, source);
  let result: TypeCheckResult;
  let reported: string[];
  beforeAll(() => {
    result = typeCheckExamples(root, examples, { overlay });
    reported = formatTypeErrors(result.errors).split("\n");
  });

  test("both examples are checked", () => {
    expect(examples.map((e) => [e.line, e.symbol])).toEqual([
      [5, "double"],
      [23, "Doubled"],
    ]);
    expect(result.checked).toBe(2);
  });

  test("a wrong argument, a missing type and a non-exported helper fail at their file:line", () => {
    expect(reported).toEqual([
      `${file}:6 double: Argument of type 'string' is not assignable to parameter of type 'number'.`,
      // (followed by a spelling suggestion from the global scope)
      expect.stringMatching(/^src\/__machinery__\/doubling\.ts:9 double: Cannot find name 'NoSuchType'\./),
      `${file}:10 double: Cannot find name 'helper'.`,
      `${file}:27 Doubled: Type 'number' is not assignable to type 'string'.`,
    ]);
  });

  test("the scope has types too: the module's own, paramtree's and the module namespace", () => {
    // Lines 7 and 8 (`Doubled`, `doubling.double`, `TreeOptions`) are not reported above.
    expect(reported.filter((r) => /:(7|8) /.test(r))).toEqual([]);
  });

  test("an awaiting example is wrapped, its imports hoisted, and lines still map back", () => {
    // Line 27 is inside the async wrapper and is reported at 27; the import at line 23 and the
    // example's own `tf` (line 24) clash with nothing in the generated scope.
    const generated = [...result.files.values()].find((t) => t.includes("async function")) ?? "";
    expect(generated).toMatch(/^import \{ treeLeaves \} from "paramtree";$/m);
    expect(generated).not.toMatch(/import \* as tf /);
    expect(reported.filter((r) => /:(23|24|25|26) /.test(r))).toEqual([]);
  });
});
