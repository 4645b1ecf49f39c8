/**
 * Custom node types (optree's `register_pytree_node`): a class or `Map` registered in the same
 * registry value, walked by the same engine as arrays, objects and wrappers.
 */
import {
  Parameterize,
  treeEqual,
  defaultRegistry,
  mapNodeType,
  registerNodeType,
  treeFlatten,
  treeFlattenWithPath,
  treeFormat,
  treeLeaves,
  treeMap,
  treeMapN,
  treeStructure,
  unwrap,
  withOptions,
} from "../src";

class Point {
  constructor(
    readonly x: unknown,
    readonly y: unknown,
  ) {}
}

const registry = registerNodeType(registerNodeType(defaultRegistry, mapNodeType), {
  name: "Point",
  type: Point,
  flatten: (p: Point) => ({ keys: ["x", "y"], children: [p.x, p.y] }),
  unflatten: (_aux, [x, y]) => new Point(x, y),
});
const T = withOptions({ registry });

describe("registered classes", () => {
  test("are nodes: leaves, paths, rebuild as instances", () => {
    const tree = { a: new Point(1, [2, 3]) };
    expect(T.treeLeaves(tree)).toEqual([1, 2, 3]);
    expect(T.treeFlattenWithPath(tree)[0].map(([p]) => p)).toEqual([
      ["a", "x"],
      ["a", "y", 0],
      ["a", "y", 1],
    ]);
    const doubled = T.treeMap((v: number) => v * 2, tree);
    expect(doubled.a).toBeInstanceOf(Point);
    expect(doubled.a).toEqual(new Point(2, [4, 6]));
    expect(T.treeStructure(tree).toString()).toBe('TreeDef({ a: Point("x": *, "y": [*, *]) })');
  });

  test("without the registration they are leaves, as every class instance", () => {
    const p = new Point(1, 2);
    expect(treeLeaves({ p })).toEqual([p]);
  });

  test("treeMapN checks their structure; unwrap goes through them", () => {
    expect(T.treeMapN((a: number, b: number) => a + b, [new Point(1, 2), new Point(10, 20)])).toEqual(
      new Point(11, 22),
    );
    expect(() => T.treeMapN((a: number) => a, [new Point(1, 2), { x: 1, y: 2 }])).toThrow(
      /tree 0 has a Point with keys \["x", "y"\] but tree 1 has an object with keys/,
    );
    const square = (v: number) => v * v;
    expect(T.unwrap(new Point(Parameterize(square, 3), 1))).toEqual(new Point(9, 1));
    expect(unwrap(new Point(1, 2), { registry })).toEqual(new Point(1, 2));
    expect(treeMapN((a: number) => -a, [new Point(1, 2)], { registry })).toEqual(new Point(-1, -2));
  });
});

describe("Map as a node type", () => {
  test("entries are children, ordered by key whatever the insertion order", () => {
    const m = new Map<string, unknown>([
      ["b", 2],
      ["a", [1]],
    ]);
    expect(T.treeLeaves(m)).toEqual([1, 2]);
    const [, def] = T.treeFlatten(m);
    expect(
      def.equals(
        T.treeStructure(
          new Map<string, unknown>([
            ["a", [0]],
            ["b", 0],
          ]),
        ),
      ),
    ).toBe(true);
    const out = T.treeMap((v: number) => v + 1, m) as unknown as Map<string, unknown>;
    expect(out).toBeInstanceOf(Map);
    expect(out.get("a")).toEqual([2]);
    expect(out.get("b")).toBe(3);
    expect(treeFlatten(m)[0]).toEqual([m]); // not registered by default: a leaf
    expect(treeFlattenWithPath(m, { registry })[0].map(([p]) => p)).toEqual([["a", 0], ["b"]]);
    expect(treeStructure(m, { registry }).numLeaves).toBe(2);
    expect(treeMap((v: number) => v, m, { registry })).toEqual(m);
  });

  test("registering twice, or Object/Array, is refused", () => {
    expect(() => registerNodeType(registry, mapNodeType)).toThrow(/already registered/);
    expect(() =>
      registerNodeType(defaultRegistry, {
        name: "Obj",
        type: Object,
        flatten: () => ({ keys: [], children: [] }),
        unflatten: () => ({}),
      }),
    ).toThrow(/always nodes/);
  });
});

