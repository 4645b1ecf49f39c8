import * as tf from "@tensorflow/tfjs-core";
import { defaultRegistry, registerNodeType, treeFormat, withOptions } from "../src";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

describe("treeFormat", () => {
  test("one line when it fits: tensors as dtype[shape], functions by name, sorted keys", () => {
    const w = tf.zeros([3, 4]);
    const s = tf.scalar(1, "int32");
    expect(treeFormat({ w, b: null, act: Math.tanh, s })).toBe(
      "{ act: tanh, b: null, s: int32[], w: float32[3,4] }",
    );
    tf.dispose([w, s]);
  });

  test("leaves of every kind", () => {
    class Point {}
    const text = treeFormat(
      [
        1.5,
        -0,
        NaN,
        2n,
        'a"b',
        true,
        undefined,
        () => 0,
        new Float32Array(3),
        new Point(),
        new Map(),
        tf.exp,
      ],
      { width: 1000 },
    );
    expect(text).toBe(
      '[1.5, -0, NaN, 2n, "a\\"b", true, undefined, <function>, Float32Array(3), <Point>, <Map>, exp]',
    );
  });

  test("wrappers and other tagged records: Tag(field=...), fields in their own order", () => {
    const x = tf.zeros([3]);
    const p = Object.freeze({ _tag: "Parameterize", fn: tf.exp, args: [x] });
    expect(treeFormat(p)).toBe("Parameterize(fn=exp, args=[float32[3]])");
    expect(treeFormat({ _tag: "Empty" })).toBe("Empty()");
    x.dispose();
  });

  test("breaks containers that do not fit, one child per line, indented", () => {
    const w = tf.zeros([3, 4]);
    const b = tf.zeros([3]);
    const text = treeFormat({ layers: [{ w, b }], name: "mlp" }, { width: 20 });
    expect(text).toBe(
      [
        "{",
        "  layers: [",
        "    {",
        "      b: float32[3],",
        "      w: float32[3,4]",
        "    }",
        "  ],",
        '  name: "mlp"',
        "}",
      ].join("\n"),
    );
    expect(treeFormat({ layers: [{ w, b }], name: "mlp" }, { width: 20, indent: 4 }).split("\n")[1]).toBe(
      "    layers: [",
    );
    tf.dispose([w, b]);
  });

  test("no line is longer than the width when the parts fit", () => {
    const tree = { a: Array.from({ length: 30 }, (_, i) => ({ k: i, v: [i, i + 1] })), b: "x" };
    for (const width of [20, 40, 80]) {
      const lines = treeFormat(tree, { width }).split("\n");
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(width);
    }
  });

  test("a long array of leaves fills lines; more than maxItems are counted", () => {
    const text = treeFormat(
      Array.from({ length: 100 }, (_, i) => i),
      { width: 30, maxItems: 20 },
    );
    expect(text).toBe(
      [
        "[",
        "  0, 1, 2, 3, 4, 5, 6, 7, 8,",
        "  9, 10, 11, 12, 13, 14, 15,",
        "  16, 17, 18, 19, ... 80 more",
        "]",
      ].join("\n"),
    );
    expect(treeFormat({ b: 1, a: 2, c: 3 }, { maxItems: 2 })).toBe("{ a: 2, b: 1, ... 1 more }");
  });

  test("odd keys are quoted; long strings are cut", () => {
    expect(treeFormat({ "odd key": 1, ok: 2 })).toBe('{ "odd key": 1, ok: 2 }');
    const long = "x".repeat(100);
    expect(treeFormat([long])).toBe(`["${"x".repeat(57)}..."]`);
  });

  test("empty containers", () => {
    expect(treeFormat({ a: [], b: {} })).toBe("{ a: [], b: {} }");
    expect(treeFormat([])).toBe("[]");
    expect(treeFormat(Object.create(null))).toBe("{}");
  });

  test("tensor values on request, for small tensors only; disposed tensors are marked", () => {
    const a = tf.tensor([1, 2.5]);
    const b = tf.zeros([10]);
    const c = tf.tensor([true, false], undefined, "bool");
    const d = tf.tensor([1]);
    d.dispose();
    expect(treeFormat([a, b, c, d], { tensorValues: 2 })).toBe(
      "[float32[2](1, 2.5), float32[10], bool[2](true, false), float32[1](disposed)]",
    );
    expect(treeFormat([a])).toBe("[float32[2]]");
    tf.dispose([a, b, c]);
  });

  test("cycles are shown, not followed; shared subtrees are shown twice", () => {
    const a: any = { x: 1 };
    a.self = a;
    expect(treeFormat(a)).toBe("{ self: <cycle>, x: 1 }");
    const shared = { v: 1 };
    expect(treeFormat([shared, shared])).toBe("[{ v: 1 }, { v: 1 }]");
  });

  test("a node that breaks the node rules is shown as refused, and its getter is not run", () => {
    let calls = 0;
    const getter = Object.defineProperty({ a: 1 }, "g", {
      get: () => {
        calls++;
        return 2;
      },
      enumerable: true,
    });
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const hidden = Object.defineProperty({ a: 1 }, "h", { value: 2, enumerable: false });
    expect(treeFormat({ getter, sparse, hidden, sym: { [Symbol("s")]: 1 } })).toBe(
      [
        "{",
        '  getter: <refused: an accessor property "g" (a getter or setter)>,',
        '  hidden: <refused: a non-enumerable property "h">,',
        "  sparse: <refused: a hole at index 1>,",
        "  sym: <refused: a symbol-keyed property Symbol(s)>",
        "}",
      ].join("\n"),
    );
    expect(calls).toBe(0);
  });

  test("a getter `_tag` is refused like any accessor, and not run", () => {
    let calls = 0;
    const tagged = Object.defineProperty({ w: 1 }, "_tag", {
      get: () => {
        calls++;
        return "Parameterize";
      },
      enumerable: true,
    });
    expect(treeFormat({ t: tagged })).toBe(
      '{ t: <refused: an accessor property "_tag" (a getter or setter)> }',
    );
    expect(calls).toBe(0);
  });

  test("maxDepth and maxNodes collapse the rest", () => {
    expect(treeFormat({ a: { b: { c: [1] } } }, { maxDepth: 2 })).toBe("{ a: { b: {...} } }");
    // Two containers expanded in total: the root and .a, in leaf order.
    expect(treeFormat({ a: [[1], [2]], b: [3] }, { maxNodes: 2 })).toBe("{ a: [[...], [...]], b: [...] }");
    expect(treeFormat({ a: [[1], [2]], b: [3] }, { maxNodes: 3 })).toBe("{ a: [[1], [...]], b: [...] }");
  });

  test("depth 100,000 does not overflow: collapsed by default, or in full on one line", () => {
    let t: unknown = 1;
    for (let i = 0; i < 100_000; i++) t = [t];
    const short = treeFormat(t);
    expect(short).toBe(`${"[".repeat(32)}[...]${"]".repeat(32)}`);
    const full = treeFormat(t, { maxDepth: Infinity, maxNodes: Infinity, width: Infinity });
    expect(full).toBe(`${"[".repeat(100_000)}1${"]".repeat(100_000)}`);
  });

  test("deep trees broken over many lines are laid out iteratively", () => {
    let t: unknown = "leaf";
    for (let i = 0; i < 2000; i++) t = { next: t };
    const lines = treeFormat(t, { maxDepth: Infinity, maxNodes: Infinity, width: 40, indent: 1 }).split("\n");
    // Nothing fits in 40 columns, so every level is broken: one line per level, opening and closing.
    expect(lines).toHaveLength(4001);
    expect(lines[0]).toBe("{");
    expect(lines[1]).toBe(" next: {");
    expect(lines[2000]).toBe(`${" ".repeat(2000)}next: "leaf"`);
    expect(lines[2001]).toBe(`${" ".repeat(1999)}}`);
    expect(lines.at(-1)).toBe("}");
    // Shallow enough levels fit on one line again.
    const small = treeFormat({ a: { next: { next: "leaf" } } }, { width: 32 }).split("\n");
    expect(small).toEqual(["{", '  a: { next: { next: "leaf" } }', "}"]);
  });
});

describe("tree options", () => {
  class Point {
    constructor(
      readonly x: unknown,
      readonly y: unknown,
    ) {}
  }
  const registry = registerNodeType(defaultRegistry, {
    name: "Point",
    type: Point,
    flatten: (p: Point) => ({ keys: ["x", "y"], children: [p.x, p.y] }),
    unflatten: (_aux, [x, y]) => new Point(x, y),
  });

  test("isLeaf shows a container as a leaf; registered classes show by their flatten", () => {
    expect(treeFormat({ a: [1, 2] }, { isLeaf: Array.isArray })).toBe("{ a: <Array> }");
    expect(treeFormat({ p: new Point(1, [2]) }, { registry })).toBe("{ p: Point(x=1, y=[2]) }");
    expect(withOptions({ registry }).treeFormat(new Point(1, 2))).toBe("Point(x=1, y=2)");
    // Without the registration, an instance is a leaf, shown by its class.
    expect(treeFormat(new Point(1, 2))).toBe("<Point>");
  });
});
