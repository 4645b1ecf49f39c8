import fc from "fast-check";
import { stringifyJson } from "../src/codec";
import { stringifyTrustedJson } from "../src/codec/json";
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
