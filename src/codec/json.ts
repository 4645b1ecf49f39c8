/**
 * JSON values, and a `JSON.stringify` that does not recurse.
 *
 * V8's `JSON.parse` is iterative, but its `JSON.stringify` recurses and throws "Maximum call
 * stack size exceeded" on data nested about 10,000 deep. Documents of deep trees are legitimate,
 * so the codec writes them with {@link stringifyJson}, which keeps its own stack.
 *
 * @module
 */

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
      const container = containers[top] as any;
      const keys = keyLists[top] as string[] | null;
      const i = next[top] as number;
      const n = keys === null ? (container as unknown[]).length : keys.length;
      if (i < n) {
        next[top] = i + 1;
        if (i > 0) out.push(",");
        newline(containers.length);
        if (keys === null) {
          current = container[i];
        } else {
          const key = keys[i] as string;
          out.push(JSON.stringify(key), pad === "" ? ":" : ": ");
          current = container[key];
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
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}
