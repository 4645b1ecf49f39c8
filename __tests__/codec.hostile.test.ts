/**
 * Hostile and malformed documents: each must give a Left whose report names where, and nothing
 * else (no throw, no hang, no unbounded allocation, no prototype change, no leaked tensor).
 */
import * as E from "fp-ts/Either";
import { formatDecodeErrors, parseTree, stringifyTree, treeCodec } from "../src";
import { maxDecodeErrors } from "../src/advanced";
import { registerWrapper } from "../src";
import { defaultRegistry } from "../src";
import { deepArray, deepObject, disposeAll, exactDifference } from "./codec.helpers";
import { useBackendAndCheckLeaks } from "./support/tensors";

const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
useBackendAndCheckLeaks("wasm", {
  // No document may change Object.prototype.
  afterCheck: () => expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames),
});

const codec = treeCodec();
const doc = (tree: unknown): unknown => ({ format: "paramtree", version: "1.0", tree });
const tensor = (fields: Record<string, unknown>) => ({
  _tag: "Tensor",
  dtype: "float32",
  shape: [1],
  data: "AACAPw==",
  ...fields,
});

function errorsOf(input: unknown): string[] {
  let result: ReturnType<typeof codec.decode>;
  expect(() => (result = codec.decode(input))).not.toThrow();
  const r = result!;
  if (E.isRight(r)) {
    disposeAll(r.right);
    throw new Error("expected a Left");
  }
  return formatDecodeErrors(r.left);
}

