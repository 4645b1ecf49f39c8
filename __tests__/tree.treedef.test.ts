import {
  Parameterize,
  partition,
  registerWrapper,
  treeDifference,
  treeFlatten,
  treeStructure,
  treeUnflatten,
} from "../src";
import { emptyRegistry } from "../src/advanced";

describe("TreeDef", () => {
  test("numNodes counts every node as JAX does: internal, leaves and empty null nodes", () => {
    expect(treeStructure({ a: 1, b: null }).numNodes).toBe(3);
    expect(treeStructure({ a: 1, b: null }).numLeaves).toBe(1);
    expect(treeStructure(1).numNodes).toBe(1);
    expect(treeStructure(null).numNodes).toBe(1);
    expect(treeStructure(null).numLeaves).toBe(0);
    expect(treeStructure([]).numNodes).toBe(1);
    // jax: tree_structure([1, (2, None), {}]).num_nodes == 6
    expect(treeStructure([1, [2, null], {}]).numNodes).toBe(6);
    expect(treeStructure({ a: 1, b: null }, { noneIsLeaf: true }).numLeaves).toBe(2);
    expect(treeStructure({ a: 1, b: null }, { noneIsLeaf: true }).numNodes).toBe(3);
  });

  test("toString shows keys, one * per leaf, null/undefined, arrays", () => {
    expect(treeStructure({ w: [1, 2], b: null }).toString()).toBe("TreeDef({ b: null, w: [*, *] })");
    expect(treeStructure({ "odd key": 1, u: undefined }).toString()).toBe(
      'TreeDef({ "odd key": *, u: undefined })',
    );
    expect(treeStructure(3).toString()).toBe("TreeDef(*)");
    expect(treeStructure({}).toString()).toBe("TreeDef({})");
    expect(treeStructure([[], {}]).toString()).toBe("TreeDef([[], {}])");
  });

  test("toString shows records by tag, children then static fields", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "Pair",
      children: ["x"],
      unwrap: (n: any) => n.x,
    });
    const def = treeStructure({ _tag: "Pair", x: [1], name: "p", fn: Math.exp }, { registry });
    expect(def.toString()).toBe('TreeDef(Pair(x=[*], fn=exp, name="p"))');
  });

  test("toString(maxLength) cuts long renderings", () => {
    const def = treeStructure(Array.from({ length: 100 }, () => 0));
    const s = def.toString(30);
    expect(s.length).toBe(30);
    expect(s.endsWith("...)")).toBe(true);
  });

  test("equals ignores key insertion order, and is symmetric", () => {
    const a = treeStructure({ a: 1, b: [2, null] });
    const b = treeStructure({ b: [0, null], a: "x" });
    expect(a.equals(b)).toBe(true);
    expect(b.equals(a)).toBe(true);
  });

  test("equals tells apart kinds, lengths, keys, null vs undefined, none-as-leaf", () => {
    const base = treeStructure({ a: [1, 2] });
    expect(base.equals(treeStructure({ a: [1, 2, 3] }))).toBe(false);
    expect(base.equals(treeStructure({ b: [1, 2] }))).toBe(false);
    expect(base.equals(treeStructure({ a: { 0: 1, 1: 2 } }))).toBe(false);
    expect(base.equals(treeStructure({ a: 1 }))).toBe(false);
    expect(treeStructure([null]).equals(treeStructure([undefined]))).toBe(false);
    expect(treeStructure([null]).equals(treeStructure([null], { noneIsLeaf: true }))).toBe(false);
    // Same node count, different shape.
    expect(treeStructure([[1], 2]).equals(treeStructure([1, [2]]))).toBe(false);
  });

  test("unflatten builds new trees of the structure; paths() in leaf order", () => {
    const [, def] = treeFlatten({ y: [0, 0], x: 0 });
    expect(def.unflatten(["a", "b", "c"])).toEqual({ x: "a", y: ["b", "c"] });
    expect(def.paths()).toEqual([["x"], ["y", 0], ["y", 1]]);
  });

  test("a TreeDef is immutable", () => {
    const def = treeStructure([1]);
    expect(Object.isFrozen(def)).toBe(true);
  });

  describe("at depth 100,000", () => {
    const depth = 100_000;
    // { value, next } cells; the leaf order (sorted keys) is the deepest value first.
    const list = (n: number): unknown => {
      let cell: unknown = null;
      for (let i = 0; i < n; i++) cell = { value: i, next: cell };
      return cell;
    };
    // The first 76 characters of the list's rendering, then "...)".
    const listHead = `${`TreeDef(${"{ next: ".repeat(12)}`.slice(0, 76)}...)`;

    test("unflatten with too few leaves names the first leaf without a value and the count", () => {
      const [leaves, def] = treeFlatten(list(depth));
      expect(() => treeUnflatten(def, leaves.slice(1))).toThrow(
        new Error(
          `treeUnflatten: the structure ${listHead} has ${depth} leaves, got ${depth - 1}; ` +
            "the first leaf without a value is at .value",
        ),
      );
      // Here the missing leaf is the deepest one: its path is shortened in the middle.
      const deepest = `${".next".repeat(20)}…(${depth - 40} keys)…${".next".repeat(19)}.value`;
      expect(() => treeUnflatten(def, [])).toThrow(
        new Error(
          `treeUnflatten: the structure ${listHead} has ${depth} leaves, got 0; ` +
            `the first leaf without a value is at ${deepest}`,
        ),
      );
    }, 30_000);

    test("unflatten with too many leaves gives the count", () => {
      const [leaves, def] = treeFlatten(list(depth));
      expect(() => treeUnflatten(def, [...leaves, 0])).toThrow(
        new Error(`treeUnflatten: the structure ${listHead} has ${depth} leaves, got ${depth + 1}`),
      );
    }, 30_000);

    test("toString of chains of two-child nodes and of records", () => {
      let pairs: unknown = 0;
      for (let i = 0; i < depth; i++) pairs = { a: pairs, b: 1 };
      const pairsText = `TreeDef(${"{ a: ".repeat(depth)}*${", b: * }".repeat(depth)})`;
      expect(treeStructure(pairs).toString()).toBe(pairsText);
      expect(treeStructure(pairs).toString(80)).toBe(`${pairsText.slice(0, 76)}...)`);

      let wrapped: unknown = 0;
      for (let i = 0; i < depth; i++) wrapped = Parameterize(Math.exp, wrapped as number);
      expect(treeStructure(wrapped).toString()).toBe(
        `TreeDef(${"Parameterize(args=[".repeat(depth)}*${"], fn=exp)".repeat(depth)})`,
      );
    }, 30_000);
  });

  test("toString(maxLength) is the full rendering cut at maxLength", () => {
    const registry = registerWrapper(emptyRegistry, {
      tag: "Pair",
      children: ["x", "y"],
      unwrap: (n: any) => n.x,
    });
    let tree: unknown = [1, null];
    for (let i = 0; i < 300; i++) {
      tree =
        i % 3 === 0
          ? { _tag: "Pair", x: tree, y: [i, {}], name: "p", fn: Math.exp }
          : { "odd key": [tree, undefined], k: { _tag: "Pair", x: [], y: i } };
    }
    const def = treeStructure(tree, { registry });
    const full = def.toString();
    const cut = (n: number): string => (full.length > n ? `${full.slice(0, n - 4)}...)` : full);
    const limits = [
      0,
      3,
      4,
      5,
      8,
      9,
      10,
      11,
      12,
      13,
      80,
      81,
      500,
      4321,
      full.length - 1,
      full.length,
      full.length + 1,
    ];
    for (const n of limits) expect(def.toString(n)).toBe(cut(n));
    expect(def.toString(Infinity)).toBe(full);
  });
});

describe("leafPath: one leaf's path without the others' (error messages on deep trees)", () => {
  test("agrees with paths() for every leaf, and is [] past the last", () => {
    const tree = { z: [1, { y: 2, x: [3, null] }], a: 4, r: Parameterize(Math.exp, 5) };
    const def = treeStructure(tree);
    const all = def.paths();
    all.forEach((p, i) => expect(def.leafPath(i)).toEqual(p));
    expect(def.leafPath(all.length)).toEqual([]);
  });

  test("treeDifference and partition name the leaf at the bottom of a 100,000-deep chain", () => {
    const depth = 100_000;
    const chain = (leaf: unknown): unknown => {
      let t: unknown = leaf;
      for (let i = 0; i < depth; i++) t = { n: t, k: 0 };
      return t;
    };
    const difference = treeDifference(chain(1), chain(2));
    expect(difference?.path.length).toBe(depth);
    expect(difference?.path[depth - 1]).toBe("n");
    expect(() => partition(chain(1), () => "yes" as never)).toThrow(/the leaf at \.k/);
  }, 30_000);
});
