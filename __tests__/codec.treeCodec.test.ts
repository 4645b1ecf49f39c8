import fc from "fast-check";
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import { PathReporter } from "io-ts/PathReporter";
import {
  formatDecodeErrors,
  parseTree,
  stringifyTree,
  treeCodec,
  treeDocument,
  TreeEncodeError,
} from "../src";
import { emptyRegistry, encodeTree, lowerTriangle, scaledSigmoid } from "../src/advanced";
import { registerWrapper } from "../src";
import { treeLeaves } from "../src";
import { NonTrainable, Parameterize, WeightNormalization, defaultRegistry, unwrap } from "../src";
import { cholesky, increasingOnInterval, lowerTriangular, simplex } from "../src";
import { deepArray, deepObject, disposeAll, exactDifference } from "./codec.helpers";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

const codec = treeCodec();

/** encode -> JSON text -> parse -> decode, as a file or a socket would carry it. */
function viaText(tree: unknown, c = codec): unknown {
  const text = stringifyTree(tree, c === codec ? undefined : undefined);
  const back = c.decode(JSON.parse(text));
  if (E.isLeft(back)) throw new Error(formatDecodeErrors(back.left).join("\n"));
  return back.right;
}

function decodeLeft(doc: unknown, c = codec): string[] {
  const r = c.decode(doc);
  if (E.isRight(r)) {
    disposeAll(r.right);
    throw new Error("expected a Left");
  }
  return formatDecodeErrors(r.left);
}

const doc = (tree: unknown): unknown => ({ format: "paramtree", version: "1.0", tree });

describe("document shape", () => {
  test("a top-level document with format, version and tree", () => {
    const json = codec.encode({ a: 1 });
    expect(json).toEqual({ format: "paramtree", version: "1.0", tree: { a: 1 } });
  });

  test("JSON scalars, arrays and objects are themselves", () => {
    const tree = { s: "x", n: 1.5, t: true, f: false, z: null, list: [1, [2, "3"]], nested: { k: {} } };
    expect(codec.encode(tree).tree).toEqual(tree);
  });

  test("numbers JSON cannot write are Number nodes, ordinary ones stay numbers", () => {
    expect(codec.encode([NaN, Infinity, -Infinity, -0, 0, 1e-310]).tree).toEqual([
      { _tag: "Number", value: "NaN" },
      { _tag: "Number", value: "Infinity" },
      { _tag: "Number", value: "-Infinity" },
      { _tag: "Number", value: "-0" },
      0,
      1e-310,
    ]);
  });

  test("undefined (array element or property) is an Undefined node and comes back", () => {
    const tree = { a: undefined, b: [undefined, 1] };
    expect(codec.encode(tree).tree).toEqual({ a: { _tag: "Undefined" }, b: [{ _tag: "Undefined" }, 1] });
    const back = viaText(tree) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(back, "a")).toBe(true);
    expect(exactDifference(back, tree)).toBeUndefined();
  });

  test("tensors: dtype, shape and little-endian base64 data", () => {
    const x = tf.tensor([1, 2], [2], "float32");
    const i = tf.tensor([1, -1], [2], "int32");
    const b = tf.tensor([true, false, true], [3], "bool");
    const json = codec.encode({ x, i, b }).tree as any;
    // float32 1.0 = 0x3f800000, 2.0 = 0x40000000, little-endian.
    expect(json.x).toEqual({
      _tag: "Tensor",
      dtype: "float32",
      shape: [2],
      data: Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]).toString("base64"),
    });
    expect(json.i.data).toBe(Buffer.from([1, 0, 0, 0, 255, 255, 255, 255]).toString("base64"));
    expect(json.b).toEqual({
      _tag: "Tensor",
      dtype: "bool",
      shape: [3],
      data: Buffer.from([1, 0, 1]).toString("base64"),
    });
    tf.dispose([x, i, b]);
  });

  test("a plain object with an unregistered _tag is escaped and comes back as data", () => {
    const tree = { o: { _tag: "Foo", a: [1] }, n: { _tag: 3 } };
    const json = codec.encode(tree).tree as any;
    expect(json.o).toEqual({ _tag: "Object", fields: { _tag: "Foo", a: [1] } });
    expect(json.n).toEqual({ _tag: "Object", fields: { _tag: 3 } });
    expect(exactDifference(viaText(tree), tree)).toBeUndefined();
  });

  test("an escaped object whose own _tag names a registered wrapper stays escaped data", () => {
    // With the empty registry this object is plain data; decoding with the default registry
    // must still give data back (the escape says so), not a Parameterize.
    const tree = { _tag: "Object", fields: 1 };
    const back = viaText(tree);
    expect(exactDifference(back, tree)).toBeUndefined();
  });
});