test.each<[string, unknown, RegExp]>([
  [
    "unknown tag",
    { a: [{ _tag: "Dense", w: 1 }] },
    /^\.a\[0\]\._tag: unknown tag "Dense" \(known: .*Parameterize.*\); register it with registerWrapper/,
  ],
  ["non-string tag", { a: { _tag: 7 } }, /^\.a\._tag: a "_tag" must be a string, got 7/],
  [
    "unknown function name",
    { p: { _tag: "Parameterize", fn: { _tag: "Function", name: "eval" }, args: [] } },
    /^\.p\.fn\.name: unknown function name "eval" \(known: abs, .*\)/,
  ],
  [
    "function name of the wrong type",
    { f: { _tag: "Function", name: ["exp"] } },
    /^\.f\.name: unknown function name an array of length 1/,
  ],
  [
    "a prototype-chain name is not a function name",
    { f: { _tag: "Function", name: "constructor" } },
    /^\.f\.name: unknown function name "constructor"/,
  ],
  [
    "unsupported dtype float64",
    { w: tensor({ dtype: "float64" }) },
    /^\.w\.dtype: unsupported dtype "float64" \(supported: float32, int32, bool\)/,
  ],
  [
    "unsupported dtype complex64",
    { w: tensor({ dtype: "complex64" }) },
    /^\.w\.dtype: unsupported dtype "complex64"/,
  ],
  ["unsupported dtype string", { w: tensor({ dtype: "string" }) }, /^\.w\.dtype: unsupported dtype "string"/],
  [
    "negative dim",
    { w: tensor({ shape: [1, -3] }) },
    /^\.w\.shape\[1\]: expected a dimension \(an integer from 0 to 2147483647\), got -3/,
  ],
  ["fractional dim", { w: tensor({ shape: [0.5] }) }, /^\.w\.shape\[0\]: expected a dimension .* got 0\.5/],
  [
    "NaN dim (not JSON, but a hostile object)",
    { w: tensor({ shape: [NaN] }) },
    /^\.w\.shape\[0\]: expected a dimension .* got NaN/,
  ],
  ["string dim", { w: tensor({ shape: ["1"] }) }, /^\.w\.shape\[0\]: expected a dimension .* got "1"/],
  [
    "huge dim",
    { w: tensor({ shape: [2 ** 31] }) },
    /^\.w\.shape\[0\]: expected a dimension .* got 2147483648/,
  ],
  [
    "huge element count",
    { w: tensor({ shape: [65536, 65536, 65536] }) },
    /^\.w\.shape: the shape \[65536, 65536, 65536\] has more than 2147483647 elements/,
  ],
  ["shape not an array", { w: tensor({ shape: 3 }) }, /^\.w\.shape: expected an array of dimensions, got 3/],
  [
    "data too short for the shape",
    { w: tensor({ shape: [2] }) },
    /^\.w\.data: a float32 tensor of shape \[2\] has 8 bytes \(12 base64 characters\), but the data has 8 characters/,
  ],
  [
    "data too long for the shape",
    { w: tensor({ shape: [], data: "AAAAAAAAAAA=" }) },
    /^\.w\.data: a float32 tensor of shape \[\] has 4 bytes/,
  ],
  [
    "invalid base64 character",
    { w: tensor({ data: "AA*APw==" }) },
    /^\.w\.data: invalid base64 character "\*" at position 2/,
  ],
  ["invalid base64 padding", { w: tensor({ data: "AACA=w==" }) }, /^\.w\.data: invalid base64/],
  [
    "data not a string",
    { w: tensor({ data: [0, 0, 128, 63] }) },
    /^\.w\.data: expected a base64 string, got an array of length 4/,
  ],
  [
    "bool byte other than 0/1",
    { m: tensor({ dtype: "bool", shape: [2], data: Buffer.from([1, 2]).toString("base64") }) },
    /^\.m\.data: bool element 1 is the byte 2; expected 0 or 1/,
  ],
  [
    "tensor missing data",
    { w: { _tag: "Tensor", dtype: "float32", shape: [1] } },
    /^\.w: the tensor node has no "data" field/,
  ],
  [
    "tensor with an extra field",
    { w: tensor({ name: "x" }) },
    /^\.w: unexpected field "name" in a tensor node/,
  ],
  [
    "tensor weight reference without a side file",
    { w: { _tag: "Tensor", dtype: "float32", shape: [1], weight: "w" } },
    /^\.w\.weight: this tensor refers to a weight in a binary file/,
  ],
  [
    "Parameterize missing args",
    { p: { _tag: "Parameterize", fn: { _tag: "Function", name: "exp" } } },
    /^\.p: a Parameterize node has no "args" field/,
  ],
  [
    "Parameterize with an extra field",
    { p: { _tag: "Parameterize", fn: { _tag: "Function", name: "exp" }, args: [], x: 1 } },
    /^\.p\.x: unexpected field "x" in a Parameterize node/,
  ],
  [
    "Parameterize args not an array",
    { p: { _tag: "Parameterize", fn: { _tag: "Function", name: "exp" }, args: 1 } },
    /^\.p\.args: expected an array, got 1/,
  ],
  [
    "Parameterize fn not a function node",
    { p: { _tag: "Parameterize", fn: "exp", args: [] } },
    /^\.p\.fn: expected a function node/,
  ],
  [
    "NonTrainable missing tree",
    { n: { _tag: "NonTrainable" } },
    /^\.n: a NonTrainable node has no "tree" field/,
  ],
  [
    "Number node with a bad value",
    { n: { _tag: "Number", value: "1e999" } },
    /^\.n\.value: expected "NaN", "Infinity", "-Infinity" or "-0", got "1e999"/,
  ],
  [
    "Number node with an extra field",
    { n: { _tag: "Number", value: "NaN", x: 1 } },
    /^\.n\.x: unexpected field "x" in a Number node/,
  ],
  [
    "Undefined node with an extra field",
    { u: { _tag: "Undefined", value: 1 } },
    /^\.u\.value: unexpected field "value" in an Undefined node/,
  ],
  ["escaped object without fields", { o: { _tag: "Object" } }, /^\.o: an Object node has no "fields" field/],
  [
    "escaped object with non-object fields",
    { o: { _tag: "Object", fields: [1] } },
    /^\.o\.fields: expected the escaped object's fields/,
  ],
  [
    // Found by the fuzz test (seed 1846206744): decoded as plain data, the object would be a
    // Parameterize record in memory that nobody validated, and its next encode would fail.
    "escaped object carrying a registered wrapper's tag",
    { o: { _tag: "Object", fields: { _tag: "Parameterize", x: ["2"] } } },
    /^\.o\.fields: an escaped object cannot carry the registered tag "Parameterize": in memory it would be a Parameterize record/,
  ],
  [
    "raw NaN (not JSON)",
    { x: [NaN] },
    /^\.x\[0\]: NaN is not a JSON number; write it as \{ "_tag": "Number", "value": "NaN" \}/,
  ],
  ["raw undefined (not JSON)", { x: undefined }, /^\.x: undefined is not JSON/],
  ["a function (not JSON)", { x: () => 1 }, /^\.x: expected JSON data, got the function x/],
  ["a class instance (not JSON)", { x: new Date(0) }, /^\.x: expected JSON data, got an instance of Date/],
  [
    "a typed array (not JSON)",
    { x: new Uint8Array(3) },
    /^\.x: expected JSON data, got an instance of Uint8Array/,
  ],
])("%s", (_what, tree, expected) => {
  const errors = errorsOf(doc(tree));
  expect(errors[0]).toMatch(expected);
});

