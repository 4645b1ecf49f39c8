/**
 * Doc-comment examples as tests.
 *
 * Every `@example` block and every fenced ```ts code block in a `/** ... *\/` comment under `src/`
 * is extracted with the file and line it came from, compiled, and run. So that examples stay
 * short, each one runs with these names already in scope and the WASM backend started:
 * `tf` (tfjs-core), every runtime export of `src/index.node.ts` (the Node entry) and of the folder indexes
 * (`src/<folder>/index.ts`), the exports of the module being
 * documented (also as a namespace under its file name, `Tree` for `src/fp/Tree.ts`), and fp-ts's
 * `pipe`, `flow`, `E` (Either) and `O` (Option). An `import` in an example works as well
 * (`"paramtree"` is the library itself).
 *
 * A trailing comment that is a plain literal turns the line into an assertion:
 *
 *     treeLeaves([{ y: 2, x: 1 }, 3]);   // [1, 2, 3]        deep equality (float32 noise tolerated)
 *     const n = treeStructure(t).numLeaves; // 2             checks the declared variable
 *     tf.exp(1);                         // ≈ 2.718          approximate, to the digits written
 *     x.dataSync();                      // Float32Array [1, 2]  a typed array as Node prints it
 *     initBackend("gpu");                // throws "unknown backend"
 *
 * Tensors are compared by value (`arraySync`), typed arrays as arrays, objects by their own keys;
 * `...` inside an expected string stands for any text (`// "bad shape at .w: ..."`).
 * A comment that is not a literal (`// a model of exponentials`) is prose and checks nothing.
 * An example that cannot run (a browser-only API) says so: a ```ts no-run fence, or a line
 * `// no-run: <reason>`; it is listed as skipped with its reason.
 *
 * Examples are also type-checked (`typeCheckExamples`, docExamples.types.test.ts), with the same
 * names in scope as types too (`const o: TreeOptions = {}` needs no import), so that an example
 * does not show code that a user copying it would get a type error on.
 *
 * @module
 */
import * as ts from "typescript";
import * as fs from "node:fs";
import * as path from "node:path";
import { inspect, isDeepStrictEqual } from "node:util";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** One runnable code block of a doc comment. */
export interface DocExample {
  /** Path relative to the repository root, with forward slashes (`src/tree/flatten.ts`). */
  readonly file: string;
  /** 1-based line of the block's first code line in `file`. */
  readonly line: number;
  /** The declaration the comment documents (`treeFlatten`), or `(module)`. */
  readonly symbol: string;
  /** The code, comment stars removed. */
  readonly code: string;
  /** `lines[i]` is the source line of code line `i`. */
  readonly lines: readonly number[];
  /** Why the example is not run, when it is marked so. */
  readonly skip?: string;
}

/** An expectation written as a trailing comment. */
export type Expectation =
  | { readonly kind: "value"; readonly expected: unknown; readonly text: string; readonly line: number }
  | { readonly kind: "throws"; readonly message?: string; readonly text: string; readonly line: number };

/** A compiled example: JavaScript to evaluate plus the expectations it reports to. */
export interface CompiledExample {
  readonly js: string;
  readonly expectations: readonly Expectation[];
}

/** A number written with `≈`: equal to `value` within half a unit of the last written digit. */
export class Approx {
  constructor(
    readonly value: number,
    readonly tolerance: number,
  ) {}
  [inspect.custom](): string {
    return `≈${this.value}`;
  }
}

// -------------------------------------------------------------------------------------
// extraction
// -------------------------------------------------------------------------------------

const RUNNABLE_LANGS = new Set(["", "ts", "typescript", "js", "javascript"]);
const DECLARATION =
  /^\s*export\s+(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|interface|type|enum|namespace)\s+([A-Za-z_$][\w$]*)/;