describe("node types: equality, messages and errors", () => {
  test("a Map keyed by NaN (or -0) is the same structure as itself (keys compared with Object.is)", () => {
    const m = { m: new Map<number, unknown>([[NaN, 1]]) };
    expect(treeEqual(m, m, { registry })).toBe(true);
    expect(T.treeStructure(m).equals(T.treeStructure(m))).toBe(true);
    const summed = T.treeMapN((a: number, b: number) => a + b, [m, m]) as unknown as {
      m: Map<number, number>;
    };
    expect(summed.m.get(NaN)).toBe(2);
    const zero = new Map<number, unknown>([[0, 1]]);
    expect(T.treeStructure(new Map([[-0, 1]])).equals(T.treeStructure(zero))).toBe(true); // a Map's -0 key is 0
  });

  test("two nodes of one type that differ are told apart by their keys and aux in the message", () => {
    expect(() =>
      T.treeMapN((a: unknown) => a, [{ m: new Map([["a", 1]]) }, { m: new Map([["b", 1]]) }]),
    ).toThrow('at .m, tree 0 has a Map with keys ["a"] but tree 1 has a Map with keys ["b"]');
    class Scaled {
      constructor(
        readonly v: unknown,
        readonly unit: string,
      ) {}
    }
    const withAux = registerNodeType(registry, {
      name: "Scaled",
      type: Scaled,
      flatten: (s: Scaled) => ({ keys: ["v"], children: [s.v], aux: { unit: s.unit } }),
      unflatten: (aux, [v]) => new Scaled(v, (aux as { unit: string }).unit),
    });
    expect(() =>
      treeMapN((a: unknown) => a, [new Scaled(1, "m"), new Scaled(1, "s")], { registry: withAux }),
    ).toThrow(
      'tree 0 has a Scaled with keys ["v"] and aux {"unit":"m"} but tree 1 has a Scaled with keys ["v"] and aux {"unit":"s"}',
    );
  });

  test("a node type whose flatten throws, or returns keys and children that do not pair, is named with its path", () => {
    const symbolKeyed = { a: [new Map<unknown, unknown>([[Symbol("s"), 1]])] };
    expect(() => T.treeLeaves(symbolKeyed)).toThrow(
      /^the node at \.a\[0\]: the Map node type's flatten failed: /,
    );
    class Broken {}
    const broken = (flatten: () => never | { keys: unknown[]; children: unknown[] }) =>
      registerNodeType(defaultRegistry, {
        name: "Broken",
        type: Broken,
        flatten: flatten as never,
        unflatten: () => new Broken(),
      });
    const boom = new Error("boom");
    let error: unknown;
    try {
      treeLeaves(
        { x: { y: new Broken() } },
        {
          registry: broken(() => {
            throw boom;
          }),
        },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("the node at .x.y: the Broken node type's flatten failed: boom");
    expect((error as Error).cause).toBe(boom);
    expect(() =>
      treeLeaves([new Broken()], { registry: broken(() => ({ keys: ["a"], children: [] })) }),
    ).toThrow(
      "the node at [0]: the Broken node type's flatten did not return as many keys as children (an array of each)",
    );
  });
});

describe("a node type whose unflatten throws", () => {
  class Positive {
    constructor(readonly value: number) {
      if (!(value > 0)) throw new RangeError(`not positive: ${value}`);
    }
  }
  const boom = new RangeError("not positive: -1");
  const strict = registerNodeType(defaultRegistry, {
    name: "Positive",
    type: Positive,
    flatten: (p: Positive) => ({ keys: ["value"], children: [p.value] }),
    unflatten: (_aux, [value]) => {
      if (value === -1) throw boom;
      return new Positive(value as number);
    },
  });
  const P = withOptions({ registry: strict });
  const tree = { layers: [{ w: new Positive(1) }, { w: new Positive(2) }] };
  const caught = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error("did not throw");
  };

  test("is named with the node's path, the error as its cause, by every function that rebuilds", () => {
    const expected = "the node at .layers[1].w: the Positive node type's unflatten failed: not positive: -1";
    const [leaves, def] = P.treeFlatten(tree);
    expect(leaves).toEqual([1, 2]);
    for (const error of [
      caught(() => P.treeMap((x: number) => (x === 2 ? -1 : x), tree)),
      caught(() => def.unflatten([1, -1])),
      caught(() => P.treeMapN((x: number) => (x === 2 ? -1 : x), [tree])),
    ]) {
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(expected);
      expect(error.cause).toBe(boom);
    }
    const first = caught(() => def.unflatten([-1, 2]));
    expect(first.message).toBe(
      "the node at .layers[0].w: the Positive node type's unflatten failed: not positive: -1",
    );
    // The tree is untouched, and a valid rebuild still works.
    expect(P.treeMap((x: number) => x + 1, tree).layers[1]?.w).toEqual(new Positive(3));
  });
});

describe("a node type read through one checked reader", () => {
  class Odd {}
  test("a flatten that returns nothing is named with its path, by the walk and by treeFormat alike", () => {
    const registry = registerNodeType(defaultRegistry, {
      name: "Odd",
      type: Odd,
      flatten: (() => undefined) as never,
      unflatten: () => new Odd(),
    });
    const message =
      "the node at .a: the Odd node type's flatten did not return as many keys as children (an array of each)";
    expect(() => treeLeaves({ a: new Odd() }, { registry })).toThrow(message);
    expect(treeFormat({ a: new Odd() }, { registry })).toContain(
      "<refused: the Odd node type's flatten did not return as many keys as children",
    );
  });

  test("an aux shown in a mismatch message is read as plain data (its toJSON is never called)", () => {
    let called = 0;
    const aux = (unit: string) => ({
      unit,
      toJSON() {
        called++;
        return "x";
      },
    });
    const registry = registerNodeType(defaultRegistry, {
      name: "Odd",
      type: Odd,
      flatten: (o: Odd & { unit?: string }) => ({ keys: [], children: [], aux: aux(o.unit ?? "") }),
      unflatten: () => new Odd(),
    });
    const a = Object.assign(new Odd(), { unit: "m" });
    const b = Object.assign(new Odd(), { unit: "s" });
    expect(() => treeMapN(() => 0, [a, b], { registry })).toThrow(/aux \{"unit":"m","toJSON":toJSON\}/);
    expect(called).toBe(0);
  });
});
