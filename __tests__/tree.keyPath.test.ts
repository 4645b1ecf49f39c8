import { keystr, treeFlattenWithPath, treeStructure } from "../src";
import { describePath } from "../src/advanced";

describe("keystr", () => {
  test("reads as a JavaScript accessor by default", () => {
    expect(keystr(["layers", 0, "weight"])).toBe(".layers[0].weight");
    expect(keystr([])).toBe("");
    expect(keystr([3, 1])).toBe("[3][1]");
    expect(keystr(["$x", "_y1"])).toBe(".$x._y1");
  });

  test("quotes keys that are not identifiers", () => {
    expect(keystr(["odd key", 1])).toBe('["odd key"][1]');
    expect(keystr(["0"])).toBe('["0"]'); // a string key "0" is not the index 0
    expect(keystr(["a.b"])).toBe('["a.b"]');
    expect(keystr([""])).toBe('[""]');
    expect(keystr(['q"uote'])).toBe('["q\\"uote"]');
    expect(keystr(["__proto__"])).toBe(".__proto__");
  });

  test("with a separator: keys joined plainly (tfjs weight names)", () => {
    expect(keystr(["layers", 0, "weight"], { separator: "/" })).toBe("layers/0/weight");
    expect(keystr([], { separator: "/" })).toBe("");
    expect(keystr(["odd key", 1], { separator: "." })).toBe("odd key.1");
  });

  test("describePath names the root", () => {
    expect(describePath([])).toBe("<root>");
    expect(describePath(["a", 0])).toBe(".a[0]");
  });

  test("describePath keeps a message readable: a long path shows its ends, a long key its start and end", () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `k${i}`);
    expect(describePath(fifty)).toBe(keystr(fifty)); // up to 50 keys: whole
    const long = Array.from({ length: 100_000 }, (_, i) => (i % 2 === 0 ? "a" : i));
    const text = describePath(long);
    expect(text).toBe(`${keystr(long.slice(0, 20))}…(99960 keys)…${keystr(long.slice(-20))}`);
    expect(text.length).toBeLessThan(200);
    expect(describePath(["w", "y".repeat(120)])).toBe(`.w.${"y".repeat(120)}`); // 120 characters: whole
    expect(describePath(["w", `${"a".repeat(60)}${"y".repeat(21)}${"b".repeat(40)}`, 0])).toBe(
      `.w["${"a".repeat(60)}"…(21 characters)…"${"b".repeat(40)}"][0]`,
    );
    const quotes = describePath(['"'.repeat(1_000_000)]);
    expect(quotes).toBe(`["${'\\"'.repeat(60)}"…(999900 characters)…"${'\\"'.repeat(40)}"]`);
  });
});

describe("paths of real trees", () => {
  test("paths from flatten render in leaf order", () => {
    const [pairs] = treeFlattenWithPath({ "odd key": [1], b: { c: 2 } });
    expect(pairs.map(([p]) => keystr(p))).toEqual([".b.c", '["odd key"][0]']);
    expect(pairs.map(([p]) => keystr(p, { separator: "/" }))).toEqual(["b/c", "odd key/0"]);
  });

  test("TreeDef.paths agrees with treeFlattenWithPath", () => {
    const tree = { z: [1, { y: 2, x: [3, null] }], a: 4 };
    const [pairs] = treeFlattenWithPath(tree);
    expect(treeStructure(tree).paths()).toEqual(pairs.map(([p]) => p));
  });
});