const MEMBER = /^\s*(?:readonly\s+|static\s+|public\s+|async\s+|get\s+|set\s+)*([A-Za-z_$][\w$]*)\s*[(:<?=]/;

/** All doc-comment examples of one source text. `file` is only used to label them. */
export function extractExamples(file: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  const commentRe = /\/\*\*([\s\S]*?)\*\//g;
  for (let m = commentRe.exec(text); m !== null; m = commentRe.exec(text)) {
    const startLine = lineOf(text, m.index);
    const rawLines = (m[1] ?? "").split("\n");
    // Strip the ` * ` prefix of each line; the first line follows `/**` directly.
    const lines = rawLines.map((l, i) => (i === 0 ? l.replace(/^\s?/, "") : l.replace(/^\s*\*( |$)?/, "")));
    const after = text.slice(m.index + m[0].length);
    const symbol = /@module|@packageDocumentation/.test(m[1] ?? "") ? "(module)" : symbolAfter(after);
    out.push(...examplesOfComment(file, lines, startLine, symbol));
  }
  return out;
}

function examplesOfComment(
  file: string,
  lines: readonly string[],
  startLine: number,
  symbol: string,
): DocExample[] {
  const out: DocExample[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i] ?? "";
    const fence = /^\s*```\s*([\w-]*)\s*(.*)$/.exec(l);
    if (fence) {
      // A fenced block, inside or outside an @example.
      const lang = (fence[1] ?? "").toLowerCase();
      const info = `${fence[1] ?? ""} ${fence[2] ?? ""}`;
      let j = i + 1;
      while (j < lines.length && !/^\s*```/.test(lines[j] ?? "")) j++;
      if (RUNNABLE_LANGS.has(lang) || lang === "no-run") {
        const body = lines.slice(i + 1, j);
        const skip = /\bno-?run\b/.test(info) ? "marked no-run" : undefined;
        out.push(makeExample(file, body, startLine + i + 1, symbol, skip));
      }
      i = j + 1;
      continue;
    }
    const tag = /^\s*@example\b(.*)$/.exec(l);
    if (tag) {
      let j = i + 1;
      while (j < lines.length && !/^\s*@\w/.test(lines[j] ?? "")) j++;
      const block = lines.slice(i + 1, j);
      if (block.some((b) => /^\s*```/.test(b))) {
        // Let the fence branch handle the fenced parts of this example.
        i = i + 1;
        continue;
      }
      const first = block.findIndex((b) => b.trim() !== "");
      if (first >= 0) {
        let last = block.length - 1;
        while (last > first && (block[last] ?? "").trim() === "") last--;
        out.push(makeExample(file, block.slice(first, last + 1), startLine + i + 1 + first, symbol));
      }
      i = j;
      continue;
    }
    i++;
  }
  return out;
}

function makeExample(
  file: string,
  body: readonly string[],
  firstLine: number,
  symbol: string,
  fenceSkip?: string,
): DocExample {
  const code = body.join("\n");
  const marker = /^\s*\/\/\s*no-?run:?\s*(.*)$/m.exec(code);
  const skip = fenceSkip ?? (marker ? marker[1]?.trim() || "marked no-run" : undefined);
  const lines = body.map((_, k) => firstLine + k);
  return skip === undefined
    ? { file, line: firstLine, symbol, code, lines }
    : { file, line: firstLine, symbol, code, lines, skip };
}

function symbolAfter(after: string): string {
  for (const l of after.split("\n").slice(0, 4)) {
    // Blank lines, tags and line comments (`// eslint-disable-next-line ...`) come before the declaration.
    if (l.trim() === "" || l.trim().startsWith("@") || l.trim().startsWith("//")) continue;
    const d = DECLARATION.exec(l) ?? MEMBER.exec(l);
    return d?.[1] ?? "(unknown)";
  }
  return "(unknown)";
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let k = text.indexOf("\n"); k !== -1 && k < index; k = text.indexOf("\n", k + 1)) n++;
  return n;
}

/** Every example of every `.ts` file under `dir` (sorted by path), with paths relative to `root`. */
export function extractExamplesFromTree(root: string, dir: string): DocExample[] {
  const files: string[] = [];
  const pending = [path.join(root, dir)];
  while (pending.length > 0) {
    const d = pending.pop() as string;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) pending.push(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) files.push(p);
    }
  }
  files.sort();
  return files.flatMap((f) =>
    extractExamples(path.relative(root, f).split(path.sep).join("/"), fs.readFileSync(f, "utf8")),
  );
}

// -------------------------------------------------------------------------------------
// compilation: trailing literal comments become checks
// -------------------------------------------------------------------------------------

/**
 * Rewrites the example so that each top-level statement first reports its line (`__doctest.at`)
 * and statements with a literal trailing comment report their value (`__doctest.check`), then
 * transpiles it to CommonJS. Throws on a syntax error, naming the line.
 */
