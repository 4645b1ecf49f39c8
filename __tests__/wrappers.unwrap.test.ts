/**
 * `unwrap` / `unwrapWith` as a fold: order, sharing, immutability, depth, errors, and the
 * `containsUnwrappables` / `isUnwrappable` queries.
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeStructure } from "../src";
import { keystr } from "../src";
import { registerWrapper } from "../src";
import { emptyRegistry } from "../src/advanced";
import {
  NonTrainable,
  Parameterize,
  UnwrapError,
  WeightNormalization,
  containsUnwrappables,
  defaultRegistry,
  isUnwrapError,
  isUnwrappable,
  unwrap,
} from "../src";
import { parameterizeSpec } from "../src/advanced";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

/** A deep copy of a tree of plain data, to compare an input before and after. */
const snapshot = (x: unknown): string =>
  JSON.stringify(x, (_k, v) => (typeof v === "function" ? `fn:${v.name}` : v));

const square = (x: number) => x * x;
const inc = (x: number) => x + 1;

describe("the fold", () => {
  test("paramax's doctest: ('abc', 1, Parameterize(exp, zeros(3)))", () => {
    const zeros = tf.zeros([3]);
    const out = unwrap(["abc", 1, Parameterize(tf.exp, zeros)] as const);
    expect(out[0]).toBe("abc");
    expect(out[1]).toBe(1);
    expect(Array.from(out[2].dataSync())).toEqual([1, 1, 1]);
    tf.dispose([zeros, out[2]]);
  });

  test("nested wrappers unwrap innermost first, siblings in leaf order", () => {
    const calls: string[] = [];
    const tracer = (name: string) => (x: number) => {
      calls.push(name);
      return x + 1;
    };
    const tree = {
      b: Parameterize(tracer("b-outer"), Parameterize(tracer("b-inner"), 0)),
      a: [Parameterize(tracer("a0"), 10), Parameterize(tracer("a1"), Parameterize(tracer("a1-inner"), 20))],
    };
    expect(unwrap(tree)).toEqual({ b: 2, a: [11, 22] });
    // Keys are visited sorted (a before b); children before parents.
    expect(calls).toEqual(["a0", "a1-inner", "a1", "b-inner", "b-outer"]);
  });

  test("three nested squares of 2 give 256, at the root and inside containers", () => {
    const p = Parameterize(square, Parameterize(square, Parameterize(square, 2)));
    expect(unwrap(p)).toBe(256);
    expect(unwrap({ x: [null, { y: p }] })).toEqual({ x: [null, { y: 256 }] });
  });

  test("the result of a wrapper's unwrap is not scanned again", () => {
    const inner = Parameterize(square, 3);
    const p = Parameterize(() => inner);
    expect(unwrap(p)).toBe(inner);
    expect(unwrap(unwrap(p))).toBe(9);
  });

  test("a record is rebuilt from its unwrapped children without re-running its constructor", () => {
    const seen: unknown[] = [];
    const registry = registerWrapper(defaultRegistry, {
      tag: "Probe",
      children: ["value"],
      unwrap: (node: { value: unknown; label: string }) => {
        seen.push(node);
        return { label: node.label, value: node.value };
      },
    });
    const probe = Object.freeze({ _tag: "Probe", value: Parameterize(square, 4), label: "static" });
    expect(unwrap(probe, { registry })).toEqual({ label: "static", value: 16 });
    const rebuilt = seen[0] as Record<string, unknown>;
    expect(rebuilt).not.toBe(probe);
    expect(rebuilt).toEqual({ _tag: "Probe", value: 16, label: "static" });
    expect(Object.isFrozen(rebuilt)).toBe(true);
    // WeightNormalization's stored scale is used as it is (the constructor would recompute it).
    const w = tf.tensor2d([[3, 4]]);
    const scale = tf.tensor2d([[10]]);
    const record = { _tag: "WeightNormalization", weight: w, scale: Parameterize(tf.mul, scale, 1) };
    const out = unwrap(record as unknown) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([6, 8].map((v) => Math.fround(v)));
    tf.dispose([w, scale, out]);
  });

  test("a tree without wrappers comes back as the very same object", () => {
    const t = tf.scalar(1);
    const tree = { a: [1, "s", null, undefined, t], b: { c: () => 1 }, d: new Map([[1, 2]]) };
    expect(unwrap(tree)).toBe(tree);
    expect(unwrap(t)).toBe(t);
    expect(unwrap(3)).toBe(3);
    expect(unwrap(null)).toBe(null);
    t.dispose();
  });

  test("subtrees without wrappers are shared, the path to each wrapper is rebuilt", () => {
    const untouched = { deep: [1, 2, { x: "y" }] };
    const tree = { left: untouched, right: [untouched, { p: Parameterize(square, 5) }] };
    const out = unwrap(tree);
    expect(out).toEqual({ left: untouched, right: [untouched, { p: 25 }] });
    expect(out).not.toBe(tree);
    expect(out.left).toBe(untouched);
    expect(out.right[0]).toBe(untouched);
    expect(out.right).not.toBe(tree.right);
  });

  test("the input is never mutated, frozen or not", () => {
    const t = tf.tensor1d([0, 1]);
    const tree = { a: [Parameterize(tf.exp, t), { b: NonTrainable([1, 2]) }], c: "keep" };
    const text = snapshot(tree);
    const deepFrozen = Object.freeze({ x: Object.freeze([Parameterize(square, 2)]) });
    const out = unwrap(tree);
    expect(unwrap(deepFrozen)).toEqual({ x: [4] });
    expect(snapshot(tree)).toBe(text);
    expect((tree.a[0] as Parameterize<tf.Tensor>).args[0]).toBe(t);
    tf.dispose([t, out.a[0]]);
  });

  test("object key order, null prototypes and the __proto__ key survive", () => {
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, {
      z: Parameterize(inc, 1),
      a: 0,
    });
    const tree = JSON.parse('{"z": 0, "__proto__": 1, "a": 2}') as Record<string, unknown>;
    tree["w"] = Parameterize(inc, 2);
    const out = unwrap({ nullProto, tree }) as {
      nullProto: Record<string, unknown>;
      tree: Record<string, unknown>;
    };
    expect(Object.getPrototypeOf(out.nullProto)).toBe(null);
    expect(Object.keys(out.nullProto)).toEqual(["z", "a"]);
    expect(out.nullProto["z"]).toBe(2);
    expect(Object.keys(out.tree)).toEqual(["z", "__proto__", "a", "w"]);
    expect(Object.getPrototypeOf(out.tree)).toBe(Object.prototype);
    expect(out.tree["w"]).toBe(3);
  });

  test("(<T,>(t: T) => unwrap(t, { registry: emptyRegistry })) sees no wrappers; an unregistered tag is an ordinary object", () => {
    const p = Parameterize(square, 3);
    expect(unwrap(p, { registry: emptyRegistry })).toBe(p);
    // The fields of an unregistered record are walked like any object's, wrappers inside included.
    const custom = { _tag: "Unknown", value: Parameterize(square, 3), static: "s" };
    expect(unwrap(custom)).toEqual({ _tag: "Unknown", value: 9, static: "s" });
  });

  test("depth 100,000: nested arrays and nested wrappers", () => {
    const depth = 100_000;
    let arrays: unknown = Parameterize(square, 3);
    for (let i = 0; i < depth; i++) arrays = [arrays];
    let out = unwrap(arrays);
    for (let i = 0; i < depth; i++) out = (out as unknown[])[0];
    expect(out).toBe(9);

    let chain: unknown = 0;
    for (let i = 0; i < depth; i++) chain = Parameterize(inc, chain as number);
    expect(unwrap(chain)).toBe(depth);
    expect(containsUnwrappables(arrays)).toBe(true);

    let plain: unknown = 1;
    for (let i = 0; i < depth; i++) plain = { x: plain };
    expect(unwrap(plain)).toBe(plain);
    expect(containsUnwrappables(plain)).toBe(false);
  });
});

