/**
 * JSON values, and a `JSON.stringify` that does not recurse.
 *
 * V8's `JSON.parse` is iterative, but its `JSON.stringify` recurses and throws "Maximum call
 * stack size exceeded" on data nested about 10,000 deep. Documents of deep trees are legitimate,
 * so the codec writes them with {@link stringifyJson}, which keeps its own stack.
 *
 * @module
 */

import { isBase64Run } from "./base64";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Data that JSON can hold exactly.
 *
 * @example
 * const v: JsonValue = { a: [1, "two", null, true] };
 */
export type JsonValue = null | boolean | number | string | JsonArray | JsonObject;

/** A JSON array. */
export type JsonArray = readonly JsonValue[];

/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

// -------------------------------------------------------------------------------------
// conversions
// -------------------------------------------------------------------------------------

/**
 * `JSON.stringify(value)` for JSON data, without recursion (so depth 100,000 is fine). Own
 * enumerable keys are written in insertion order, `__proto__` included. With `indent`, the
 * output is indented like `JSON.stringify(value, null, indent)`, except that a short array or
 * object of scalars stays on one line (`"shape": [2, 3]`), which keeps documents readable.
 * Throws a TypeError on anything that is not JSON (undefined, non-finite numbers, functions,
 * class instances), since the codec only ever hands it JSON.
 *
 * @example
 * stringifyJson({ a: [1, { b: null }] });    // '{"a":[1,{"b":null}]}'
 * stringifyJson({ shape: [2, 3] }, 2);       // '{\n  "shape": [2, 3]\n}'
 */
export function stringifyJson(value: unknown, indent?: number): string {
  const pad = indent === undefined || indent <= 0 ? "" : " ".repeat(Math.min(10, Math.floor(indent)));
  const out: string[] = [];
  // Each frame: the container, its keys (objects) or null (arrays), the next child index.
  const containers: unknown[] = [];
  const keyLists: (string[] | null)[] = [];
  const next: number[] = [];
  let current: unknown = value;
  const newline = (depth: number): void => {
    if (pad !== "") out.push("\n", pad.repeat(depth));
  };
  for (;;) {
    // Write `current` (a scalar, or the opening of a container).
    if (current === null) out.push("null");
    else if (typeof current === "string") out.push(JSON.stringify(current));
    else if (typeof current === "boolean") out.push(current ? "true" : "false");
    else if (typeof current === "number") {
      if (!Number.isFinite(current)) throw new TypeError(`stringifyJson: ${current} is not a JSON number`);
      out.push(JSON.stringify(current));
    } else if (pad !== "" && typeof current === "object" && current !== null && isShortFlat(current)) {
      out.push(flatLine(current));
    } else if (typeof current === "object" && Array.isArray(current)) {
      out.push("[");
      containers.push(current);
      keyLists.push(null);
      next.push(0);
    } else if (typeof current === "object" && isPlain(current)) {
      out.push("{");
      containers.push(current);
      keyLists.push(Object.keys(current));
      next.push(0);
    } else {
      throw new TypeError(`stringifyJson: ${typeof current} values are not JSON`);
    }
    // Find the next value to write, closing finished containers.
    let found = false;
    while (containers.length > 0) {
      const top = containers.length - 1;
      const container = containers[top];
      const keys = keyLists[top] as string[] | null;
      const i = next[top] as number;
      const n = keys === null ? (container as unknown[]).length : keys.length;
      if (i < n) {
        next[top] = i + 1;
        if (i > 0) out.push(",");
        newline(containers.length);
        if (keys === null) {
          current = (container as readonly unknown[])[i];
        } else {
          const key = keys[i] as string;
          out.push(JSON.stringify(key), pad === "" ? ":" : ": ");
          current = (container as Record<string, unknown>)[key];
        }
        found = true;
        break;
      }
      containers.pop();
      keyLists.pop();
      next.pop();
      if (n > 0) newline(containers.length);
      out.push(keys === null ? "]" : "}");
    }
    if (!found) return out.join("");
  }
}

/**
 * @internal `stringifyJson` for values the codec itself built (known to be JSON): the native
 * `JSON.stringify` when it copes (about 20x faster), the iterative writer when the nesting is too
 * deep for it or when indentation is asked for.
 */
export function stringifyTrustedJson(value: JsonValue, indent?: number): string {
  if (indent === undefined || indent <= 0) {
    try {
      return JSON.stringify(value);
    } catch (cause) {
      if (!(cause instanceof RangeError)) throw cause;
    }
  }
  return stringifyJson(value, indent);
}

/** A non-empty array or plain object of at most 8 scalars, short enough for one line. */
function isShortFlat(x: object): boolean {
  const isArray = Array.isArray(x);
  if (!isArray && !isPlain(x)) return false;
  const keys = Object.keys(x);
  if (keys.length === 0 || keys.length > 8) return false;
  let length = 0;
  for (const k of keys) {
    const v = (x as Record<string, unknown>)[k];
    if (v !== null && typeof v === "object") return false;
    if (typeof v === "string") length += v.length;
    if (!isArray) length += k.length;
  }
  return length <= 60;
}

function flatLine(x: object): string {
  const keys = Object.keys(x);
  const scalar = (v: unknown): string => {
    if (typeof v === "number" && !Number.isFinite(v))
      throw new TypeError(`stringifyJson: ${v} is not a JSON number`);
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean")
      return JSON.stringify(v);
    throw new TypeError(`stringifyJson: ${typeof v} values are not JSON`);
  };
  if (Array.isArray(x)) return `[${x.map(scalar).join(", ")}]`;
  return `{ ${keys.map((k) => `${JSON.stringify(k)}: ${scalar((x as Record<string, unknown>)[k])}`).join(", ")} }`;
}