export function compileExample(example: DocExample): CompiledExample {
  const sf = ts.createSourceFile("example.ts", example.code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const syntax = (sf as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  if (syntax.length > 0) {
    const d = syntax[0] as ts.Diagnostic;
    const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
    throw new Error(
      `syntax error at ${example.file}:${example.lines[line] ?? example.line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );
  }
  const expectations: Expectation[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const srcLine = (pos: number): number =>
    example.lines[sf.getLineAndCharacterOfPosition(pos).line] ?? example.line;

  for (const stmt of sf.statements) {
    const start = stmt.getStart(sf);
    const line = srcLine(start);
    const isImport = ts.isImportDeclaration(stmt) || ts.isImportEqualsDeclaration(stmt);
    const declaresType = ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt);
    const comment = trailingComment(example.code, stmt, sf);
    const parsed = comment === undefined ? undefined : parseExpectation(comment, line);
    const mark = isImport || declaresType ? "" : `__doctest.at(${line}); `;

    if (parsed?.kind === "throws" && ts.isExpressionStatement(stmt)) {
      expectations.push(parsed);
      const body = stmt.expression.getText(sf);
      edits.push({
        start,
        end: stmt.end,
        text: `${mark}await __doctest.throws(${expectations.length - 1}, async () => { ${body}; });`,
      });
    } else if (parsed?.kind === "value" && ts.isExpressionStatement(stmt)) {
      expectations.push(parsed);
      const body = stmt.expression.getText(sf);
      edits.push({
        start,
        end: stmt.end,
        text: `${mark}await __doctest.check(${expectations.length - 1}, async () => (${body}));`,
      });
    } else if (parsed?.kind === "value" && ts.isVariableStatement(stmt) && singleName(stmt) !== undefined) {
      expectations.push(parsed);
      edits.push({ start, end: start, text: mark });
      edits.push({
        start: stmt.end,
        end: stmt.end,
        text: ` await __doctest.check(${expectations.length - 1}, async () => ${singleName(stmt)});`,
      });
    } else if (mark !== "") {
      edits.push({ start, end: start, text: mark });
    }
  }
  let code = example.code;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    code = code.slice(0, e.start) + e.text + code.slice(e.end);
  }
  const out = ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    reportDiagnostics: true,
    fileName: "example.ts",
  });
  const diag = out.diagnostics?.[0];
  if (diag !== undefined) {
    throw new Error(
      `${example.file}:${example.line}: ${ts.flattenDiagnosticMessageText(diag.messageText, "\n")}`,
    );
  }
  return { js: out.outputText, expectations };
}

function singleName(stmt: ts.VariableStatement): string | undefined {
  const decls = stmt.declarationList.declarations;
  const d = decls[0];
  return decls.length === 1 && d !== undefined && ts.isIdentifier(d.name) && d.initializer !== undefined
    ? d.name.text
    : undefined;
}

/** The text of a `//` comment that follows `stmt` on its last line, without the slashes. */
function trailingComment(code: string, stmt: ts.Statement, sf: ts.SourceFile): string | undefined {
  const ranges = ts.getTrailingCommentRanges(code, stmt.end) ?? [];
  const r = ranges[0];
  if (r === undefined || r.kind !== ts.SyntaxKind.SingleLineCommentTrivia) return undefined;
  if (sf.getLineAndCharacterOfPosition(r.pos).line !== sf.getLineAndCharacterOfPosition(stmt.end).line) {
    return undefined;
  }
  return code.slice(r.pos + 2, r.end).trim();
}

/**
 * Reads a trailing comment as an expectation, or returns undefined when it is prose.
 * Accepted: a literal (`[1, 2]`, `{ a: "x" }`, `true`, `-1.5`, `"text"`, `NaN`, `undefined`),
 * optionally after `=>`, `->`, `→` or `returns`; `≈`, `~` or `close to` before a literal for
 * approximate numbers; `Float32Array [1, 2]` as Node prints typed arrays;
 * `throws` optionally followed by a string literal that the error message must contain.
 */
export function parseExpectation(comment: string, line: number): Expectation | undefined {
  let text = comment.replace(/^(=>|->|→|returns\b|==)\s*/, "");
  const throwsMatch = /^throws\b\s*(.*)$/i.exec(text);
  if (throwsMatch) {
    const rest = (throwsMatch[1] ?? "").trim();
    if (rest === "") return { kind: "throws", text: comment, line };
    const lit = literalValue(rest, false);
    return lit.ok && typeof lit.value === "string"
      ? { kind: "throws", message: lit.value, text: comment, line }
      : { kind: "throws", text: comment, line };
  }
  let approx = false;
  if (/^(≈|~|close to\b)/.test(text)) {
    approx = true;
    text = text.replace(/^(≈|~|close to\b)\s*/, "");
  }
  // `Float32Array [1, 2]` (how Node prints typed arrays) compares as the array.
  text = text.replace(
    /^(?:Float32|Float64|Int8|Int16|Int32|Uint8|Uint16|Uint32)Array(?:\(\d+\))?\s*(?=\[)/,
    "",
  );
  const lit = literalValue(text, approx);
  return lit.ok ? { kind: "value", expected: lit.value, text: comment, line } : undefined;
}

type LiteralResult = { ok: true; value: unknown } | { ok: false };

/** Evaluates `text` when it is a pure literal (no calls, no names except undefined/NaN/Infinity). */
function literalValue(text: string, approx: boolean): LiteralResult {
  if (text === "") return { ok: false };
  const sf = ts.createSourceFile("c.ts", `(${text}\n);`, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const syntax = (sf as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
  const stmt = sf.statements[0];
  if (
    syntax.length > 0 ||
    sf.statements.length !== 1 ||
    stmt === undefined ||
    !ts.isExpressionStatement(stmt)
  ) {
    return { ok: false };
  }
  const fail = Symbol("not a literal");
  const evaluate = (node: ts.Expression): unknown => {
    if (ts.isParenthesizedExpression(node)) return evaluate(node.expression);
    if (ts.isNumericLiteral(node)) return num(Number(node.text), node.getText(sf));
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (node.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isIdentifier(node)) {
      if (node.text === "undefined") return undefined;
      if (node.text === "NaN") return NaN;
      if (node.text === "Infinity") return Infinity;
      return fail;
    }
    if (
      ts.isPrefixUnaryExpression(node) &&
      (node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.PlusToken)
    ) {
      const inner = node.operand;
      const v = ts.isNumericLiteral(inner)
        ? num(Number(inner.text), inner.getText(sf))
        : ts.isIdentifier(inner) && inner.text === "Infinity"
          ? Infinity
          : fail;
      if (v === fail) return fail;
      const sign = node.operator === ts.SyntaxKind.MinusToken ? -1 : 1;
      return v instanceof Approx ? new Approx(sign * v.value, v.tolerance) : sign * v;
    }
    if (ts.isArrayLiteralExpression(node)) {
      const items = node.elements.map((e) =>
        ts.isOmittedExpression(e) || ts.isSpreadElement(e) ? fail : evaluate(e),
      );
      return items.includes(fail) ? fail : items;
    }
    if (ts.isObjectLiteralExpression(node)) {
      const obj: Record<string, unknown> = {};
      for (const p of node.properties) {
        if (!ts.isPropertyAssignment(p)) return fail;
        const key =
          ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name)
            ? p.name.text
            : undefined;
        if (key === undefined) return fail;
        const v = evaluate(p.initializer);
        if (v === fail) return fail;
        obj[key] = v;
      }
      return obj;
    }
    return fail;
  };
  const num = (value: number, written: string): number | Approx => {
    if (!approx) return value;
    const decimals = /\.(\d+)/.exec(written)?.[1]?.length ?? 0;
    return new Approx(value, 0.5 * 10 ** -decimals * (1 + 1e-9));
  };
  const value = evaluate(stmt.expression);
  return value === fail ? { ok: false } : { ok: true, value };
}

// -------------------------------------------------------------------------------------
// comparison
// -------------------------------------------------------------------------------------

interface TensorLike {
  arraySync(): unknown;
  dtype: string;
  shape: number[];
}

function isTensorLike(x: unknown): x is TensorLike {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as TensorLike).arraySync === "function" &&
    Array.isArray((x as TensorLike).shape)
  );
}

/** Turns tensors into nested arrays and typed arrays into arrays, everywhere in a value. */
export function normalize(x: unknown, seen: Set<unknown> = new Set()): unknown {
  if (isTensorLike(x)) return x.arraySync();
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as unknown as ArrayLike<number>);
  if (typeof x !== "object" || x === null || seen.has(x)) return x;
  seen.add(x);
  if (Array.isArray(x)) return x.map((v) => normalize(v, seen));
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.prototype && proto !== null) return x;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x)) out[k] = normalize((x as Record<string, unknown>)[k], seen);
  return out;
}

/** The first difference between `actual` and `expected`, described with its path, or undefined. */
export function difference(actual: unknown, expected: unknown, where = ""): string | undefined {
  const at = where === "" ? "" : ` at ${where}`;
  if (expected instanceof Approx) {
    return typeof actual === "number" && Math.abs(actual - expected.value) <= expected.tolerance
      ? undefined
      : `expected ≈${expected.value} (±${expected.tolerance})${at}, got ${inspect(actual)}`;
  }
  if (typeof expected === "number") {
    if (typeof actual !== "number") return `expected ${expected}${at}, got ${inspect(actual)}`;
    if (Object.is(actual, expected) || (Number.isNaN(expected) && Number.isNaN(actual))) return undefined;
    return Number.isFinite(expected) && Math.abs(actual - expected) <= 1e-6 + 1e-5 * Math.abs(expected)
      ? undefined
      : `expected ${expected}${at}, got ${actual}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `expected an array${at}, got ${inspect(actual, { depth: 2 })}`;
    if (actual.length !== expected.length) {
      return `expected ${expected.length} items${at}, got ${actual.length}: ${inspect(actual, { depth: 3 })}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const d = difference(actual[i], expected[i], `${where}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (typeof expected === "object" && expected !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
      return `expected an object${at}, got ${inspect(actual, { depth: 2 })}`;
    }
    const defined = (o: object): string[] =>
      Object.keys(o)
        .filter((k) => (o as Record<string, unknown>)[k] !== undefined)
        .sort();
    const ka = defined(actual);
    const ke = defined(expected);
    if (!isDeepStrictEqual(ka, ke)) return `expected keys [${ke.join(", ")}]${at}, got [${ka.join(", ")}]`;
    for (const k of ke) {
      const d = difference(
        (actual as Record<string, unknown>)[k],
        (expected as Record<string, unknown>)[k],
        `${where}.${k}`,
      );
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (typeof expected === "string" && typeof actual === "string" && expected.includes("...")) {
    // `...` in an expected string stands for any text (long error messages are elided in docs).
    const pattern = expected.split("...").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${pattern.join("[\\s\\S]*")}$`).test(actual)
      ? undefined
      : `expected ${inspect(expected)} (... = any text)${at}, got ${inspect(actual)}`;
  }
  return Object.is(actual, expected)
    ? undefined
    : `expected ${inspect(expected)}${at}, got ${inspect(actual, { depth: 3 })}`;
}

// -------------------------------------------------------------------------------------
// running
// -------------------------------------------------------------------------------------

/** What an example may refer to without importing it. */
export interface ExampleScope {
  readonly names: Readonly<Record<string, unknown>>;
  /** Resolves an example's `import`; `"paramtree"` should give the library itself. */
  readonly require: (specifier: string) => unknown;
}

/** The constructor of async functions (not a global), to compile an example whose body awaits. */
const AsyncFunction = (Object.getPrototypeOf(async () => undefined) as { constructor: unknown })
  .constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;

/**
 * Runs a compiled example. Rejects with an Error whose message starts with `file:line` of the
 * statement that failed (the assertion's line, or the last statement started before a throw).
 */
export async function runExample(
  example: DocExample,
  compiled: CompiledExample,
  scope: ExampleScope,
): Promise<void> {
  let current = example.line;
  const where = (line: number): string => `${example.file}:${line} (${example.symbol} example)`;
  const doctest = {
    at(line: number): void {
      current = line;
    },
    async check(index: number, thunk: () => Promise<unknown>): Promise<void> {
      const e = compiled.expectations[index] as Expectation & { kind: "value" };
      const actual = normalize(await thunk());
      const d = difference(actual, e.expected);
      if (d !== undefined)
        throw new DocExampleFailure(`${where(e.line)}: \`// ${e.text}\` does not hold: ${d}`);
    },
    async throws(index: number, thunk: () => Promise<void>): Promise<void> {
      const e = compiled.expectations[index] as Expectation & { kind: "throws" };
      let threw = false;
      try {
        await thunk();
      } catch (err) {
        threw = true;
        const message = err instanceof Error ? err.message : String(err);
        if (e.message !== undefined && !message.includes(e.message)) {
          throw new DocExampleFailure(
            `${where(e.line)}: expected an error containing ${JSON.stringify(e.message)}, got: ${message}`,
          );
        }
      }
      if (!threw) throw new DocExampleFailure(`${where(e.line)}: \`// ${e.text}\` but nothing was thrown`);
    },
  };
  const names = Object.keys(scope.names).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "__doctest");
  const moduleObj = { exports: {} as Record<string, unknown> };
  const fn = new AsyncFunction(
    "require",
    "module",
    "exports",
    "__doctest",
    ...names,
    `"use strict";\n{\n${compiled.js}\n}`,
  );
  try {
    await fn(scope.require, moduleObj, moduleObj.exports, doctest, ...names.map((n) => scope.names[n]));
  } catch (err) {
    if (err instanceof DocExampleFailure) throw err;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new DocExampleFailure(`${where(current)}: threw ${message}`, { cause: err });
  }
}