describe("wrappers", () => {
  test("Parameterize: fn by name, args as a tree; decodes to a working, frozen wrapper", () => {
    const raw = tf.tensor([0.5, -1]);
    const p = Parameterize(tf.softplus, raw);
    const json = codec.encode(p).tree as any;
    expect(json._tag).toBe("Parameterize");
    expect(json.fn).toEqual({ _tag: "Function", name: "softplus" });
    expect(json.args[0]._tag).toBe("Tensor");
    const back = viaText(p) as any;
    expect(back.fn).toBe(tf.softplus);
    expect(Object.isFrozen(back)).toBe(true);
    expect(Object.isFrozen(back.args)).toBe(true);
    const u1 = unwrap(p) as tf.Tensor;
    const u2 = unwrap(back) as tf.Tensor;
    expect(Array.from(u2.dataSync())).toEqual(Array.from(u1.dataSync()));
    // softplus(0.5) = log(1 + e^0.5)
    expect(u2.dataSync()[0]).toBeCloseTo(Math.log(1 + Math.exp(0.5)), 6);
    tf.dispose([raw, u1, u2]);
    disposeAll(back);
  });

  test("NonTrainable and WeightNormalization round-trip exactly", () => {
    const w = tf.tensor([
      [1, 2],
      [3, 4],
    ]);
    const tree = {
      frozen: NonTrainable({ b: tf.tensor([1, 2, 3], [3], "int32") }),
      wn: WeightNormalization(w),
    };
    const back = viaText(tree);
    expect(exactDifference(back, tree)).toBeUndefined();
    const u1 = unwrap(tree.wn) as tf.Tensor;
    const u2 = unwrap((back as any).wn) as tf.Tensor;
    expect(exactDifference(u1, u2)).toBeUndefined();
    tf.dispose([u1, u2]);
    disposeAll(tree);
    disposeAll(back);
  });

  test("a custom registered tag: children as trees, static fields as JSON (functions by name)", () => {
    const registry = registerWrapper(defaultRegistry, {
      tag: "Affine",
      children: ["scale", "shift"],
      unwrap: (n: any) => n.fn(n.scale, n.shift),
    });
    const fns = { addScaled: (s: number, t: number) => s + t };
    const c = treeCodec({ registry, functions: fns });
    const tree = {
      _tag: "Affine",
      scale: 2,
      shift: [NaN],
      fn: fns.addScaled,
      meta: { units: "m", eps: -0, _tag: "Loose" },
    };
    const json = c.encode(tree).tree as any;
    expect(json).toEqual({
      _tag: "Affine",
      scale: 2,
      shift: [{ _tag: "Number", value: "NaN" }],
      fn: { _tag: "Function", name: "addScaled" },
      meta: { _tag: "Object", fields: { units: "m", eps: { _tag: "Number", value: "-0" }, _tag: "Loose" } },
    });
    const back = c.decode(JSON.parse(JSON.stringify(doc(json))));
    expect(E.isRight(back)).toBe(true);
    if (E.isRight(back)) expect(exactDifference(back.right, tree)).toBeUndefined();
    // Without the registry the tag is unknown in a document: an error, not silent data.
    expect(decodeLeft(doc(json))[0]).toMatch(/^\._tag: unknown tag "Affine"/);
  });

  test("a registry may not use the format's reserved tags", () => {
    const registry = registerWrapper(defaultRegistry, {
      tag: "Tensor",
      children: [],
      unwrap: (n: unknown) => n,
    });
    expect(() => treeCodec({ registry })).toThrow(/reserved by the paramtree format/);
  });
});

