import { isUnwrappable, registerWrapper, treeFlatten, treeLeaves, treeMap, type WrapperSpec } from "../src";
import { emptyRegistry, lookupSpec } from "../src/advanced";

const pair: WrapperSpec = { tag: "Pair", children: ["x", "y"], unwrap: (n: any) => [n.x, n.y] };

describe("registerWrapper", () => {
  test("returns a new registry and leaves the old one unchanged", () => {
    const registry = registerWrapper(emptyRegistry, pair);
    expect(registry).not.toBe(emptyRegistry);
    expect(registry.specs.has("Pair")).toBe(true);
    expect(emptyRegistry.specs.has("Pair")).toBe(false);
    expect(Object.isFrozen(registry)).toBe(true);
  });

  test("a registered spec is a frozen copy: later edits of the input do not leak in", () => {
    const children = ["x"];
    const registry = registerWrapper(emptyRegistry, { tag: "One", children, unwrap: (n: any) => n.x });
    children.push("y");
    expect(registry.specs.get("One")?.children).toEqual(["x"]);
    expect(Object.isFrozen(registry.specs.get("One")?.children)).toBe(true);
  });

  test("registering a tag twice throws, naming the tag", () => {
    const registry = registerWrapper(emptyRegistry, pair);
    expect(() => registerWrapper(registry, pair)).toThrow(/"Pair" is already registered/);
  });

  test("malformed specs are rejected", () => {
    expect(() => registerWrapper(emptyRegistry, { ...pair, tag: "" })).toThrow(/non-empty string/);
    expect(() => registerWrapper(emptyRegistry, { ...pair, children: ["x", "x"] })).toThrow(/distinct/);
    expect(() => registerWrapper(emptyRegistry, { ...pair, children: ["_tag"] })).toThrow(/distinct/);
    expect(() => registerWrapper(emptyRegistry, { ...pair, children: [1 as unknown as string] })).toThrow(
      /array of field names/,
    );
    expect(() => registerWrapper(emptyRegistry, { ...pair, unwrap: 3 as unknown as () => unknown })).toThrow(
      /unwrap must be a function/,
    );
  });
});

describe("lookupSpec", () => {
  const registry = registerWrapper(emptyRegistry, pair);
  test("finds plain objects (and null-prototype objects) with a registered tag", () => {
    expect(lookupSpec(registry, { _tag: "Pair", x: 1, y: 2 })?.tag).toBe("Pair");
    const bare = Object.assign(Object.create(null), { _tag: "Pair", x: 1, y: 2 });
    expect(lookupSpec(registry, bare)?.tag).toBe("Pair");
  });
  test("ignores unknown tags, non-string tags, class instances and primitives", () => {
    expect(lookupSpec(registry, { _tag: "Other" })).toBeUndefined();
    expect(lookupSpec(registry, { _tag: 1 })).toBeUndefined();
    class Pairish {
      _tag = "Pair";
    }
    expect(lookupSpec(registry, new Pairish())).toBeUndefined();
    expect(lookupSpec(registry, "Pair")).toBeUndefined();
    expect(lookupSpec(registry, null)).toBeUndefined();
  });
});

