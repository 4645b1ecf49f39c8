/**
 * The node rules, decided once in the engine and the same for every public function that walks
 * a tree (a table: each rule x each function):
 *
 * - a symbol-keyed, non-enumerable or accessor property, or a hole in an array, is refused with a
 *   TypeError naming the key path of the node that holds it (never dropped, never changed);
 * - frozen arrays and objects come back frozen wherever a function rebuilds them, at any depth;
 * - the codec's encoder (every way a tree is written) refuses the same nodes with its own error,
 *   a TreeEncodeError naming the same path, and `treeCodec().is` is false for such a tree.
 */
import * as tf from "@tensorflow/tfjs-core";
import { inspect } from "util";
import {
  Parameterize,
  combine,
  containsUnwrappables,
  initBackend,
  nonTrainable,
  partition,
  treeAt,
  treeEqual,
  treeFlatten,
  treeFlattenWithPath,
  treeLeaves,
  treeMap,
  treeMapN,
  treeMapWithPath,
  treeModifyAt,
  treeStructure,
  treeUnflatten,
  unwrap,
  treeCodec,
  stringifyTree,
  TreeEncodeError,
  defaultRegistry,
  registerNodeType,
  withOptions,
  defineWrapper,
  unwrapping,
  treeFormat,
} from "../src";
import { emptyRegistry, encodeTree, registerRecord } from "../src/advanced";

beforeAll(async () => {
  await initBackend();
});

/** Every public function that walks a tree, called on `t`. */
const walkers: Record<string, (t: unknown) => unknown> = {
  treeFlatten: (t) => treeFlatten(t),
  treeFlattenWithPath: (t) => treeFlattenWithPath(t),
  treeLeaves: (t) => treeLeaves(t),
  treeStructure: (t) => treeStructure(t),
  treeMap: (t) => treeMap((x: unknown) => x, t),
  treeMapWithPath: (t) => treeMapWithPath((_p, x: unknown) => x, t),
  treeMapN: (t) => treeMapN((x: unknown) => x, [t]),
  partition: (t) => partition(t, () => true),
  combine: (t) => combine(t),
  treeAt: (t) => treeAt((x: any) => x.other, t, 0),
  treeModifyAt: (t) =>
    treeModifyAt(
      (x: any) => x.other,
      t,
      () => 0,
    ),
  treeEqual: (t) => treeEqual(t, t),
  unwrap: (t) => unwrap(t),
  nonTrainable: (t) => nonTrainable(t),
  containsUnwrappables: (t) => containsUnwrappables(t),
};

/** A tree holding `bad` at `.layers[1].w`, next to an ordinary field and a wrapper. */
const treeWith = (bad: unknown) => ({
  other: 1,
  layers: [{ w: 2 }, { w: bad }],
  p: Parameterize(Math.exp, 0),
});

const badNodes: Record<string, [() => unknown, RegExp]> = {
  "a symbol-keyed property": [() => ({ a: 1, [Symbol("s")]: 2 }), /symbol-keyed property Symbol\(s\)/],
  "a non-enumerable property": [
    () => Object.defineProperty({ a: 1 }, "hidden", { value: 2, enumerable: false }),
    /non-enumerable property "hidden"/,
  ],
  "an accessor property": [
    () =>
      Object.defineProperty({ a: 1 }, "g", {
        get: () => 2,
        enumerable: true,
      }),
    /accessor property "g"/,
  ],
  "a hole in an array": [
    () => {
      const sparse: unknown[] = [1];
      sparse[2] = 3;
      return sparse;
    },
    /hole at index 1/,
  ],
};

describe.each(Object.entries(badNodes))("%s is refused, naming the path", (_rule, [make, message]) => {
  test.each(Object.keys(walkers))("by %s", (name) => {
    const tree = treeWith(make());
    expect(() => walkers[name]!(tree)).toThrow(TypeError);
    expect(() => walkers[name]!(tree)).toThrow(message);
    expect(() => walkers[name]!(tree)).toThrow(/^the node at \.layers\[1\]\.w has /);
  });
});

/** Every way of writing a tree; each must refuse what the tree functions refuse. */
const encoders: Record<string, (t: unknown) => unknown> = {
  "treeCodec().encode": (t) => treeCodec().encode(t),
  stringifyTree: (t) => stringifyTree(t),
  encodeTree: (t) => {
    const r = encodeTree(t);
    if (r._tag === "Left") throw new TreeEncodeError(r.left);
    return r.right;
  },
};

