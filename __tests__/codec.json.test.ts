import fc from "fast-check";
import { stringifyJson } from "../src/advanced";
import { parseJsonText, stringifyTrustedJson } from "../src/codec/json";
import { deepArray, deepObject } from "./codec.helpers";

test("agrees with JSON.stringify on JSON data; indented output parses back to the same data", () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(1, 2), (value, space) => {
      expect(stringifyJson(value)).toBe(JSON.stringify(value));
      expect(stringifyJson(value, 0)).toBe(JSON.stringify(value));
      expect(JSON.stringify(JSON.parse(stringifyJson(value, space)))).toBe(JSON.stringify(value));
    }),
  );
});

test("indentation: like JSON.stringify, short flat arrays and objects on one line", () => {
  const value = {
    shape: [2, 3],
    fn: { _tag: "Function", name: "exp" },
    nested: [[1], { a: [] }],
    long: "x".repeat(70),
    empty: {},
  };
  expect(stringifyJson(value, 2)).toBe(
    [
      "{",
      '  "shape": [2, 3],',
      '  "fn": { "_tag": "Function", "name": "exp" },',
      '  "nested": [',
      "    [1],",
      "    {",
      '      "a": []',
      "    }",
      "  ],",
      `  "long": "${"x".repeat(70)}",`,
      '  "empty": {}',
      "}",
    ].join("\n"),
  );
  expect(stringifyJson([["x".repeat(61)]], 1)).toBe(`[\n [\n  "${"x".repeat(61)}"\n ]\n]`);
});

test("writes __proto__ as an ordinary key", () => {
  const value = JSON.parse('{"__proto__":{"a":1},"b":[]}');
  expect(stringifyJson(value)).toBe('{"__proto__":{"a":1},"b":[]}');
});

test("100,000 levels deep, where JSON.stringify overflows the stack", () => {
  const deep = deepArray(100_000, 1);
  expect(() => JSON.stringify(deep)).toThrow(RangeError);
  const text = stringifyJson(deep);
  expect(text).toBe(`${"[".repeat(100_000)}1${"]".repeat(100_000)}`);
  expect(stringifyJson(deepObject(100_000, null)).length).toBe(100_000 * 6 + 4);
});

test("refuses what is not JSON", () => {
  expect(() => stringifyJson([NaN])).toThrow(/NaN is not a JSON number/);
  expect(() => stringifyJson({ a: undefined })).toThrow(/undefined values are not JSON/);
  expect(() => stringifyJson(new Date(0))).toThrow(/not JSON/);
});

test("stringifyTrustedJson: native speed when it copes, the iterative writer when too deep", () => {
  const flat = { a: [1, "x", null, { b: true }] };
  expect(stringifyTrustedJson(flat)).toBe(JSON.stringify(flat));
  expect(stringifyTrustedJson(flat, 2)).toBe(stringifyJson(flat, 2));
  const deep = deepArray(100_000, 0) as never;
  expect(stringifyTrustedJson(deep)).toBe(stringifyJson(deep));
});

describe("parseJsonText: long base64 strings stay in the text", () => {
  /** The parsed value with every placeholder resolved (a small recursive walk: test data is shallow). */
  const resolved = (text: string): unknown => {
    const { json, resolve } = parseJsonText(text);
    const walk = (x: unknown): unknown => {
      if (typeof x === "string") return resolve === undefined ? x : resolve(x);
      if (Array.isArray(x)) return x.map(walk);
      if (x !== null && typeof x === "object")
        return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
      return x;
    };
    return walk(json);
  };
  const b64 = (n: number, seed: number): string => {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 2654435761 + seed * 40503) >>> 24;
    return Buffer.from(bytes).toString("base64");
  };

  test("the value is JSON.parse's, payloads cut out (and only base64 values)", () => {
    const doc = {
      data: b64(90000, 1), // only the value of a "data" key is cut out
      keyed: { [b64(1500, 2)]: 1 }, // a long base64 key stays a key
      notBase64: `${b64(3000, 3)}!`, // not all base64: parsed as it is
      escaped: `${b64(3000, 4)}\n`, // has an escape: parsed as it is
      short: b64(100, 5),
      list: [b64(30000, 6), "not first: \u0000", 1.5, null, true], // not a data value: parsed as it is
      unicode: `é${"x".repeat(2000)}`,
    };
    for (const space of [undefined, 2]) {
      const text = JSON.stringify(doc, null, space);
      const { resolve } = parseJsonText(text);
      expect(resolve).toBeDefined();
      expect(resolved(text)).toEqual(JSON.parse(text));
    }
  });

  test("agrees with JSON.parse on generated documents with payloads anywhere", () => {
    const payload = fc.integer({ min: 1000, max: 4000 }).map((n) => b64(n, n));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { maxDepth: 3 },
        fc.jsonValue({ maxDepth: 1 }),
        payload,
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 6 }),
        payload,
        fc.constantFrom(undefined, 1),
        (v, big, space) => {
          const text = JSON.stringify(
            {
              v,
              // Enough copies of a long base64 value that the text is long enough to be cut.
              big: Array.from({ length: 20 }, () => ({ data: big })),
            },
            null,
            space,
          );
          expect(resolved(text)).toEqual(JSON.parse(text));
        },
      ),
      { numRuns: 100 },
    );
  });

  test("a string that starts with \\u0000 (it could pass for a placeholder): parsed as it is", () => {
    const text = JSON.stringify({ data: b64(60000, 7), b: "\u00000" });
    const { json, resolve } = parseJsonText(text);
    expect(resolve).toBeUndefined();
    expect(json).toEqual(JSON.parse(text));
  });

  test("text that is not JSON throws JSON.parse's own error, however it is broken", () => {
    const good = JSON.stringify({ data: b64(60000, 8), b: [1, 2] });
    const at = good.indexOf('"data":"') + 8 + 1000;
    const broken = [
      good.slice(0, -3), // truncated
      good.slice(0, at) + "\u0001" + good.slice(at + 1), // a raw control character inside a payload
      good.slice(0, at) + '"' + good.slice(at + 1), // a quote inside a payload
      good.replace("[1, 2]", "[1 2]").replace("[1,2]", "[1 2]"), // broken after the payload
      `${good}x`,
      `{"x": 1 "${b64(60000, 9)}"}`, // a payload where no value may be
    ];
    for (const text of broken) {
      let message = "";
      try {
        JSON.parse(text);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).not.toBe("");
      expect(() => parseJsonText(text)).toThrow(message);
    }
  });

  test("resolved payloads are the text's characters (slices, no copy needed)", () => {
    const a = b64(60000, 10);
    const { json, resolve } = parseJsonText(JSON.stringify({ data: a }));
    const placeholder = (json as { data: string }).data;
    expect(placeholder.charCodeAt(0)).toBe(0);
    expect(placeholder.length).toBeLessThan(10);
    expect(resolve?.(placeholder)).toBe(a);
    expect(resolve?.("plain")).toBe("plain");
  });
});