describe("errors", () => {
  test("a failing unwrap is reported with the wrapper's path and tag, the cause kept", () => {
    const boom = new Error("boom");
    const bad = {
      layers: [
        {
          scale: Parameterize(() => {
            throw boom;
          }),
        },
      ],
    };
    let caught: unknown;
    try {
      unwrap(bad);
    } catch (e) {
      caught = e;
    }
    expect(isUnwrapError(caught)).toBe(true);
    const e = caught as UnwrapError;
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("UnwrapError");
    expect(e.message).toBe("unwrap: Parameterize at .layers[0].scale failed: boom");
    expect(keystr(e.path)).toBe(".layers[0].scale");
    expect(e.tag).toBe("Parameterize");
    expect(e.cause).toBe(boom);
  });

  test("the innermost failing wrapper is named, at the root too", () => {
    const failing = Parameterize((x: number) => {
      if (x > 0) throw new RangeError("too big");
      return x;
    }, 1);
    expect(() => unwrap(failing)).toThrow("unwrap: Parameterize at <root> failed: too big");
    expect(() => unwrap(NonTrainable({ "odd key": [failing] }))).toThrow(
      'unwrap: Parameterize at .tree["odd key"][0] failed: too big',
    );
    expect(() =>
      unwrap(
        Parameterize(
          square,
          "x" as never,
          Parameterize(() => {
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- a cause that is not an Error
            throw "a string";
          }),
        ),
      ),
    ).toThrow("unwrap: Parameterize at .args[1] failed: a string");
  });

  test("a wrapper with bad children fails with a clear message", () => {
    const record = { _tag: "WeightNormalization", weight: "not a tensor", scale: 1 };
    expect(() => unwrap(record)).toThrow(
      "unwrap: WeightNormalization at <root> failed: WeightNormalization.weight must unwrap to a tensor, got string not a tensor",
    );
  });

  test("tensors created before a failure are disposed, whatever the nesting", () => {
    const x = tf.tensor1d([1, 2, 3]);
    const start = tf.memory().numTensors;
    const tree = {
      a: Parameterize(tf.exp, x), // done first, then discarded
      b: Parameterize(
        (y: tf.Tensor) => {
          tf.square(y); // a temporary inside the failing unwrap
          throw new Error("late failure");
        },
        Parameterize(tf.neg, Parameterize(tf.exp, x)),
      ),
    };
    expect(() => unwrap(tree)).toThrow("unwrap: Parameterize at .b failed: late failure");
    expect(tf.memory().numTensors).toBe(start);
    // The engine's scopes are balanced: a tidy afterwards still cleans up.
    const y = tf.tidy(() => tf.add(unwrap(Parameterize(tf.exp, x)), 1));
    expect(tf.memory().numTensors).toBe(start + 1);
    tf.dispose([x, y]);
  });

  test("a cycle is reported as such, with nothing leaked", () => {
    const x = tf.scalar(1);
    const cyclic: Record<string, unknown> = { p: Parameterize(tf.exp, x) };
    let node: Record<string, unknown> = cyclic;
    for (let i = 0; i < 2000; i++) node = node["next"] = {};
    node["back"] = cyclic;
    expect(() => unwrap(cyclic)).toThrow(/cyclic tree/);
    expect(() => unwrap(cyclic)).not.toThrow(UnwrapError);
    x.dispose();
  });

  test("a wrapper returning a cyclic value fails cleanly (scopes balanced, nothing leaked)", () => {
    const before = tf.memory().numTensors;
    const x = tf.scalar(2);
    const cyclicResult = (t: tf.Tensor) => {
      const head: Record<string, unknown> = { t: tf.exp(t) };
      let node = head;
      for (let i = 0; i < 2000; i++) node = (node["next"] = {}) as Record<string, unknown>;
      node["back"] = head;
      return head;
    };
    expect(() => unwrap({ p: Parameterize(cyclicResult, Parameterize(tf.exp, x)) })).toThrow(
      /^unwrap: Parameterize at \.p failed: cyclic tree/,
    );
    const y = tf.tidy(() => tf.add(unwrap(Parameterize(tf.exp, x)), 1));
    expect(tf.memory().numTensors).toBe(before + 2); // x and y: the exp inside tf.tidy is gone
    tf.dispose([x, y]);
  });

  test("unwrap takes the tree options, its registry included", () => {
    expect(unwrap({ a: Parameterize(square, 6) }, { registry: defaultRegistry })).toEqual({ a: 36 });
    const p = Parameterize(square, 6);
    expect(unwrap({ a: p }, { registry: emptyRegistry }).a).toBe(p);
    expect(unwrap({ a: p, b: [p] }, { isLeaf: (x) => Array.isArray(x) })).toEqual({ a: 36, b: [p] });
  });
});