describe.each(Object.entries(badNodes))(
  "%s is refused by the encoder, naming the path",
  (_rule, [make, message]) => {
    test.each(Object.keys(encoders))("by %s", (name) => {
      const tree = treeWith(make());
      expect(() => encoders[name]!(tree)).toThrow(TreeEncodeError);
      expect(() => encoders[name]!(tree)).toThrow(message);
      expect(() => encoders[name]!(tree)).toThrow(
        /^cannot serialize the tree:\n\.layers\[1\]\.w: the node has /,
      );
    });
    test("by treeCodec().is", () => {
      // (Math.exp, in the tree's wrapper, is not in the function table: a tree without it.)
      expect(treeCodec().is({ layers: [{ w: 2 }, { w: make() }] })).toBe(false);
      expect(treeCodec().is({ layers: [{ w: 2 }, { w: 2 }] })).toBe(true);
    });
  },
);

test("the encoder's message, whole", () => {
  const tree = treeWith(Object.defineProperty({ a: 1 }, "hidden", { value: 2, enumerable: false }));
  expect(() => stringifyTree(tree)).toThrow(
    'cannot serialize the tree:\n.layers[1].w: the node has a non-enumerable property "hidden"; ' +
      "trees hold own enumerable data properties only",
  );
  const sparse: unknown[] = [1];
  sparse[2] = 3;
  expect(() => stringifyTree({ xs: sparse })).toThrow(
    "cannot serialize the tree:\n.xs: the node has a hole at index 1 (a sparse array); trees hold dense arrays only",
  );
  // An array with an explicit undefined is dense, and round-trips.
  expect(treeCodec().decode(JSON.parse(stringifyTree({ xs: [1, undefined, 3] })))).toEqual({
    _tag: "Right",
    right: { xs: [1, undefined, 3] },
  });
});

describe("accessors are never called", () => {
  const writers: Record<string, (t: unknown) => unknown> = {
    ...walkers,
    ...encoders,
    "treeCodec().is": (t) => treeCodec().is(t) || fail(),
  };
  const fail = (): never => {
    throw new TypeError('accessor property "g" was accepted');
  };
  test.each(Object.keys(writers))("by %s", (name) => {
    let calls = 0;
    const node = Object.defineProperty({}, "g", {
      get: () => {
        calls++;
        return 1;
      },
      enumerable: true,
    });
    expect(() => writers[name]!({ a: [node] })).toThrow(/accessor property "g"/);
    // Detected from the descriptor: a getter with side effects (or one that makes a new object
    // each time) is not run by any tree function.
    expect(calls).toBe(0);
  });
});