describe("the document itself", () => {
  test.each<[string, unknown, RegExp]>([
    ["not an object", [1, 2], /^document: expected a paramtree document/],
    ["null", null, /^document: expected a paramtree document/],
    ["a string", "{}", /^document: expected a paramtree document/],
    ["missing format", { version: "1.0", tree: 1 }, /^document\.format: expected "paramtree", got undefined/],
    [
      "missing version",
      { format: "paramtree", tree: 1 },
      /^document\.version: expected a version string "MAJOR\.MINOR"/,
    ],
    [
      "missing tree",
      { format: "paramtree", version: "1.0" },
      /^document\.tree: the document has no "tree" field/,
    ],
    [
      "extra field",
      { format: "paramtree", version: "1.0", tree: 1, extra: true },
      /^document\.extra: unexpected field "extra" in the document/,
    ],
    [
      "a newer major version",
      { format: "paramtree", version: "3.1", tree: 1 },
      /^document\.version: the document has format version 3\.1, newer than this reader understands \(1\.x\); update paramtree/,
    ],
  ])("%s", (_what, input, expected) => {
    expect(errorsOf(input)[0]).toMatch(expected);
  });
});

test("wrong types at any depth are reported at their full path", () => {
  const bad = deepObject(1000, [{ w: tensor({ shape: "x" }) }]);
  const errors = errorsOf(doc(bad));
  expect(errors).toHaveLength(1);
  // The message shows the ends of the 1,003 keys; the error's context keeps them all.
  expect(errors[0]).toBe(
    `${".a".repeat(20)}…(963 keys)…${".a".repeat(17)}[0].w.shape: expected an array of dimensions, got "x"`,
  );
});

test("nesting 100,000 deep: a clean Right, or a clean Left naming the deep path", () => {
  const good = JSON.parse(
    `{"format":"paramtree","version":"1.0","tree":${"[".repeat(100_000)}1${"]".repeat(100_000)}}`,
  );
  const r = codec.decode(good);
  expect(E.isRight(r) && exactDifference(r.right, deepArray(100_000, 1))).toBeUndefined();
  const bad = JSON.parse(
    `{"format":"paramtree","version":"1.0","tree":${"[".repeat(100_000)}{"_tag":"X"}${"]".repeat(100_000)}}`,
  );
  const errors = errorsOf(bad);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBe(
    `${"[0]".repeat(20)}…(99961 keys)…${"[0]".repeat(19)}._tag: unknown tag "X" (known: Tensor, Number, Undefined, Function, Object, Parameterize, NonTrainable, WeightNormalization); register it with registerWrapper, or pass the registry to treeCodec({ registry })`,
  );
});