/** A failing example; its message starts with the file:line to fix. */
export class DocExampleFailure extends Error {
  override readonly name = "DocExampleFailure";
}

// -------------------------------------------------------------------------------------
// type checking
// -------------------------------------------------------------------------------------

/** A type error in an example, at the doc-comment line it comes from. */
export interface ExampleTypeError {
  /** Path relative to the repository root (`src/tree/flatten.ts`). */
  readonly file: string;
  /** 1-based line in `file`. */
  readonly line: number;
  /** The declaration whose example it is. */
  readonly symbol: string;
  /** The compiler's message, chained messages on one line. */
  readonly message: string;
}

/** What {@link typeCheckExamples} reports. */
export interface TypeCheckResult {
  /** How many examples were checked (the runnable ones). */
  readonly checked: number;
  readonly errors: readonly ExampleTypeError[];
  /** The generated file of each checked example, by absolute path (to read when debugging). */
  readonly files: ReadonlyMap<string, string>;
}

/** Options of {@link typeCheckExamples}. */
export interface TypeCheckOptions {
  /**
   * Source files that exist only in memory or replace a file on disk (absolute path -> text);
   * lets the machinery's tests document a module that is not under `src/`.
   */
  readonly overlay?: ReadonlyMap<string, string>;
}

/**
 * Type-checks the runnable examples in one in-memory program with the compiler options of
 * `tsconfig.json` (and `paramtree` mapped to `src/index.node.ts`, the Node entry), so that an example a user copies
 * compiles for them as it is shown.
 *
 * Each example becomes one virtual module that sees what the runner gives it, for types too:
 * top-level imports of every export (values and types) of `src/index.node.ts`, of the folder indexes
 * and of the documented module (also as a namespace under its file name), `tf`, `pipe`, `flow`,
 * `E` and `O`; then the example itself, as a user would paste it into a module. An example that
 * awaits at its top level goes inside an `async function` instead (CommonJS has no top-level
 * `await`), its imports and `declare module` blocks hoisted out of it. A name the example imports
 * or declares itself is not imported for it. Only diagnostics of the virtual modules are reported,
 * at their doc-comment line.
 */