describe("only an own enumerable _tag makes a record", () => {
  const registry = registerWrapper(emptyRegistry, pair);
  const hidden = Object.defineProperty({ x: 1, y: 2 }, "_tag", { value: "Pair", enumerable: false });
  const inherited = Object.assign(Object.create({ _tag: "Pair" }) as object, { x: 1, y: 2 });
  /** More keys than the shape cache holds per shape (64), so classification skips the cache. */
  const big = (tag: "own" | "hidden"): Record<string, unknown> => {
    const o: Record<string, unknown> = { x: 1, y: 2 };
    for (let i = 0; i < 70; i++) o[`k${i}`] = i;
    if (tag === "own") o._tag = "Pair";
    else Object.defineProperty(o, "_tag", { value: "Pair", enumerable: false });
    return o;
  };

  test("lookupSpec and the tree passes agree on hidden and inherited tags", () => {
    expect(lookupSpec(registry, hidden)).toBeUndefined();
    expect(lookupSpec(registry, inherited)).toBeUndefined(); // not a plain object either
    expect(lookupSpec(registry, big("hidden"))).toBeUndefined();
    expect(lookupSpec(registry, big("own"))).toBe(registry.specs.get("Pair"));
    // A hidden _tag is a non-enumerable property: the tree passes refuse it, naming where, rather
    // than read the object either as a record or with the field silently dropped (node rules).
    expect(() => treeLeaves({ a: [hidden] }, { registry })).toThrow(
      /^the node at \.a\[0\] has a non-enumerable property "_tag"/,
    );
    expect(() => treeLeaves(big("hidden"), { registry })).toThrow(/non-enumerable property "_tag"/);
    // As a record, only the declared children are.
    expect(treeLeaves(big("own"), { registry })).toEqual([1, 2]);
  });

  test("an accessor _tag is never run: lookupSpec and isUnwrappable see no tag, the passes refuse the node", () => {
    let calls = 0;
    const sneaky = Object.defineProperty({ x: 1, y: 2 }, "_tag", {
      get: () => {
        calls++;
        return "Pair";
      },
      enumerable: true,
    });
    expect(lookupSpec(registry, sneaky)).toBeUndefined();
    expect(isUnwrappable(sneaky, { registry })).toBe(false);
    expect(isUnwrappable(sneaky)).toBe(false);
    expect(() =>
      treeLeaves({ a: [sneaky] }, { registry, isLeaf: (x) => isUnwrappable(x, { registry }) }),
    ).toThrow(/^the node at \.a\[0\] has an accessor property "_tag"/);
    expect(calls).toBe(0);
  });

  test("a hidden _tag past the shape cache is refused too (it is never read as a record)", () => {
    expect(() => treeFlatten(big("hidden"), { registry })).toThrow(
      /^the node at <root> has a non-enumerable/,
    );
  });
});

describe("registered records in trees", () => {
  const registry = registerWrapper(emptyRegistry, pair);
  test("child fields are children (in declared order); other fields are static", () => {
    const node = { _tag: "Pair", y: 2, x: 1, label: "p" };
    expect(treeLeaves(node, { registry })).toEqual([1, 2]);
    // Without the registry it is a plain object: every field is a leaf, keys sorted.
    expect(treeLeaves(node, { registry: emptyRegistry })).toEqual(["Pair", "p", 1, 2]);
  });

  test("the registry is an option: two registries give two readings of one tree", () => {
    const other = registerWrapper(emptyRegistry, { tag: "Pair", children: ["y"], unwrap: (n: any) => n.y });
    const node = { _tag: "Pair", x: 1, y: 2 };
    expect(treeLeaves(node, { registry })).toEqual([1, 2]);
    expect(treeLeaves(node, { registry: other })).toEqual([2]);
  });

  test("a missing child field is an undefined (empty) child", () => {
    const [leaves, def] = treeFlatten({ _tag: "Pair", x: 1 }, { registry });
    expect(leaves).toEqual([1]);
    expect(def.toString()).toBe("TreeDef(Pair(x=*, y=undefined))");
    // ...which it does not gain when rebuilt.
    expect(def.unflatten([2])).toEqual({ _tag: "Pair", x: 2 });
    expect(Object.keys(def.unflatten([2]) as object)).toEqual(["_tag", "x"]);
  });

  test("treeMap rebuilds records with their static fields, frozen when the input was", () => {
    const frozen = Object.freeze({ _tag: "Pair", x: 1, y: 2, label: "p" });
    const out = treeMap((v: number) => v * 10, frozen, { registry });
    expect(out).toEqual({ _tag: "Pair", x: 10, y: 20, label: "p" });
    expect(Object.isFrozen(out)).toBe(true);
    const loose = treeMap((v: number) => v, { _tag: "Pair", x: 1, y: 2 }, { registry });
    expect(Object.isFrozen(loose)).toBe(false);
  });
});