describe("frozen input comes back frozen wherever a node is rebuilt", () => {
  const frozenTree = (three: unknown = 3) =>
    Object.freeze({
      other: 1,
      layers: Object.freeze([Object.freeze({ w: 2 }), Object.freeze({ w: Object.freeze([three, 4]) })]),
      open: { v: [5] },
    });
  const rebuilders: Record<string, (t: any) => any> = {
    treeMap: (t) => treeMap((x: number) => x + 1, t),
    treeMapWithPath: (t) => treeMapWithPath((_p, x: number) => x + 1, t),
    treeMapN: (t) => treeMapN((a: number, b: number) => a + b, [t, t]),
    treeUnflatten: (t) => {
      const [leaves, def] = treeFlatten<number>(t);
      return treeUnflatten(
        def,
        leaves.map((x) => x + 1),
      );
    },
    "partition (kept)": (t) => partition(t, () => true)[0],
    "partition (rest)": (t) => partition(t, () => false)[1],
    combine: (t) => combine(partition(t, () => true)[0], partition(t, () => false)[1]),
    treeAt: (t) => treeAt((x: any) => x.layers[1].w[0], t, 30),
    treeModifyAt: (t) =>
      treeModifyAt(
        (x: any) => x.layers[0].w,
        t,
        (x: number) => -x,
      ),
    // A wrapper deep inside: the nodes above it are rebuilt, frozen; the others are shared.
    unwrap: () => unwrap(frozenTree(Parameterize(() => 3))),
  };
  test.each(Object.keys(rebuilders))("%s", (name) => {
    const out = rebuilders[name]!(frozenTree());
    expect(Object.isFrozen(out.layers)).toBe(true);
    expect(Object.isFrozen(out.layers[0])).toBe(true);
    expect(Object.isFrozen(out.layers[1])).toBe(true);
    expect(Object.isFrozen(out.layers[1].w)).toBe(true);
    // What was not frozen does not become frozen.
    expect(Object.isFrozen(out.open)).toBe(false);
    expect(Object.isFrozen(out.open.v)).toBe(false);
  });

  test("tensor leaves: nonTrainable rebuilds a frozen container frozen, and no tensor leaks", () => {
    const before = tf.memory().numTensors;
    const w = tf.ones([2]);
    const out = nonTrainable(Object.freeze({ ws: Object.freeze([w]), n: 1 }));
    expect(Object.isFrozen(out)).toBe(true);
    expect(Object.isFrozen(out.ws)).toBe(true);
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the memory of the check", () => {
  test("a checked object is unchanged for every other reader", () => {
    const inner = { b: [1, 2] };
    const tree = { a: inner, c: Object.create(null) as Record<string, unknown> };
    tree.c.d = 3;
    const before = {
      keys: Reflect.ownKeys(inner),
      json: JSON.stringify(tree),
      inspect: inspect(tree),
      descriptors: Object.getOwnPropertyDescriptors(inner),
    };
    treeLeaves(tree);
    expect(Reflect.ownKeys(inner)).toEqual(before.keys);
    expect(JSON.stringify(tree)).toBe(before.json);
    expect(inspect(tree)).toBe(before.inspect);
    expect(Object.getOwnPropertyDescriptors(inner)).toEqual(before.descriptors);
    expect(structuredClone(inner)).toEqual({ b: [1, 2] });
    expect(Object.isExtensible(inner)).toBe(true);
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(tree.c)).toBe(null);
  });

  test("a frozen or non-extensible object is checked once too, and still refused when it breaks a rule", () => {
    const frozen = Object.freeze({ a: 1 });
    const sealed = Object.preventExtensions({ b: 2 });
    const names = jest.spyOn(Object, "getOwnPropertyNames");
    try {
      treeLeaves({ frozen, sealed });
      const first = names.mock.calls.length;
      expect(first).toBeGreaterThanOrEqual(3);
      names.mockClear();
      treeLeaves({ frozen, sealed });
      // Only the new root object is checked.
      expect(names.mock.calls.length).toBe(1);
    } finally {
      names.mockRestore();
    }
    const bad = Object.preventExtensions(Object.defineProperty({}, "x", { value: 1, enumerable: false }));
    expect(() => treeLeaves({ bad })).toThrow(/\.bad.*non-enumerable property "x"/);
    expect(() => treeLeaves({ bad })).toThrow(/non-enumerable/);
  });

  test("the objects the tree functions build are not checked again by the next pass", () => {
    const tree = {
      layers: [
        { w: 1, b: 2 },
        { w: 3, b: 4 },
      ],
      head: Object.freeze({ w: 5 }),
    };
    const mapped = treeMap((x: number) => x + 1, tree);
    const [leaves, def] = treeFlatten(tree);
    const rebuilt = treeUnflatten<typeof tree>(def, leaves);
    const expected = leaves.map((x) => (x as number) + 1);
    const names = jest.spyOn(Object, "getOwnPropertyNames");
    try {
      expect(treeLeaves(mapped)).toEqual(expected);
      expect(treeLeaves(rebuilt)).toEqual(leaves);
      expect(names).not.toHaveBeenCalled();
    } finally {
      names.mockRestore();
    }
    expect(Object.isFrozen(mapped.head)).toBe(true);
    expect(Reflect.ownKeys(mapped.layers[0] as object)).toEqual(["w", "b"]);
  });

  test("an ordinary object met for the first time is checked: a getter there is refused, never run", () => {
    let ran = 0;
    const model = treeMap((x: number) => x, { a: { w: 1 } });
    const fresh = { ...model, b: Object.defineProperty({}, "g", { get: () => ++ran, enumerable: true }) };
    expect(() => treeLeaves(fresh)).toThrow(/\.b.*accessor property "g"/);
    expect(ran).toBe(0);
  });
});

describe("an instance of a subclass of Array", () => {
  class Batch<T> extends Array<T> {}
  const batch = (...xs: number[]): Batch<number> => {
    const b = new Batch<number>();
    b.push(...xs);
    return b;
  };

  test("is a leaf, as any class instance: it comes back the very same object, never a plain array", () => {
    const b = batch(1, 2);
    const tree = { b, plain: [3] };
    expect(treeLeaves(tree)).toEqual([b, 3]);
    expect(treeFlatten(tree)[1].toString()).toBe("TreeDef({ b: *, plain: [*] })");
    const mapped = treeMap((x: unknown) => x, tree);
    expect(mapped.b).toBe(b);
    expect(treeFlattenWithPath(tree)[0].map(([p]) => p)).toEqual([["b"], ["plain", 0]]);
    expect(unwrap(tree).b).toBe(b);
  });

  test("is walked once its class is registered, and rebuilt as that class", () => {
    const registry = registerNodeType(defaultRegistry, {
      name: "Batch",
      type: Batch,
      flatten: (x: Batch<unknown>) => ({ keys: x.map((_, i) => i), children: [...x] }),
      unflatten: (_aux, children) => {
        const out = new Batch<unknown>();
        out.push(...children);
        return out;
      },
    });
    const doubled = treeMap((x: number) => 2 * x, { b: batch(1, 2) }, { registry });
    expect(doubled.b).toBeInstanceOf(Batch);
    expect(Array.from(doubled.b as unknown as number[])).toEqual([2, 4]);
  });

  test("holds tensors that unwrap and unwrapping keep alive, as tf.tidy would", () => {
    const before = tf.memory().numTensors;
    const Plus = defineWrapper({
      tag: "RulesBatchPlus",
      children: ["x"],
      unwrap: ({ x }: { x: tf.Tensor }) => Batch.of(tf.add(x, 1), tf.add(x, 2)),
    });
    const w = tf.scalar(1);
    const out = unwrap({ p: Plus({ x: w }) }).p as unknown as Batch<tf.Tensor>;
    expect(out).toBeInstanceOf(Batch);
    expect(out.map((t) => t.isDisposed)).toEqual([false, false]);
    expect(out.map((t) => t.dataSync()[0])).toEqual([2, 3]);
    const f = unwrapping((p: { w: tf.Tensor }) => Batch.of(tf.mul(p.w, 3)));
    const made = f({ w });
    expect(made[0]?.isDisposed).toBe(false);
    tf.dispose([...out, ...made, w]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("so is an array whose prototype was changed (null), instead of being read as an object", () => {
    const odd = Object.setPrototypeOf([1, 2], null) as unknown[];
    expect(treeLeaves({ a: odd })).toEqual([odd]);
    expect(treeMap((x: unknown) => x, { a: odd }).a).toBe(odd);
    expect(treeFormat({ a: odd })).not.toContain("[1, 2]");
    expect(() => stringifyTree({ a: odd })).toThrow(/\.a: .*cannot be serialized/);
  });

  test("is refused by the writers with its path (the document has no place for it)", () => {
    expect(() => stringifyTree({ layers: [{ b: batch(1) }] })).toThrow(/\.layers\[0\]\.b: .*Batch/);
    expect(treeCodec().is({ b: batch(1) })).toBe(false);
  });
});

describe("a registered record without one of its children", () => {
  const registry = registerRecord(emptyRegistry, { tag: "Pair", children: ["x", "y"] });
  const T = withOptions({ registry });

  test("has an empty child there, and comes back without the field (never with `y: undefined`)", () => {
    const partial = { _tag: "Pair", x: 1, label: "p" };
    const tree = { layers: [{ w: 2 }, partial] };
    expect(T.treeFlatten(tree)[1].toString()).toBe(
      'TreeDef({ layers: [{ w: * }, Pair(x=*, y=undefined, label="p")] })',
    );
    const checks: [string, unknown][] = [
      ["treeMap", T.treeMap((v: number) => v * 10, tree)],
      ["treeUnflatten", treeUnflatten(T.treeFlatten(tree)[1], [20, 10])],
      ["treeMapN", T.treeMapN((a: number, b: number) => a + b, [tree, tree])],
    ];
    for (const [name, out] of checks) {
      const rebuilt = (out as typeof tree).layers[1] as Record<string, unknown>;
      expect([name, Object.keys(rebuilt)]).toEqual([name, ["_tag", "x", "label"]]);
    }
    // A field that is there with `undefined` stays there.
    const explicit = T.treeMap((v: number) => v, { _tag: "Pair", x: 1, y: undefined });
    expect(Object.keys(explicit)).toEqual(["_tag", "x", "y"]);
    // With `noneIsLeaf`, a missing child is a leaf: a value given to it is set.
    const filled = treeMap((v: unknown) => (v === undefined ? 0 : v), partial, {
      registry,
      noneIsLeaf: true,
    });
    expect(filled).toEqual({ _tag: "Pair", x: 1, y: 0, label: "p" });
    expect(Object.keys(partial)).toEqual(["_tag", "x", "label"]);
  });
});

describe("a record's static fields are read as plain data only", () => {
  const registry = registerRecord(emptyRegistry, { tag: "Layer", children: ["w"] });
  const T = withOptions({ registry });

  test("a getter in a static value is never run, by printing or by comparing structures", () => {
    let ran = 0;
    const config = Object.defineProperty({ act: "relu" }, "size", { get: () => ++ran, enumerable: true });
    const a = { _tag: "Layer", w: 1, config };
    const b = { _tag: "Layer", w: 2, config: { ...{ act: "relu" } } };
    expect(T.treeStructure(a).toString()).toBe("TreeDef(Layer(w=*, config=<an object>))");
    expect(T.treeStructure(a).equals(T.treeStructure({ ...a, w: 3 }))).toBe(true); // the same value
    expect(T.treeStructure(a).equals(T.treeStructure(b))).toBe(false); // compared by identity
    expect(() => T.treeMapN((x: number, y: number) => x + y, [a, b])).toThrow(/config=<an object>/);
    expect(ran).toBe(0);
  });

  test("a cyclic static value is compared by identity, never followed forever", () => {
    const cyclic = (): Record<string, unknown> => {
      const c: Record<string, unknown> = { name: "c" };
      c.self = c;
      return c;
    };
    const a = { _tag: "Layer", w: 1, config: cyclic() };
    const b = { _tag: "Layer", w: 2, config: cyclic() };
    expect(T.treeStructure(a).equals(T.treeStructure(b))).toBe(false);
    expect(T.treeStructure(a).toString()).toBe("TreeDef(Layer(w=*, config=<an object>))");
    expect(T.treeMapN((x: number, y: number) => x + y, [a, { ...a, w: 5 }])).toEqual({ ...a, w: 6 });
  });

  test("plain static values are still compared and printed by value", () => {
    const a = { _tag: "Layer", w: 1, config: { sizes: [2, 3], act: "relu" } };
    const b = { _tag: "Layer", w: 2, config: { act: "relu", sizes: [2, 3] } };
    expect(T.treeStructure(a).equals(T.treeStructure(b))).toBe(true);
    expect(T.treeStructure(a).toString()).toBe('TreeDef(Layer(w=*, config={"sizes":[2,3],"act":"relu"}))');
  });
});

describe("static values and aux compared part by part", () => {
  class Masked {
    constructor(
      readonly w: unknown,
      readonly mask: Uint8Array,
    ) {}
  }
  const registry = registerNodeType(defaultRegistry, {
    name: "Masked",
    type: Masked,
    // A fresh aux on every flatten, holding a typed array: compared part by part, the typed
    // array by identity.
    flatten: (m: Masked) => ({ keys: ["w"], children: [m.w], aux: { mask: m.mask, kind: "m" } }),
    unflatten: (aux, [w]) => new Masked(w, (aux as { mask: Uint8Array }).mask),
  });

  test("a node type's fresh aux holding a typed array: the same tree has the same structure", () => {
    const t = new Masked(1, new Uint8Array(2));
    expect(treeStructure(t, { registry }).equals(treeStructure(t, { registry }))).toBe(true);
    expect(
      treeStructure(t, { registry }).equals(treeStructure(new Masked(2, new Uint8Array(2)), { registry })),
    ).toBe(false);
  });

  test("records whose static config holds one class instance, in two copies of the config, match", () => {
    class HeNormal {}
    const init = new HeNormal();
    const registry2 = registerRecord(emptyRegistry, { tag: "L", children: ["w"] });
    const a = { _tag: "L", w: 1, cfg: { init, sizes: [2, 3] } };
    const b = { _tag: "L", w: 2, cfg: { init, sizes: [2, 3] } };
    expect(treeMapN((x: number, y: number) => x + y, [a, b], { registry: registry2 })).toEqual({
      ...a,
      w: 3,
    });
    const other = { _tag: "L", w: 2, cfg: { init: new HeNormal(), sizes: [2, 3] } };
    expect(() => treeMapN((x: number, y: number) => x + y, [a, other], { registry: registry2 })).toThrow();
  });
});

describe("treeAt through a node type whose unflatten checks its input", () => {
  class Positive {
    constructor(readonly value: number) {
      if (!(value > 0)) throw new RangeError(`not positive: ${String(value)}`);
    }
  }
  const registry = registerNodeType(defaultRegistry, {
    name: "Positive",
    type: Positive,
    flatten: (p: Positive) => ({ keys: ["value"], children: [p.value] }),
    unflatten: (_aux, [value]) => new Positive(value as number),
  });

  test("names the node and says why its input looked odd (stand-ins)", () => {
    const tree = { layers: [{ w: new Positive(1) }] };
    let error: unknown;
    try {
      treeAt((t: typeof tree) => t.layers[0]!.w, tree, new Positive(5), { registry });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(
      /^the node at \.layers\[0\]\.w: the Positive node type's unflatten failed: not positive: .*stand-ins/,
    );
    expect((error as Error).cause).toBeInstanceOf(RangeError);
  });
});

describe("a Proxy of a plain object", () => {
  test("is walked without asking its isExtensible trap", () => {
    let asked = 0;
    const proxy = new Proxy(
      { a: 1, b: [2] },
      {
        isExtensible() {
          asked++;
          throw new Error("the trap was asked");
        },
      },
    );
    expect(treeLeaves({ p: proxy })).toEqual([1, 2]);
    expect(treeLeaves({ p: proxy })).toEqual([1, 2]);
    expect(asked).toBe(0);
  });
});

describe("displays never run user code on bad nodes", () => {
  test("treeFormat shows a node type whose flatten fails as refused, naming why", () => {
    class Vec extends Array<number> {}
    const bad = registerNodeType(defaultRegistry, {
      name: "Vec",
      type: Vec,
      flatten: () => {
        throw new Error("flatten boom");
      },
      unflatten: () => new Vec(),
    });
    const text = treeFormat({ a: [Vec.from([1])] }, { registry: bad });
    expect(text).toContain("<refused: the Vec node type's flatten failed: flatten boom>");
    const malformed = registerNodeType(defaultRegistry, {
      name: "Vec",
      type: Vec,
      flatten: () => ({}) as never,
      unflatten: () => new Vec(),
    });
    expect(treeFormat({ a: Vec.from([1]) }, { registry: malformed })).toContain(
      "<refused: the Vec node type's flatten did not return as many keys as children",
    );
  });

  test("a static value is printed without calling its toJSON, and values that differ print differently", () => {
    const registry = registerRecord(emptyRegistry, { tag: "R", children: ["w"] });
    let called = 0;
    const cfg = {
      toJSON() {
        called++;
        return "x";
      },
    };
    expect(treeStructure({ _tag: "R", w: 1, cfg }, { registry }).toString()).toBe(
      'TreeDef(R(w=*, cfg={"toJSON":toJSON}))',
    );
    expect(called).toBe(0);
    const text = (cfg: unknown): string => treeStructure({ _tag: "R", w: 1, cfg }, { registry }).toString();
    expect(text([NaN])).not.toBe(text([null]));
    expect(text({ a: undefined })).not.toBe(text({}));
    expect(text(1n)).not.toBe(text(1));
    expect(text([-0])).toBe("TreeDef(R(w=*, cfg=[-0]))");
    expect(text({ sizes: [2, 3], act: "relu" })).toBe('TreeDef(R(w=*, cfg={"sizes":[2,3],"act":"relu"}))');
    expect(() =>
      treeMapN(
        (a: number, b: number) => a + b,
        [
          { _tag: "R", w: 1, cfg: [NaN] },
          { _tag: "R", w: 2, cfg: [null] },
        ],
        {
          registry,
        },
      ),
    ).toThrow(/cfg=\[NaN\].*cfg=\[null\]/);
  });
});