function isPlain(x: object): boolean {
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

/** Texts shorter than this are parsed as they are. */
const lazyFrom = 1 << 16;

/** String literals at least this long (and all base64) are kept out of the parse. */
const payloadFrom = 1024;

/**
 * @internal The result of {@link parseJsonText}: the parsed value, and, when payloads were kept
 * out, how to turn a placeholder string back into the payload (any other string is returned
 * as it is; placeholders are exactly the strings whose first character is U+0000).
 */
export interface ParsedJson {
  readonly json: unknown;
  /**
   * Each payload is a run of base64 characters ({@link isBase64Run} held when it was cut out),
   * so a decoder need not check its characters again.
   */
  readonly resolve: ((s: string) => string) | undefined;
}

/**
 * @internal `JSON.parse(text)` for a document's text, without copying its tensor data. V8's
 * `JSON.parse` copies every string value out of a text it cannot slice (a text read from a
 * file is such a one), so parsing a 133 MB document of base64 would hold the text and a second
 * 133 MB of strings. Here each long string literal that is the value of a `"data"` key and
 * made only of base64 characters (the `data` of a tensor node) is cut out before parsing and replaced by a placeholder, `"\u0000"`
 * and its number; `resolve` gives back the text between its quotes as a slice of `text`
 * (V8 shares the characters; nothing is copied).
 *
 * The cut keeps the text's meaning: it finds string literals the way JSON does (a `"` outside a
 * string opens one; inside, a backslash escapes the next character, and `"` closes it), and it
 * replaces a literal only by another literal, so the skeleton parses if and only if the text
 * does, to the same value but for the placeholders. A replaced literal has no escapes and only
 * base64 characters (so no control characters JSON would refuse), and it is not an object key.
 * If any literal of the text starts with `\u0000`, a value could be mistaken for a placeholder,
 * so the text is parsed as it is. When the skeleton does not parse, neither does the text: it
 * is parsed as it is, so the error is the one `JSON.parse(text)` gives. Throws as `JSON.parse`.
 *
 * @example
 * const { json, resolve } = parseJsonText(`{"data":"${"A".repeat(1 << 17)}"}`);
 * resolve!((json as { data: string }).data).length; // 131072
 */
export function parseJsonText(text: string): ParsedJson {
  const cut = text.length < lazyFrom ? undefined : cutPayloads(text);
  if (cut === undefined) return { json: JSON.parse(text), resolve: undefined };
  let json: unknown;
  try {
    json = JSON.parse(cut.skeleton);
  } catch {
    return { json: JSON.parse(text), resolve: undefined };
  }
  const { ranges } = cut;
  const resolve = (s: string): string => {
    if (s.charCodeAt(0) !== 0) return s;
    const i = Number(s.slice(1));
    const start = ranges[2 * i];
    return start === undefined ? s : text.slice(start, ranges[2 * i + 1]);
  };
  return { json, resolve };
}

/** The skeleton text and the [start, end) of each payload cut out of `text`, or undefined. */
function cutPayloads(text: string): { skeleton: string; ranges: number[] } | undefined {
  const parts: string[] = [];
  const ranges: number[] = [];
  let payloadChars = 0;
  let from = 0; // start of the text not yet copied into `parts`
  let pos = 0;
  let backslash = text.indexOf("\\"); // the first backslash at or after some point <= pos
  let dataKeyEnd = -1; // just after the last literal when it was "data", else -1
  for (;;) {
    const open = text.indexOf('"', pos);
    if (open === -1) break;
    if (text.startsWith("\\u0000", open + 1)) return undefined;
    let close: number;
    let escaped = false;
    for (let e = open + 1; ;) {
      close = text.indexOf('"', e);
      if (close === -1) return undefined; // an unterminated string: JSON.parse says so
      if (backslash !== -1 && backslash < e) backslash = text.indexOf("\\", e);
      if (backslash === -1 || backslash > close) break;
      escaped = true;
      e = backslash + 2;
    }
    pos = close + 1;
    const afterData = dataKeyEnd;
    dataKeyEnd = !escaped && close - open === 5 && text.startsWith("data", open + 1) ? pos : -1;
    if (escaped || close - open - 1 < payloadFrom) continue;
    // Only the value of a "data" key (the field that holds a tensor's base64) is cut out: any
    // other string (a weight name, a key path, a string leaf) is left to JSON.parse.
    if (afterData === -1 || !isColonBetween(text, afterData, open)) continue;
    if (!isBase64Run(text, open + 1, close)) continue;
    parts.push(text.slice(from, open), `"\\u0000${ranges.length / 2}"`);
    ranges.push(open + 1, close);
    payloadChars += close - open - 1;
    from = close + 1;
  }
  // Worth it only when the payloads are most of the text (the skeleton is a copy of the rest).
  if (ranges.length === 0 || payloadChars * 2 < text.length) return undefined;
  parts.push(text.slice(from));
  return { skeleton: parts.join(""), ranges };
}

/** Whether `text` between `from` and `to` is one `:` with JSON white space around it. */
function isColonBetween(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && isJsonSpace(text.charCodeAt(i))) i++;
  if (i === to || text.charCodeAt(i) !== 58 /* : */) return false;
  i++;
  while (i < to && isJsonSpace(text.charCodeAt(i))) i++;
  return i === to;
}

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
