import { registerWrapper, treeFlatten, treeStructure } from "../src";
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
});