export function typeCheckExamples(
  root: string,
  examples: readonly DocExample[],
  options: TypeCheckOptions = {},
): TypeCheckResult {
  const overlay = new Map(
    [...(options.overlay ?? new Map<string, string>())].map(([f, t]) => [path.resolve(f), t]),
  );
  const compilerOptions = exampleCompilerOptions(root);
  const virtual = new Map<string, string>();
  const host = cachingHost(compilerOptions, overlay, virtual);

  // First pass: the modules whose exports are in scope, to list those exports with the checker.
  const src = path.join(root, "src");
  const publicIndex = path.join(src, "index.node.ts");
  const folderIndexes = fs
    .readdirSync(src, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(src, d.name, "index.ts"))
    .filter((f) => fs.existsSync(f) || overlay.has(f))
    .sort();
  const runnable = examples.filter((e) => e.skip === undefined);
  const documented = [...new Set(runnable.map((e) => path.join(root, e.file)))];
  const scopeModules = [publicIndex, ...folderIndexes, ...documented];
  const first = ts.createProgram(scopeModules, compilerOptions, host);
  const checker = first.getTypeChecker();
  const exportsOf = new Map<string, readonly string[]>();
  for (const f of scopeModules) {
    const sf = first.getSourceFile(f);
    const sym = sf === undefined ? undefined : checker.getSymbolAtLocation(sf);
    const names = sym === undefined ? [] : checker.getExportsOfModule(sym).map((s) => s.name);
    exportsOf.set(
      f,
      names.filter((n) => IDENTIFIER.test(n) && n !== "default"),
    );
  }

  // Second pass: one virtual module per example.
  const lineMaps = new Map<string, { example: DocExample; lines: readonly (number | undefined)[] }>();
  runnable.forEach((example, i) => {
    const fileName = path.join(
      root,
      "__doc_examples__",
      `${i}_${example.file.replace(/[^\w]/g, "_")}_${example.line}.ts`,
    );
    const own = path.join(root, example.file);
    const vf = virtualModule(example, {
      moduleName: path.basename(example.file, ".ts"),
      own: { specifier: moduleSpecifier(own), names: exportsOf.get(own) ?? [] },
      folders: folderIndexes.map((f) => ({ specifier: moduleSpecifier(f), names: exportsOf.get(f) ?? [] })),
      publicNames: exportsOf.get(publicIndex) ?? [],
    });
    virtual.set(fileName, vf.text);
    lineMaps.set(fileName, { example, lines: vf.lines });
  });
  const program = ts.createProgram([...virtual.keys()], compilerOptions, host, first);
  const setup = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (setup.length > 0) {
    throw new Error(
      `the example program is misconfigured: ${setup.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`,
    );
  }
  const errors: ExampleTypeError[] = [];
  for (const [fileName, { example, lines }] of lineMaps) {
    const sf = program.getSourceFile(fileName);
    if (sf === undefined) throw new Error(`the example program lost ${fileName}`);
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const at = d.start === undefined ? undefined : lines[sf.getLineAndCharacterOfPosition(d.start).line];
      errors.push({
        file: example.file,
        line: at ?? example.line,
        symbol: example.symbol,
        message: ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " "),
      });
    }
  }
  return { checked: runnable.length, errors, files: virtual };
}