describe("Parameterize with only opaque args (unwrapped in place, without visiting each arg)", () => {
  class Box {
    constructor(readonly v: number) {}
  }
  const fnOf = () => () => 0;

  test("fn gets exactly the args, in order, with the record as `this`, for 0, 1 and 3 args", () => {
    const t = tf.scalar(2);
    const box = new Box(1);
    const seen: { self: unknown; args: unknown[] }[] = [];
    function probe(this: unknown, ...args: unknown[]) {
      seen.push({ self: this, args });
      return args.length;
    }
    const p0 = Parameterize(probe);
    const p1 = Parameterize(probe, t);
    const p3 = Parameterize(probe, "s", box, fnOf);
    const odd = Parameterize(probe, null, undefined, 0);
    expect(unwrap([p0, p1, p3, odd])).toEqual([0, 1, 3, 3]);
    expect(seen.map((c) => c.self)).toEqual([p0, p1, p3, odd]);
    expect(seen[1]?.args[0]).toBe(t);
    expect(seen[2]?.args).toEqual(["s", box, fnOf]);
    expect(seen[2]?.args[1]).toBe(box);
    expect(seen[3]?.args).toEqual([null, undefined, 0]);
    expect(seen[3]?.args.length).toBe(3);
    t.dispose();
  });

  test("args holding arrays, plain objects or wrappers still get unwrapped first", () => {
    const sum = (...xs: unknown[]) => JSON.stringify(xs);
    expect(unwrap(Parameterize(sum, [Parameterize(square, 2)], { a: Parameterize(inc, 1) }, 5))).toBe(
      '[[4],{"a":2},5]',
    );
    const nullProto = Object.assign(Object.create(null) as object, { k: Parameterize(square, 3) });
    expect(unwrap(Parameterize((o: { k: number }) => o.k, nullProto as never))).toBe(9);
  });

  test("the same results as the general path of a custom registry", () => {
    // parameterizeSpec registered in an empty registry takes the same path as the default one;
    // a spec of its own under the tag "Parameterize" is never bypassed.
    const own = registerWrapper(emptyRegistry, parameterizeSpec);
    const calls: string[] = [];
    const custom = registerWrapper(emptyRegistry, {
      tag: "Parameterize",
      children: ["args"],
      unwrap: (node: Parameterize) => {
        calls.push("custom");
        return node.args.length;
      },
    });
    const tree = { a: Parameterize(square, 3), b: [Parameterize(Math.max, 1, 7, 2)] };
    expect(unwrap(tree, { registry: own })).toEqual({ a: 9, b: [7] });
    expect(unwrap(tree)).toEqual({ a: 9, b: [7] });
    expect(unwrap(tree, { registry: custom })).toEqual({ a: 1, b: [3] });
    expect(calls).toEqual(["custom", "custom"]);
  });

  test("hand-built records: a non-function fn or non-array args fail as before, naming the path", () => {
    expect(() => unwrap({ p: [{ _tag: "Parameterize", fn: 3, args: [1] }] })).toThrow(
      /^unwrap: Parameterize at \.p\[0\] failed: .*is not a function/,
    );
    expect(() => unwrap({ _tag: "Parameterize", fn: square, args: 2 })).toThrow(
      "unwrap: Parameterize at <root> failed: Parameterize.args must be an array, got number 2",
    );
    // A non-enumerable _tag is not a wrapper, and no ordinary object either: refused (node rules).
    const hidden = Object.defineProperty({ fn: square, args: [2] }, "_tag", { value: "Parameterize" });
    expect(() => unwrap(hidden)).toThrow(/^the node at <root> has a non-enumerable property "_tag"/);
  });

  test("a failing fn with one tensor arg: UnwrapError with path, tag and cause; temporaries disposed", () => {
    const x = tf.scalar(1);
    const start = tf.memory().numTensors;
    const boom = new Error("bad scale");
    const tree = {
      layers: [
        { w: Parameterize(tf.exp, x) },
        {
          w: Parameterize((t: tf.Tensor) => {
            tf.mul(t, 2); // a temporary
            throw boom;
          }, x),
        },
      ],
    };
    let caught: unknown;
    try {
      unwrap(tree);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UnwrapError);
    expect(keystr((caught as UnwrapError).path)).toBe(".layers[1].w");
    expect((caught as UnwrapError).tag).toBe("Parameterize");
    expect((caught as UnwrapError).cause).toBe(boom);
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
  });

  test("frozen records and args stay as they were; gradients flow through fn", () => {
    const x = tf.tensor1d([0.5, -1]);
    const p = Parameterize((a: tf.Tensor, k: number) => tf.mul(tf.exp(a), k), x, 3);
    const g = tf.grad((v: tf.Tensor) => tf.sum(unwrap(Parameterize(p.fn, v, 3))))(x);
    // d/dx sum(3 exp(x)) = 3 exp(x), checked against a central difference
    const h = 1e-2;
    const f = (d: number[]) => tf.tidy(() => tf.sum(tf.mul(tf.exp(tf.add(x, d)), 3)).dataSync()[0] as number);
    const fd = [0, 1].map((i) => {
      const e = [0, 0];
      e[i] = h;
      return (f(e) - f(e.map((v) => -v))) / (2 * h);
    });
    const gv = Array.from(g.dataSync());
    gv.forEach((v, i) => expect(v).toBeCloseTo(fd[i] as number, 2));
    expect(gv[0]).toBeCloseTo(3 * Math.exp(0.5), 4);
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.args)).toBe(true);
    expect(p.args[0]).toBe(x);
    tf.dispose([x, g]);
  });

  test("1,000 of them side by side: one result each, keys sorted, nothing else created", () => {
    const scalars = Array.from({ length: 1000 }, (_, i) => tf.scalar(i / 1000));
    const start = tf.memory().numTensors;
    const tree = { b: scalars.map((s) => Parameterize(tf.exp, s)), a: Parameterize(square, 4) };
    const out = unwrap(tree);
    expect(out.a).toBe(16);
    expect(out.b).toHaveLength(1000);
    expect(tf.memory().numTensors).toBe(start + 1000);
    expect((out.b[999] as tf.Tensor).dataSync()[0]).toBeCloseTo(Math.exp(0.999), 5);
    tf.dispose([...out.b, ...scalars]);
  });
});