describe("functions", () => {
  test("default table covers the common transforms; user functions are added", () => {
    const double = (x: tf.Tensor) => tf.mul(x, 2);
    const c = treeCodec({ functions: { double } });
    const tree = [
      tf.exp,
      tf.softplus,
      tf.sigmoid,
      tf.square,
      tf.sqrt,
      tf.abs,
      tf.log,
      tf.tanh,
      tf.relu,
      double,
    ];
    const json = c.encode(tree).tree as any[];
    expect(json.map((j) => j.name)).toEqual([
      "exp",
      "softplus",
      "sigmoid",
      "square",
      "sqrt",
      "abs",
      "log",
      "tanh",
      "relu",
      "double",
    ]);
    const back = c.decode(JSON.parse(JSON.stringify(c.encode(tree))));
    expect(E.isRight(back) && back.right).toEqual(tree);
  });

  test("on a name clash the user's function wins, both ways", () => {
    const myExp = (x: tf.Tensor) => tf.exp(x);
    const c = treeCodec({ functions: { exp: myExp } });
    expect((c.encode([myExp]).tree as any)[0]).toEqual({ _tag: "Function", name: "exp" });
    const back = c.decode(doc([{ _tag: "Function", name: "exp" }]));
    expect(E.isRight(back) && (back.right as unknown[])[0]).toBe(myExp);
    // tf.exp lost its name: it cannot be written with this codec.
    expect(() => c.encode([tf.exp])).toThrow(
      /\[0\]: the function exp__op is not in the function table|\[0\]: .* is not in the function table/,
    );
  });

  test("a function missing from the table is an encode error naming its key path", () => {
    const p = Parameterize((x: number) => x + 1, 2);
    let error: unknown;
    try {
      codec.encode({ layers: [{ scale: p }] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TreeEncodeError);
    expect((error as TreeEncodeError).problems.map((p) => p.path)).toEqual([["layers", 0, "scale", "fn"]]);
    expect((error as Error).message).toContain(
      ".layers[0].scale.fn: an anonymous function is not in the function table",
    );
    const either = encodeTree({ layers: [{ scale: p }] });
    expect(E.isLeft(either) && either.left[0]?.path).toEqual(["layers", 0, "scale", "fn"]);
  });

  test("functions entries must be functions", () => {
    expect(() => treeCodec({ functions: { bad: 3 as any } })).toThrow(
      /functions\["bad"\] must be a function/,
    );
  });
});

describe("encode errors name the key path", () => {
  test.each([
    ["a class instance", { a: { d: new Date(0) } }, ".a.d", /an instance of Date cannot be serialized/],
    [
      "a typed array",
      { t: [new Float32Array(2)] },
      ".t[0]",
      /an instance of Float32Array cannot be serialized/,
    ],
    ["a bigint", { b: 1n }, ".b", /bigint/],
    ["a symbol", [Symbol("s")], "[0]", /symbol/],
  ])("%s", (_what, tree, where, message) => {
    const r = encodeTree(tree);
    expect(E.isLeft(r)).toBe(true);
    const lines = E.isLeft(r)
      ? r.left.map(
          (p) =>
            `${p.path.length === 0 ? "<root>" : ""}${p.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`)).join("")}: ${p.message}`,
        )
      : [];
    expect(lines[0]?.startsWith(`${where}: `)).toBe(true);
    expect(lines[0]).toMatch(message);
  });

  test("a disposed tensor", () => {
    const x = tf.scalar(1);
    x.dispose();
    expect(() => codec.encode({ w: x })).toThrow(/\.w: the tensor is disposed/);
  });

  test("a cycle", () => {
    const a: any = { b: [1] };
    a.b.push(a);
    expect(() => codec.encode(a)).toThrow(/\.b\[1\]: cyclic tree/);
  });

  test("a shared (acyclic) node is fine and written twice", () => {
    const shared = { v: 1 };
    const tree = { a: shared, b: shared };
    expect(codec.encode(tree).tree).toEqual({ a: { v: 1 }, b: { v: 1 } });
  });

  test("is() tells whether a tree can be encoded, without reading tensors", () => {
    const x = tf.scalar(1);
    expect(codec.is({ x, f: tf.exp, n: NaN })).toBe(true);
    expect(codec.is({ f: () => 1 })).toBe(false);
    x.dispose();
  });
});

describe("decoding", () => {
  test("decoded tensors are new tensors owned by the caller", () => {
    const x = tf.tensor([1, 2, 3]);
    const back = viaText({ x }) as { x: tf.Tensor };
    expect(back.x).not.toBe(x);
    expect(Array.from(back.x.dataSync())).toEqual([1, 2, 3]);
    back.x.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  test("a failed decode disposes the tensors it already made", () => {
    const t1 = { _tag: "Tensor", dtype: "float32", shape: [1], data: "AACAPw==" };
    const errors = decodeLeft(doc({ a: t1, b: t1 && { ...t1 }, z: { _tag: "Nope" } }));
    expect(errors).toEqual([expect.stringMatching(/^\.z\._tag: unknown tag "Nope"/)]);
    // afterEach checks that no tensor survived.
  });

  test("key paths in errors read like the tree", () => {
    const errors = decodeLeft(
      doc({ layers: [{ weight: { _tag: "Tensor", dtype: "float32", shape: [2, -1], data: "" } }] }),
    );
    expect(errors).toEqual([
      ".layers[0].weight.shape[1]: expected a dimension (an integer from 0 to 2147483647), got -1",
    ]);
  });

  test("errors are collected, not just the first", () => {
    const errors = decodeLeft(doc([{ _tag: "Nope" }, undefined, { _tag: "Function", name: "zzz" }]));
    expect(errors.length).toBe(3);
    expect(errors[0]).toMatch(/^\[0\]\._tag: unknown tag/);
    expect(errors[1]).toMatch(/^\[1\]: undefined is not JSON/);
    expect(errors[2]).toMatch(/^\[2\]\.name: unknown function name "zzz"/);
  });

  test("object keys keep their document order", () => {
    const back = codec.decode(doc({ z: 1, a: 2, m: 3 }));
    expect(E.isRight(back) && Object.keys(back.right as object)).toEqual(["z", "a", "m"]);
  });

  test("parseTree: JSON text to a tree, or a Left for text that is not JSON", () => {
    const ok = parseTree('{"format":"paramtree","version":"1.0","tree":[1,{"_tag":"Number","value":"-0"}]}');
    expect(E.isRight(ok) && Object.is((ok.right as number[])[1], -0)).toBe(true);
    const bad = parseTree('{"format":"paramtree","ver');
    expect(E.isLeft(bad) && formatDecodeErrors(bad.left)[0]).toMatch(/^document: not JSON/);
  });
});

describe("versions", () => {
  test("older and same-major documents are read; a newer major is refused clearly", () => {
    for (const v of ["1.0", "1.7"]) {
      const r = codec.decode({ format: "paramtree", version: v, tree: 1 });
      expect(E.isRight(r) && r.right).toBe(1);
    }
    expect(decodeLeft({ format: "paramtree", version: "2.0", tree: 1 })).toEqual([
      "document.version: the document has format version 2.0, newer than this reader understands (1.x); update paramtree to read it",
    ]);
    expect(decodeLeft({ format: "paramtree", version: 1, tree: 1 })[0]).toMatch(
      /^document\.version: expected a version string/,
    );
    expect(decodeLeft({ format: "paramtree", version: "0.9", tree: 1 })[0]).toMatch(
      /^document\.version: format version 0\.9 does not exist/,
    );
    expect(decodeLeft({ format: "other", version: "1.0", tree: 1 })[0]).toMatch(
      /^document\.format: expected "paramtree"/,
    );
  });
});

describe("depth", () => {
  test("100,000 nested arrays and objects encode, stringify, parse and decode without recursion", () => {
    for (const deep of [deepArray(100_000, NaN), deepObject(100_000, [tf.exp])]) {
      const text = stringifyTree(deep);
      const back = parseTree(text);
      expect(E.isRight(back)).toBe(true);
      if (E.isRight(back)) expect(exactDifference(back.right, deep)).toBeUndefined();
    }
  });

  test("the tree layer agrees on the decoded deep tree", () => {
    const deep = deepArray(100_000, tf.scalar(3));
    const back = parseTree(stringifyTree(deep));
    expect(E.isRight(back)).toBe(true);
    if (E.isRight(back)) {
      const leaves = treeLeaves(back.right) as tf.Tensor[];
      expect(leaves.length).toBe(1);
      expect(leaves[0]?.dataSync()[0]).toBe(3);
      disposeAll(back.right);
    }
    disposeAll(deep);
  });
});

describe("treeCodec inside io-ts combinators keeps the outer path", () => {
  const bad = {
    format: "paramtree",
    version: "1.0",
    tree: { w: { _tag: "Tensor", dtype: "float32", shape: [2], data: "AAAA" } },
  };
  const dataError =
    "a float32 tensor of shape [2] has 8 bytes (12 base64 characters), but the data has 4 characters";

  test("t.type({ id, model: treeCodec() }): formatDecodeErrors and PathReporter print .model.w.data", () => {
    const outer = t.type({ id: t.string, model: treeCodec() });
    const r = outer.decode({ id: "a", model: bad });
    expect(E.isLeft(r) && formatDecodeErrors(r.left)).toEqual([`.model.w.data: ${dataError}`]);
    expect(PathReporter.report(r)).toEqual([`.model.w.data: ${dataError}`]);
  });

  test("t.array and nested t.type: the index and every key are kept", () => {
    const outer = t.type({ runs: t.array(t.type({ model: treeCodec() })) });
    const r = outer.decode({ runs: [{ model: { ...bad, tree: {} } }, { model: bad }] });
    expect(E.isLeft(r) && formatDecodeErrors(r.left)).toEqual([`.runs[1].model.w.data: ${dataError}`]);
  });

  test("a document field inside a combinator: the outer path and the field", () => {
    const outer = t.type({ model: treeCodec() });
    const r = outer.decode({ model: { ...bad, version: "2.0" } });
    expect(E.isLeft(r) && PathReporter.report(r)).toEqual([
      ".model.version: the document has format version 2.0, newer than this reader understands (1.x); update paramtree to read it",
    ]);
  });

  test("a bare treeCodec keeps its paths (tree paths, document.<field>)", () => {
    const r = treeCodec().decode(bad);
    expect(E.isLeft(r) && formatDecodeErrors(r.left)).toEqual([`.w.data: ${dataError}`]);
    expect(PathReporter.report(r)).toEqual([`.w.data: ${dataError}`]);
  });
});

describe("is guards the decoded type (trees); treeDocument().is guards documents", () => {
  const x = (): tf.Tensor => tf.tensor([1, 2]);

  test('{ format: "paramtree" } is a tree: is(decode(encode(x)).right) holds for it', () => {
    const tree = { format: "paramtree" };
    expect(codec.is(tree)).toBe(true);
    const back = codec.decode(codec.encode(tree));
    expect(E.isRight(back) && back.right).toEqual(tree);
    expect(E.isRight(back) && codec.is(back.right)).toBe(true);
    expect(treeDocument().is(tree)).toBe(false);
  });

  test("t.union encodes with the first member whose is() holds: a tree goes to treeCodec", () => {
    const w = x();
    const u = t.union([treeCodec(), t.string]);
    expect(u.encode({ format: "paramtree" } as never)).toEqual(doc({ format: "paramtree" }));
    expect(u.encode({ w } as never)).toEqual(
      doc({ w: { _tag: "Tensor", dtype: "float32", shape: [2], data: "AACAPwAAAEA=" } }),
    );
    w.dispose();
  });

  const shared = { a: 1 };
  const cyclic: Record<string, unknown> = { x: 1 };
  cyclic["self"] = cyclic;
  const tensor = (dtype: string, shape: unknown, data: unknown): unknown => ({
    _tag: "Tensor",
    dtype,
    shape,
    data,
  });
  // [name, document, the errors decode reports (none: it decodes)]
  const table: [string, unknown, string[]][] = [
    ["a tree of plain data", doc({ lr: 0.1, list: [1, "a", null, true] }), []],
    [
      "tensors, special numbers, undefined, functions, wrappers",
      doc({
        w: tensor("float32", [2], "AACAPwAAAEA="),
        b: tensor("bool", [2], "AAE="),
        n: { _tag: "Number", value: "-0" },
        u: { _tag: "Undefined" },
        p: {
          _tag: "Parameterize",
          fn: { _tag: "Function", name: "softplus" },
          args: [tensor("int32", [], "AQAAAA==")],
        },
        o: { _tag: "Object", fields: { _tag: "Draft" } },
      }),
      [],
    ],
    ["an older minor version", { format: "paramtree", version: "1.7", tree: null }, []],
    [
      "not an object",
      [1],
      [
        'document: expected a paramtree document { "format": "paramtree", "version", "tree" }, got an array of length 1',
      ],
    ],
    [
      '{ format: "paramtree" }',
      { format: "paramtree" },
      ['document.version: expected a version string "MAJOR.MINOR" such as "1.0", got undefined'],
    ],
    [
      "another format",
      { format: "other", version: "1.0", tree: 1 },
      ['document.format: expected "paramtree", got "other": this is not a paramtree document'],
    ],
    [
      "a newer major version",
      { format: "paramtree", version: "2.0", tree: 1 },
      [
        "document.version: the document has format version 2.0, newer than this reader understands (1.x); update paramtree to read it",
      ],
    ],
    ["no tree", { format: "paramtree", version: "1.0" }, ['document.tree: the document has no "tree" field']],
    [
      "an extra field",
      { format: "paramtree", version: "1.0", tree: 1, extra: 2 },
      [
        'document.extra: unexpected field "extra" in the document (expected format, version, tree, weightsManifest, weightsCrc32)',
      ],
    ],
    [
      "a side-file document",
      { format: "paramtree", version: "1.0", tree: 1, weightsManifest: [] },
      [
        "document.weightsManifest: this document keeps its tensor bytes in a binary file (weightsManifest); read it with loadTree",
      ],
    ],
    [
      "an unknown tag",
      doc({ a: { _tag: "Nope" } }),
      [
        '.a._tag: unknown tag "Nope" (known: Tensor, Number, Undefined, Function, Object, Parameterize, NonTrainable, WeightNormalization); register it with registerWrapper, or pass the registry to treeCodec({ registry })',
      ],
    ],
    [
      "an unsupported dtype",
      doc({ w: tensor("complex64", [1], "AAAAAAAAAAA=") }),
      ['.w.dtype: unsupported dtype "complex64" (supported: float32, int32, bool)'],
    ],
    [
      "a bad dimension",
      doc({ w: tensor("float32", [-1], "") }),
      [".w.shape[0]: expected a dimension (an integer from 0 to 2147483647), got -1"],
    ],
    [
      "data of the wrong length",
      doc({ w: tensor("float32", [2], "AAAA") }),
      [
        ".w.data: a float32 tensor of shape [2] has 8 bytes (12 base64 characters), but the data has 4 characters",
      ],
    ],
    [
      "non-canonical base64",
      doc({ w: tensor("bool", [1], "AB==") }),
      [
        '.w.data: non-canonical base64: the character "B" at position 1 has non-zero padding bits (canonical base64 writes "A" there)',
      ],
    ],
    [
      "a bool byte that is not 0 or 1 (found only by decoding the bytes)",
      doc({ w: tensor("bool", [1], "Ag==") }),
      [".w.data: bool element 0 is the byte 2; expected 0 or 1"],
    ],
    [
      "a shared node",
      doc({ p: shared, q: shared }),
      [".q: this object is reached twice (a cycle or a shared node); a document must be a tree"],
    ],
    [
      "a cycle",
      doc(cyclic),
      [".self: this object is reached twice (a cycle or a shared node); a document must be a tree"],
    ],
    ["undefined", doc({ u: undefined }), ['.u: undefined is not JSON; write it as { "_tag": "Undefined" }']],
    [
      "NaN",
      doc({ n: NaN }),
      ['.n: NaN is not a JSON number; write it as { "_tag": "Number", "value": "NaN" }'],
    ],
    [
      "an escaped registered tag",
      doc({ o: { _tag: "Object", fields: { _tag: "Parameterize" } } }),
      [
        '.o.fields: an escaped object cannot carry the registered tag "Parameterize": in memory it would be a Parameterize record; write the record itself',
      ],
    ],
    [
      "a malformed wrapper",
      doc({ p: { _tag: "Parameterize", fn: 1, args: [] } }),
      ['.p.fn: expected a function node { "_tag": "Function", "name" }, got 1'],
    ],
    ["a class instance", doc({ d: new Date(0) }), [".d: expected JSON data, got an instance of Date"]],
  ];

  test.each(table)(
    "%s: decode accepts it exactly when the guard holds, with these errors",
    (_name, input, errors) => {
      const before = tf.memory().numTensors;
      const guard = treeDocument().is(input);
      const checked = treeDocument().decode(input);
      expect(tf.memory().numTensors).toBe(before); // the guard and its decode make no tensor
      const decoded = codec.decode(input);
      if (E.isRight(decoded)) disposeAll(decoded.right);
      expect(E.isRight(decoded)).toBe(errors.length === 0);
      expect(guard).toBe(E.isRight(decoded));
      expect(E.isLeft(decoded) ? formatDecodeErrors(decoded.left) : []).toEqual(errors);
      expect(E.isLeft(checked) ? formatDecodeErrors(checked.left) : []).toEqual(errors);
      if (E.isRight(checked)) expect(checked.right).toBe(input); // returned as it is, not copied
    },
  );

  test("inside a combinator the outer path is kept; encode is the identity", () => {
    const outer = t.type({ id: t.string, doc: treeDocument() });
    const r = outer.decode({ id: "a", doc: doc({ w: tensor("float32", [2], "AAAA") }) });
    expect(E.isLeft(r) && PathReporter.report(r)).toEqual([
      ".doc.w.data: a float32 tensor of shape [2] has 8 bytes (12 base64 characters), but the data has 4 characters",
    ]);
    const d = doc({ lr: 0.1 }) as never;
    expect(treeDocument().encode(d)).toBe(d);
  });

  test("treeDocument takes the codec's options: a registry and functions", () => {
    const fnDoc = doc({ f: { _tag: "Function", name: "double" } });
    expect(treeDocument().is(fnDoc)).toBe(false);
    expect(treeDocument({ functions: { double: (v: tf.Tensor) => tf.mul(v, 2) } }).is(fnDoc)).toBe(true);
  });

  test("decoded documents of random trees satisfy the guard", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (tree) => {
        const json = codec.encode(tree);
        return treeDocument().is(json) && treeDocument().is(JSON.parse(JSON.stringify(json)));
      }),
      { numRuns: 200 },
    );
  });
});

describe("built-in records: decoding refuses what their constructors refuse", () => {
  /** A tensor node of zeros. */
  const zeros = (shape: number[], dtype: "float32" | "int32" | "bool" = "float32"): unknown => {
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = dtype === "bool" ? Buffer.alloc(n) : Buffer.alloc(4 * n);
    return { _tag: "Tensor", dtype, shape, data: bytes.toString("base64") };
  };
  const fn = (name: string): unknown => ({ _tag: "Function", name });
  const softplusOf = (arg: unknown): unknown => ({ _tag: "Parameterize", fn: fn("softplus"), args: [arg] });
  const wn = (weight: unknown, scale: unknown): unknown => ({ _tag: "WeightNormalization", weight, scale });
  const inModel = (layer: unknown): unknown => doc({ model: { layer } });

  /** Every way in gives the same lines: decode, treeDocument (no tensor made), parseTree (text). */
  function problems(input: unknown): string[] {
    const before = tf.memory().numTensors;
    const checked = treeDocument().decode(input);
    expect(tf.memory().numTensors).toBe(before);
    const decoded = codec.decode(input);
    if (E.isRight(decoded)) disposeAll(decoded.right);
    const parsed = parseTree(JSON.stringify(input));
    if (E.isRight(parsed)) disposeAll(parsed.right);
    const lines = E.isLeft(decoded) ? formatDecodeErrors(decoded.left) : [];
    expect(E.isLeft(checked) ? formatDecodeErrors(checked.left) : []).toEqual(lines);
    expect(E.isLeft(parsed) ? formatDecodeErrors(parsed.left) : []).toEqual(lines);
    expect(treeDocument().is(input)).toBe(lines.length === 0);
    expect(tf.memory().numTensors).toBe(before);
    return lines;
  }

  const scaleExpected =
    "expected a float32 tensor of shape [2, 1] (the weight's shape [2, 3] with a last axis of 1) or a wrapper that unwraps to one, as WeightNormalization builds its scale, got";
  test.each([
    ["a scale of the wrong shape", zeros([2]), "a float32 tensor of shape [2]"],
    ["a scale of the weight's shape", zeros([2, 3]), "a float32 tensor of shape [2, 3]"],
    ["a scale with the axes the other way", zeros([1, 2]), "a float32 tensor of shape [1, 2]"],
    [
      "a wrapped scale of the wrong shape",
      softplusOf(zeros([3, 1])),
      "a Parameterize that unwraps to a float32 tensor of shape [3, 1]",
    ],
    ["an int32 scale", zeros([2, 1], "int32"), "an int32 tensor of shape [2, 1]"],
    ["a string", "abc", 'the string "abc"'],
    ["a number", 3, "the number 3"],
    ["a special number", { _tag: "Number", value: "NaN" }, "the number NaN"],
    ["null", null, "null"],
    ["an object", { raw: zeros([2, 1]) }, 'an object with keys ["raw"]'],
    ["an array", [zeros([2, 1])], "an array of length 1"],
    ["a function", fn("exp"), "a function"],
  ])("%s is refused at its key path", (_name, scale, got) => {
    expect(problems(inModel(wn(zeros([2, 3]), scale)))).toEqual([
      `.model.layer.scale: ${scaleExpected} ${got}`,
    ]);
  });

  test("a weight that is not a float32 tensor of rank >= 1 is refused, as the constructor refuses it", () => {
    const weightExpected =
      "expected a float32 tensor of rank >= 1 (or a wrapper that unwraps to one), as WeightNormalization requires, got";
    const scaleAny =
      "expected a float32 tensor or a wrapper that unwraps to one, as WeightNormalization builds its scale, got";
    expect(problems(inModel(wn(zeros([]), zeros([1]))))).toEqual([
      `.model.layer.weight: ${weightExpected} a float32 tensor of shape []`,
    ]);
    expect(problems(inModel(wn(zeros([2, 3], "int32"), zeros([2, 1]))))).toEqual([
      `.model.layer.weight: ${weightExpected} an int32 tensor of shape [2, 3]`,
    ]);
    expect(problems(inModel(wn("w", "s")))).toEqual([
      `.model.layer.weight: ${weightExpected} the string "w"`,
      `.model.layer.scale: ${scaleAny} the string "s"`,
    ]);
    expect(problems(doc(wn({ _tag: "NonTrainable", tree: zeros([2, 3], "bool") }, zeros([2, 1]))))).toEqual([
      `.weight: ${weightExpected} a NonTrainable of a bool tensor of shape [2, 3]`,
    ]);
  });

  test("what the constructor builds is accepted: batched, wrapped weights, a plain scale, a scale the document cannot tell", () => {
    const w = tf.tensor([
      [1, 2, 3],
      [3, 4, 5],
    ]);
    const built = WeightNormalization(w);
    const batched = WeightNormalization(tf.ones([4, 2, 3]));
    const frozen = WeightNormalization(NonTrainable(tf.ones([5])) as never);
    const json = codec.encode({ built, batched, frozen });
    expect(problems(json)).toEqual([]);
    disposeAll({ built, batched, frozen });
    // A record written by hand, as unwrapWeightNormalization's example does; a vector weight.
    expect(problems(doc(wn(zeros([1, 2]), zeros([1, 1]))))).toEqual([]);
    expect(problems(doc(wn(zeros([3]), softplusOf(zeros([1])))))).toEqual([]);
    // A scale made by a wrapper whose result the document does not tell (a user's function, a
    // custom tag) is left to unwrap.
    const custom = treeCodec({ functions: { mine: (x: tf.Tensor) => x } });
    const r = custom.decode(
      doc(wn(zeros([2, 3]), { _tag: "Parameterize", fn: fn("mine"), args: [zeros([5])] })),
    );
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) disposeAll(r.right);
    // Nested: a WeightNormalization as the weight of another unwraps to its weight's shape.
    expect(problems(doc(wn(wn(zeros([2, 3]), zeros([2, 1])), zeros([2, 1]))))).toEqual([]);
    expect(problems(doc(wn(wn(zeros([2, 3]), zeros([2, 1])), zeros([2, 3]))))).toEqual([
      `.scale: ${scaleExpected} a float32 tensor of shape [2, 3]`,
    ]);
  });

  test("bounded and increasingOnInterval records need finite numbers lo < hi, as their constructors", () => {
    const interval = (name: string, args: unknown[]): unknown =>
      doc({ model: { rate: { _tag: "Parameterize", fn: fn(name), args } } });
    expect(problems(interval("scaledSigmoid", [zeros([2]), 0, 1]))).toEqual([]);
    expect(problems(interval("increasingFromLogits", [zeros([3]), -1, 1]))).toEqual([]);
    expect(problems(interval("scaledSigmoid", [zeros([2]), 1, 0]))).toEqual([
      ".model.rate.args: scaledSigmoid needs finite numbers lo < hi (as bounded checks), got lo = 1, hi = 0",
    ]);
    expect(problems(interval("scaledSigmoid", [zeros([2]), 1, 1]))).toEqual([
      ".model.rate.args: scaledSigmoid needs finite numbers lo < hi (as bounded checks), got lo = 1, hi = 1",
    ]);
    expect(
      problems(interval("increasingFromLogits", [zeros([3]), { _tag: "Number", value: "-Infinity" }, 1])),
    ).toEqual([
      ".model.rate.args: increasingFromLogits needs finite numbers lo < hi (as increasingOnInterval checks), got lo = -Infinity, hi = 1",
    ]);
    expect(problems(interval("scaledSigmoid", [zeros([2]), "0", 1]))).toEqual([
      '.model.rate.args: scaledSigmoid needs finite numbers lo < hi (as bounded checks), got lo = "0", hi = 1',
    ]);
    expect(problems(interval("scaledSigmoid", [zeros([2])]))).toEqual([
      ".model.rate.args: scaledSigmoid takes [raw, lo, hi] (as bounded writes it), got 1 argument",
    ]);
    // A user's function under the same name is the user's business.
    const mine = treeCodec({ functions: { scaledSigmoid: (x: tf.Tensor) => x } });
    const r = mine.decode(interval("scaledSigmoid", [zeros([2]), 1, 0]));
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) disposeAll(r.right);
  });

  test("lowerTriangular, cholesky, simplex and increasingOnInterval records need the raw shape their constructors build", () => {
    const p = (name: string, ...args: unknown[]): unknown =>
      doc({ model: { c: { _tag: "Parameterize", fn: fn(name), args } } });
    const identities = tf.tidy(() => tf.mul(tf.ones([3, 2, 2]), tf.eye(2)));
    const built = {
      l: lowerTriangular([
        [1, 0],
        [2, 3],
      ]),
      c: cholesky(identities),
      s: simplex([0.2, 0.8]),
      i: increasingOnInterval([0.1, 0.5], 0, 1),
    };
    expect(problems(codec.encode(built))).toEqual([]);
    disposeAll(built);
    identities.dispose();
    expect(problems(p("lowerTriangle", zeros([2, 3])))).toEqual([
      ".model.c.args[0]: lowerTriangle needs a tensor of square matrices in its last two axes, as lowerTriangular builds it, got a float32 tensor of shape [2, 3]",
    ]);
    expect(problems(p("choleskyFactor", zeros([4])))).toEqual([
      ".model.c.args[0]: choleskyFactor needs a tensor of square matrices in its last two axes, as cholesky builds it, got a float32 tensor of shape [4]",
    ]);
    expect(problems(p("simplexFromLogits", zeros([])))).toEqual([
      ".model.c.args[0]: simplexFromLogits needs a tensor with a last axis (rank >= 1), as simplex builds it, got a float32 tensor of shape []",
    ]);
    expect(problems(p("simplexFromLogits", "raw"))).toEqual([
      '.model.c.args[0]: simplexFromLogits needs a tensor with a last axis (rank >= 1), as simplex builds it, got the string "raw"',
    ]);
    expect(problems(p("increasingFromLogits", 2, 0, 1))).toEqual([
      ".model.c.args[0]: increasingFromLogits needs a tensor with a last axis (rank >= 1), as increasingOnInterval builds it, got the number 2",
    ]);
    // What these unwrap to is known, so a WeightNormalization around them is checked through them.
    expect(
      problems(
        doc(wn({ _tag: "Parameterize", fn: fn("lowerTriangle"), args: [zeros([3, 3])] }, zeros([3, 1]))),
      ),
    ).toEqual([]);
    expect(
      problems(doc(wn({ _tag: "Parameterize", fn: fn("lowerTriangle"), args: [zeros([3, 3])] }, zeros([3])))),
    ).toEqual([
      ".scale: expected a float32 tensor of shape [3, 1] (the weight's shape [3, 3] with a last axis of 1) or a wrapper that unwraps to one, as WeightNormalization builds its scale, got a float32 tensor of shape [3]",
    ]);
  });

  test("deep chains of records are read once (no quadratic walk) and told by their depth", () => {
    const depth = 50_000;
    const chain = (tag: "NonTrainable" | "lowerTriangle", inner: unknown): unknown => {
      let x = inner;
      for (let i = 0; i < depth; i++)
        x =
          tag === "NonTrainable"
            ? { _tag: "NonTrainable", tree: x }
            : { _tag: "Parameterize", fn: fn("lowerTriangle"), args: [x] };
      return x;
    };
    const check = (d: unknown): string[] => {
      const r = treeDocument().decode(d);
      return E.isLeft(r) ? formatDecodeErrors(r.left) : [];
    };
    expect(check(doc(wn(zeros([2, 3]), chain("NonTrainable", zeros([2, 1])))))).toEqual([]);
    expect(check(doc(wn(zeros([2, 3]), chain("NonTrainable", zeros([2])))))).toEqual([
      `.scale: ${scaleExpected} 50000 nested NonTrainables of a float32 tensor of shape [2]`,
    ]);
    expect(check(doc(wn(chain("lowerTriangle", zeros([2, 2])), zeros([2, 1]))))).toEqual([]);
    expect(check(doc(wn(chain("lowerTriangle", zeros([2, 2])), zeros([2]))))).toEqual([
      ".scale: expected a float32 tensor of shape [2, 1] (the weight's shape [2, 2] with a last axis of 1) or a wrapper that unwraps to one, as WeightNormalization builds its scale, got a float32 tensor of shape [2]",
    ]);
  });

  test("a registry whose WeightNormalization is its own spec is not held to the built-in's checks", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "WeightNormalization",
      children: ["weight", "scale"],
      unwrap: (n: { weight: tf.Tensor }) => n.weight,
    });
    const mine = treeCodec({ registry });
    const r = mine.decode(doc(wn(zeros([2, 3]), "not a tensor")));
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) disposeAll(r.right);
  });
});

describe("built-in records: encoding refuses what decoding would refuse", () => {
  /** What each writer says of `tree`: encode, encodeTree, stringifyTree and `is` agree. */
  function encodeProblems(tree: unknown): string[] {
    let thrown: unknown;
    try {
      codec.encode(tree);
    } catch (e) {
      thrown = e;
    }
    const lines = thrown === undefined ? [] : (thrown as TreeEncodeError).message.split("\n").slice(1);
    if (thrown !== undefined) expect(thrown).toBeInstanceOf(TreeEncodeError);
    const either = encodeTree(tree);
    expect(E.isLeft(either) ? either.left.length : 0).toBe(lines.length);
    let text: string | undefined;
    try {
      text = stringifyTree(tree);
    } catch (e) {
      expect((e as Error).message.split("\n").slice(1)).toEqual(lines);
    }
    expect(text === undefined).toBe(lines.length > 0);
    expect(codec.is(tree)).toBe(lines.length === 0);
    return lines;
  }

  test("a hand-built WeightNormalization whose scale the constructor would not build is refused at its key path", () => {
    const weight = tf.ones([2, 3]);
    const rowScale = tf.ones([2, 1]);
    const flatScale = tf.ones([2]);
    const intScale = tf.ones([2, 1], "int32");
    const wn = (scale: unknown): unknown => ({ _tag: "WeightNormalization", weight, scale });
    const expected =
      "expected a float32 tensor of shape [2, 1] (the weight's shape [2, 3] with a last axis of 1) or a wrapper that unwraps to one, as WeightNormalization builds its scale, got";
    expect(encodeProblems({ layers: [wn(rowScale)] })).toEqual([]);
    expect(encodeProblems({ layers: [wn(Parameterize(tf.softplus, rowScale))] })).toEqual([]);
    expect(encodeProblems({ layers: [wn(flatScale)] })).toEqual([
      `.layers[0].scale: ${expected} a float32 tensor of shape [2]; the record would not load`,
    ]);
    expect(encodeProblems({ layers: [wn(intScale)] })).toEqual([
      `.layers[0].scale: ${expected} an int32 tensor of shape [2, 1]; the record would not load`,
    ]);
    expect(encodeProblems({ layers: [wn(Parameterize(tf.softplus, flatScale))] })).toEqual([
      `.layers[0].scale: ${expected} a Parameterize that unwraps to a float32 tensor of shape [2]; the record would not load`,
    ]);
    // Checked as the decoder checks them, so that what saves also loads.
    const json = codec.encode({ w: wn(rowScale) });
    const back = codec.decode(JSON.parse(JSON.stringify(json)));
    expect(E.isRight(back)).toBe(true);
    if (E.isRight(back)) disposeAll(back.right);
    disposeAll([weight, rowScale, flatScale, intScale]);
  });

  test("hand-built interval and triangular records are refused as the decoder refuses them", () => {
    const raw = tf.zeros([2, 3]);
    expect(encodeProblems({ rate: Parameterize(scaledSigmoid, raw, 1, 0) })).toEqual([
      ".rate.args: scaledSigmoid needs finite numbers lo < hi (as bounded checks), got lo = 1, hi = 0; the record would not load",
    ]);
    expect(encodeProblems({ rate: Parameterize(scaledSigmoid, raw, 0, 1) })).toEqual([]);
    expect(encodeProblems({ l: Parameterize(lowerTriangle, raw) })).toEqual([
      ".l.args[0]: lowerTriangle needs a tensor of square matrices in its last two axes, as lowerTriangular builds it, got a float32 tensor of shape [2, 3]; the record would not load",
    ]);
    raw.dispose();
  });

  test("a registry with its own WeightNormalization spec writes what it likes", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "WeightNormalization",
      children: ["weight", "scale"],
      unwrap: (n: { weight: tf.Tensor }) => n.weight,
    });
    const w = tf.ones([2, 3]);
    expect(() =>
      treeCodec({ registry }).encode({ _tag: "WeightNormalization", weight: w, scale: "s" }),
    ).not.toThrow();
    w.dispose();
  });
});

describe("a tensor at several places (tied weights) comes back as one tensor from a self-contained document", () => {
  const tied = (): { tree: unknown; x: tf.Tensor; y: tf.Tensor } => {
    const x = tf.tensor([1, 2, 3]);
    const y = tf.tensor([[4]]);
    // x at three places, one of them inside a wrapper; y at two; a tensor used once stays plain.
    const tree = {
      embed: x,
      head: { w: x, b: y },
      scale: Parameterize(tf.softplus, x),
      c: [y, tf.scalar(7)],
    };
    return { tree, x, y };
  };

  test("encode marks every node of a shared tensor with one index, writes 1.1, and decode gives one tensor", () => {
    const { tree, x, y } = tied();
    const json = codec.encode(tree as never) as any;
    expect(json.version).toBe("1.1");
    const xIndex = json.tree.c[0].shared === 0 ? 1 : 0; // indices follow the encoder's key order
    expect([json.tree.embed.shared, json.tree.head.w.shared, json.tree.scale.args[0].shared]).toEqual([
      xIndex,
      xIndex,
      xIndex,
    ]);
    expect([json.tree.head.b.shared, json.tree.c[0].shared]).toEqual([1 - xIndex, 1 - xIndex]);
    expect(json.tree.c[1].shared).toBeUndefined();
    expect(json.tree.head.w.data).toBe(json.tree.embed.data);
    const before = tf.memory().numTensors;
    const back = codec.decode(JSON.parse(JSON.stringify(json)));
    if (E.isLeft(back)) throw new Error(formatDecodeErrors(back.left).join("\n"));
    const t = back.right as any;
    expect(tf.memory().numTensors - before).toBe(3); // x, y and the scalar, once each
    expect(t.head.w).toBe(t.embed);
    expect(t.scale.args[0]).toBe(t.embed);
    expect(t.c[0]).toBe(t.head.b);
    expect(exactDifference(t, tree)).toBeUndefined();
    expect(treeDocument().is(json)).toBe(true);
    tf.dispose([t.embed, t.head.b, t.c[1]]);
    disposeAll(tree);
    void x;
    void y;
  });

  test("stringifyTree / parseTree keep the sharing too, and a tree without shared tensors stays 1.0", () => {
    const { tree } = tied();
    const text = stringifyTree(tree as never);
    expect(JSON.parse(text).version).toBe("1.1");
    const back = parseTree(text);
    if (E.isLeft(back)) throw new Error(formatDecodeErrors(back.left).join("\n"));
    const t = back.right as any;
    expect(t.head.w).toBe(t.embed);
    expect(t.c[0]).toBe(t.head.b);
    tf.dispose([t.embed, t.head.b, t.c[1]]);
    disposeAll(tree);
    const plain = { a: tf.scalar(1), b: tf.scalar(1) }; // equal values, two tensors
    const json = codec.encode(plain) as any;
    expect(json.version).toBe("1.0");
    expect(JSON.stringify(json)).not.toContain("shared");
    const plainBack = codec.decode(json);
    expect(E.isRight(plainBack) && (plainBack.right as any).a !== (plainBack.right as any).b).toBe(true);
    if (E.isRight(plainBack)) disposeAll(plainBack.right);
    disposeAll(plain);
  });

  test("nodes of one shared tensor that differ, and bad indices, are refused at their path, and nothing leaks", () => {
    const { tree } = tied();
    const json = codec.encode(tree as never) as any;
    disposeAll(tree);
    const edited = (edit: (d: any) => void): string[] => {
      const d = JSON.parse(JSON.stringify(json));
      edit(d);
      const before = tf.memory().numTensors;
      const lines = decodeLeft(d);
      expect(tf.memory().numTensors).toBe(before);
      expect(treeDocument().is(d)).toBe(false);
      return lines;
    };
    const i = json.tree.embed.shared;
    const other = tf.tensor([1, 2, 4]);
    const otherData = (codec.encode({ o: other }) as any).tree.o.data;
    other.dispose();
    expect(edited((d) => (d.tree.head.w.data = otherData))).toEqual([
      `.head.w.data: this node of shared tensor ${i} differs from its first node in its data; every node of a shared tensor is written the same`,
    ]);
    expect(edited((d) => (d.tree.head.w.shape = [1, 3]))).toEqual([
      `.head.w.shape: this node of shared tensor ${i} differs from its first node in its shape; every node of a shared tensor is written the same`,
    ]);
    expect(edited((d) => (d.tree.scale.args[0].dtype = "int32"))).toEqual([
      `.scale.args[0].dtype: this node of shared tensor ${i} differs from its first node in its dtype; every node of a shared tensor is written the same`,
    ]);
    for (const bad of [-1, 1.5, "0", null]) {
      expect(edited((d) => (d.tree.embed.shared = bad))).toEqual([
        `.embed.shared: expected the index of a shared tensor (an integer >= 0), got ${bad === "0" ? '"0"' : String(bad)}`,
      ]);
    }
    // A weight reference shares by its name; a `shared` index beside it is refused.
    expect(
      edited((d) => {
        d.tree.embed = { _tag: "Tensor", dtype: "float32", shape: [3], weight: "w", shared: 0 };
      })[0],
    ).toBe('.embed: unexpected field "shared" in a tensor node (expected _tag, dtype, shape, weight)');
  });
});

test("a symbol-keyed property added after a tree function saw the object is still refused by the writers", () => {
  const o: Record<string | symbol, unknown> = { a: 1 };
  expect(treeLeaves(o)).toEqual([1]);
  o[Symbol("s")] = 2; // plain assignment: the tree functions remember the object as checked
  expect(() => stringifyTree({ m: o })).toThrow(/\.m: the node has a symbol-keyed property Symbol\(s\)/);
  expect(codec.is({ m: o })).toBe(false);
  expect(E.isLeft(encodeTree({ m: o }))).toBe(true);
});