/** `file:line symbol: message`, one error a line. */
export function formatTypeErrors(errors: readonly ExampleTypeError[]): string {
  return errors.map((e) => `${e.file}:${e.line} ${e.symbol}: ${e.message}`).join("\n");
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** tsconfig.json's options, checking only (no output), with `paramtree` mapped to the sources. */
function exampleCompilerOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, "tsconfig.json");
  const read = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, " "));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  if (parsed.errors.length > 0) {
    throw new Error(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; "));
  }
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    incremental: false,
    // Examples show values in names they do not use again.
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: root,
    paths: { paramtree: ["src/index.node.ts"] },
  };
}

/** Parsed library files, shared by every program the tests build (parsing tfjs's types is the slow part). */
const sourceFileCache = new Map<string, ts.SourceFile>();

/** A compiler host that serves `virtual` and `overlay` from memory and caches files read from disk. */
function cachingHost(
  options: ts.CompilerOptions,
  overlay: ReadonlyMap<string, string>,
  virtual: ReadonlyMap<string, string>,
): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const inMemory = (f: string): string | undefined =>
    virtual.get(path.resolve(f)) ?? overlay.get(path.resolve(f));
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  host.fileExists = (f) => inMemory(f) !== undefined || fileExists.call(host, f);
  // A folder that holds only in-memory files exists too (module resolution skips missing folders).
  host.directoryExists = (d) => {
    const prefix = path.resolve(d) + path.sep;
    const holds = (files: Iterable<string>): boolean => [...files].some((f) => f.startsWith(prefix));
    return (
      holds(overlay.keys()) ||
      holds(virtual.keys()) ||
      (directoryExists ?? ts.sys.directoryExists).call(host, d)
    );
  };
  host.readFile = (f) => inMemory(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, languageVersion, onError, shouldCreate) => {
    const text = inMemory(f);
    if (text !== undefined) return ts.createSourceFile(f, text, languageVersion, true);
    // Sources under src/ may change between runs of a watching jest; library files do not.
    const cacheable = f.includes(`${path.sep}node_modules${path.sep}`) || f.includes("/node_modules/");
    const key = `${f}\0${JSON.stringify(languageVersion)}`;
    const cached = cacheable ? sourceFileCache.get(key) : undefined;
    if (cached !== undefined) return cached;
    const sf = getSourceFile.call(host, f, languageVersion, onError, shouldCreate);
    if (sf !== undefined && cacheable) sourceFileCache.set(key, sf);
    return sf;
  };
  return host;
}