describe("queries", () => {
  test("isUnwrappable: registered tags only, plain objects only", () => {
    const w = tf.ones([2, 2]);
    const wn = WeightNormalization(w);
    expect(isUnwrappable(Parameterize(square, 1))).toBe(true);
    expect(isUnwrappable(NonTrainable(1))).toBe(true);
    expect(isUnwrappable(wn)).toBe(true);
    expect(isUnwrappable({ _tag: "Parameterize" })).toBe(true); // the tag decides, as for the tree functions
    expect(isUnwrappable({ _tag: "Clip" })).toBe(false);
    expect(isUnwrappable(1)).toBe(false);
    expect(isUnwrappable(null)).toBe(false);
    expect(isUnwrappable([Parameterize(square, 1)])).toBe(false);
    class Tagged {
      readonly _tag = "Parameterize";
    }
    expect(isUnwrappable(new Tagged())).toBe(false);
    expect(isUnwrappable(Parameterize(square, 1), { registry: emptyRegistry })).toBe(false);
    const clipRegistry = registerWrapper(emptyRegistry, { tag: "Clip", children: [], unwrap: () => 0 });
    expect(isUnwrappable({ _tag: "Clip" }, { registry: clipRegistry })).toBe(true);
    tf.dispose([w, (wn.scale as Parameterize<tf.Tensor, [tf.Tensor]>).args[0]]);
  });

  test("isUnwrappable: false for what isLeaf calls a leaf, as unwrap leaves it alone", () => {
    const p = Parameterize(square, 3);
    const o = { isLeaf: (x: unknown) => x === p };
    expect(unwrap(p, o)).toBe(p);
    expect(isUnwrappable(p, o)).toBe(false);
    expect(isUnwrappable(Parameterize(square, 3), o)).toBe(true);
    expect(isUnwrappable(p, { isLeaf: () => false })).toBe(true);
  });

  test("containsUnwrappables: anywhere, the root included, per registry", () => {
    expect(containsUnwrappables(Parameterize(square, 1))).toBe(true);
    expect(containsUnwrappables({ a: [1, { b: NonTrainable(1) }] })).toBe(true);
    expect(containsUnwrappables({ a: [1, { b: 2 }], c: null })).toBe(false);
    expect(containsUnwrappables([])).toBe(false);
    expect(containsUnwrappables({ a: Parameterize(square, 1) }, { registry: emptyRegistry })).toBe(false);
    // Static fields are not searched: a function holding a wrapper is a leaf.
    expect(containsUnwrappables({ f: () => Parameterize(square, 1) })).toBe(false);
  });
});

describe("tree functions see the wrappers' children", () => {
  test("treeStructure keeps fn static: equal for the same fn, different for another", () => {
    const a = treeStructure(Parameterize(square, 1));
    expect(a.equals(treeStructure(Parameterize(square, 2)))).toBe(true);
    expect(a.equals(treeStructure(Parameterize(inc, 2)))).toBe(false);
    expect(a.numLeaves).toBe(1);
  });
});