test("a shape needing gigabytes next to tiny data is refused before allocating", () => {
  const arrayBuffersBefore = process.memoryUsage().arrayBuffers;
  const start = Date.now();
  // 50000 x 10000 float32 = 2 GB, with 3 bytes of data.
  const errors = errorsOf(doc({ w: tensor({ shape: [50_000, 10_000], data: "AAAA" }) }));
  expect(errors[0]).toMatch(/^\.w\.data: a float32 tensor of shape \[50000, 10000\] has 2000000000 bytes/);
  expect(Date.now() - start).toBeLessThan(1000);
  expect(process.memoryUsage().arrayBuffers - arrayBuffersBefore).toBeLessThan(50e6);
});

describe("__proto__, constructor and prototype", () => {
  const text =
    '{"format":"paramtree","version":"1.0","tree":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},' +
    '"prototype":[1],"o":{"_tag":"Object","fields":{"_tag":"X","__proto__":{"polluted":true}}}}}';

  test("are kept as own data properties; no prototype changes", () => {
    const r = parseTree(text);
    expect(E.isRight(r)).toBe(true);
    const tree = (E.isRight(r) ? r.right : {}) as any;
    expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(tree).sort()).toEqual(["__proto__", "constructor", "o", "prototype"]);
    expect(Object.getOwnPropertyDescriptor(tree, "__proto__")?.value).toEqual({ polluted: true });
    expect(tree.constructor).toEqual({ prototype: { polluted: true } });
    expect(Object.getOwnPropertyDescriptor(tree.o, "__proto__")?.value).toEqual({ polluted: true });
    expect(Object.getPrototypeOf(tree.o)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted")).toBe(false);
  });

  test("round-trip when encoded, in plain objects and in wrapper static fields", () => {
    const registry = registerWrapper(defaultRegistry, {
      tag: "Box",
      children: ["v"],
      unwrap: (n: any) => n.v,
    });
    const c = treeCodec({ registry });
    const tree: any = {};
    Object.defineProperty(tree, "__proto__", {
      value: { a: 1 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    tree.constructor = "c";
    const box: any = { _tag: "Box", v: 1 };
    Object.defineProperty(box, "__proto__", {
      value: [2],
      enumerable: true,
      writable: true,
      configurable: true,
    });
    tree.box = box;
    const back = c.decode(JSON.parse(stringifyTree(tree, { registry })));
    expect(E.isRight(back)).toBe(true);
    if (E.isRight(back)) expect(exactDifference(back.right, tree)).toBeUndefined();
    expect(({} as any).a).toBeUndefined();
  });
});

describe("hostile JavaScript input (not from JSON.parse)", () => {
  test("a cycle is an error, not a hang", () => {
    const tree: any = { a: [] };
    tree.a.push(tree);
    expect(errorsOf(doc(tree))[0]).toMatch(
      /^\.a\[0\]: this object is reached twice \(a cycle or a shared node\)/,
    );
  });

  test("an exponentially shared DAG is refused, not expanded", () => {
    let node: unknown = [1];
    for (let i = 0; i < 60; i++) node = [node, node];
    const start = Date.now();
    expect(errorsOf(doc(node))[0]).toMatch(/reached twice/);
    expect(Date.now() - start).toBeLessThan(1000);
  });

  test("a huge sparse array stops after the error limit", () => {
    const start = Date.now();
    const errors = errorsOf(doc({ a: new Array(1e9) }));
    expect(errors).toHaveLength(maxDecodeErrors);
    expect(errors[maxDecodeErrors - 1]).toMatch(/\(stopped after 20 problems\)$/);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  test("a throwing getter becomes a Left, and tensors made so far are disposed", () => {
    const tree: any = { a: tensor({}) };
    Object.defineProperty(tree, "b", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(errorsOf(doc(tree))[0]).toMatch(/decoding failed: boom/);
  });
});