/** An absolute module specifier for a `.ts` file (no extension). */
function moduleSpecifier(file: string): string {
  return file.replace(/\\/g, "/").replace(/(\/index)?\.ts$/, "");
}

interface ScopeSpec {
  /** The documented module's file name, its namespace name in the example. */
  readonly moduleName: string;
  readonly own: { readonly specifier: string; readonly names: readonly string[] };
  readonly folders: readonly { readonly specifier: string; readonly names: readonly string[] }[];
  readonly publicNames: readonly string[];
}

/**
 * The virtual module of one example (see {@link typeCheckExamples}), and the doc-comment line of
 * each of its lines (undefined for generated lines). The precedence of names is the runner's: the namespace of the documented
 * module, then its exports, the folder indexes, `paramtree`, and last `tf`, `pipe`, `flow`, `E`, `O`.
 */
export function virtualModule(
  example: DocExample,
  scope: ScopeSpec,
): { text: string; lines: readonly (number | undefined)[] } {
  const sf = ts.createSourceFile("example.ts", example.code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const wrap = awaitsAtTopLevel(sf);
  // What must stay at the top level of a module when the rest goes inside a function.
  const hoisted = wrap
    ? sf.statements.filter(
        (s) =>
          ts.isImportDeclaration(s) ||
          ts.isImportEqualsDeclaration(s) ||
          (ts.isModuleDeclaration(s) && (ts.isStringLiteral(s.name) || s.name.text === "global")),
      )
    : [];
  const taken = new Set<string>();
  for (const s of sf.statements) for (const n of declaredNames(s)) taken.add(n);

  // name -> how it is imported; later assignments win, as in the runner's object spread.
  const from = new Map<string, { specifier: string; namespace: boolean }>();
  if (IDENTIFIER.test(scope.moduleName)) {
    from.set(scope.moduleName, { specifier: scope.own.specifier, namespace: true });
  }
  for (const n of scope.own.names) from.set(n, { specifier: scope.own.specifier, namespace: false });
  for (const f of scope.folders)
    for (const n of f.names) from.set(n, { specifier: f.specifier, namespace: false });
  for (const n of scope.publicNames) from.set(n, { specifier: "paramtree", namespace: false });
  from.set("tf", { specifier: "@tensorflow/tfjs-core", namespace: true });
  from.set("pipe", { specifier: "fp-ts/function", namespace: false });
  from.set("flow", { specifier: "fp-ts/function", namespace: false });
  from.set("E", { specifier: "fp-ts/Either", namespace: true });
  from.set("O", { specifier: "fp-ts/Option", namespace: true });

  const header: string[] = [];
  const named = new Map<string, string[]>();
  for (const [name, { specifier, namespace }] of from) {
    if (taken.has(name)) continue;
    if (namespace) header.push(`import * as ${name} from ${JSON.stringify(specifier)};`);
    else named.set(specifier, [...(named.get(specifier) ?? []), name]);
  }
  for (const [specifier, names] of named) {
    header.push(`import { ${names.sort().join(", ")} } from ${JSON.stringify(specifier)};`);
  }

  const text: string[] = [];
  const lines: (number | undefined)[] = [];
  const emit = (chunk: string, firstSourceLine: number | undefined): void => {
    chunk.split("\n").forEach((l, k) => {
      text.push(l);
      lines.push(
        firstSourceLine === undefined ? undefined : (example.lines[firstSourceLine + k] ?? example.line),
      );
    });
  };
  for (const h of header) emit(h, undefined);
  emit("export {};", undefined);
  if (!wrap) {
    emit(example.code, 0);
    return { text: text.join("\n"), lines };
  }
  let body = example.code;
  for (const s of hoisted) {
    const start = s.getStart(sf);
    emit(example.code.slice(start, s.end), sf.getLineAndCharacterOfPosition(start).line);
    // Blank the statement in the body, keeping its line breaks so that lines still line up.
    body = body.slice(0, start) + body.slice(start, s.end).replace(/[^\n]/g, " ") + body.slice(s.end);
  }
  emit("async function __example(): Promise<void> {", undefined);
  emit(body, 0);
  emit("}", undefined);
  return { text: text.join("\n"), lines };
}

/** The names a top-level statement of an example binds. */
function declaredNames(s: ts.Statement): string[] {
  const bindingNames = (b: ts.BindingName): string[] =>
    ts.isIdentifier(b)
      ? [b.text]
      : b.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
  if (ts.isImportDeclaration(s)) {
    const c = s.importClause;
    if (c === undefined) return [];
    const names = c.name === undefined ? [] : [c.name.text];
    const nb = c.namedBindings;
    if (nb === undefined) return names;
    return ts.isNamespaceImport(nb)
      ? [...names, nb.name.text]
      : [...names, ...nb.elements.map((e) => e.name.text)];
  }
  if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  if (
    ts.isImportEqualsDeclaration(s) ||
    ts.isFunctionDeclaration(s) ||
    ts.isClassDeclaration(s) ||
    ts.isInterfaceDeclaration(s) ||
    ts.isTypeAliasDeclaration(s) ||
    ts.isEnumDeclaration(s) ||
    ts.isModuleDeclaration(s)
  ) {
    return s.name !== undefined && ts.isIdentifier(s.name) ? [s.name.text] : [];
  }
  return [];
}

/** Whether an example uses `await` (or `for await`) outside of any function of its own. */
function awaitsAtTopLevel(sf: ts.SourceFile): boolean {
  const visit = (node: ts.Node): boolean => {
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined)) {
      return true;
    }
    if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return false;
    return ts.forEachChild(node, visit) ?? false;
  };
  return sf.statements.some(visit);
}
