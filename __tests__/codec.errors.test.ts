import * as t from "io-ts";
import { formatDecodeErrors, TreeEncodeError } from "../src";
import { errorPath, formatEncodeProblems } from "../src/advanced";
import { documentType, treeRootType } from "../src/codec/errors";

const entry = (key: string, actual: unknown, type: t.Decoder<any, any> = t.unknown): t.ContextEntry => ({
  key,
  type,
  actual,
});

test("paths under the tree root read as key paths; array parents give [i]", () => {
  const shape = [2, -1];
  const layers = [{ weight: { shape } }];
  const context: t.Context = [
    entry("", {}, documentType),
    entry("tree", { layers }, treeRootType),
    entry("layers", layers),
    entry("0", layers[0]),
    entry("weight", layers[0]!.weight),
    entry("shape", shape),
    entry("1", -1),
  ];
  const error: t.ValidationError = { value: -1, context, message: "bad dim" };
  expect(errorPath(error)).toBe(".layers[0].weight.shape[1]");
  expect(formatDecodeErrors([error])).toEqual([".layers[0].weight.shape[1]: bad dim"]);
});

test("an object key that looks like a number is not rendered as an index", () => {
  const obj = { "0": 1 };
  const context: t.Context = [entry("", {}, documentType), entry("tree", obj, treeRootType), entry("0", 1)];
  expect(errorPath({ value: 1, context })).toBe('["0"]');
});

test("the tree root and document fields", () => {
  expect(
    errorPath({ value: 1, context: [entry("", {}, documentType), entry("tree", 1, treeRootType)] }),
  ).toBe("<root>");
  expect(errorPath({ value: "9.0", context: [entry("", {}, documentType), entry("version", "9.0")] })).toBe(
    "document.version",
  );
  expect(errorPath({ value: 1, context: [entry("", {}, documentType)] })).toBe("document");
});

test("errors from other io-ts codecs get a PathReporter-like line", () => {
  const r = t.type({ a: t.number }).decode({ a: "x" });
  expect(r._tag).toBe("Left");
  if (r._tag === "Left")
    expect(formatDecodeErrors(r.left)).toEqual(['.a: invalid value "x" supplied to number']);
});

test("encode problems and TreeEncodeError", () => {
  const problems = [
    { path: ["layers", 0, "fn"], message: "not in the table" },
    { path: [], message: "root problem" },
  ];
  expect(formatEncodeProblems(problems)).toEqual([".layers[0].fn: not in the table", "<root>: root problem"]);
  const e = new TreeEncodeError(problems);
  expect(e.name).toBe("TreeEncodeError");
  expect(e.message).toBe("cannot serialize the tree:\n.layers[0].fn: not in the table\n<root>: root problem");
});
