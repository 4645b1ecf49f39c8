import * as E from "fp-ts/Either";
import { promises as fsp } from "fs";
import * as t from "io-ts";
import * as os from "os";
import * as path from "path";
import { formatDecodeErrors, saveTree, treeCodec, TreeEncodeError } from "../src/index.node";
import { defaultMaxEncodeNodes, encodeTree, errorPath, formatEncodeProblems } from "../src/advanced.node";
import { documentType, treeRootType } from "../src/codec/errors";

const entry = (key: string, actual: unknown, type: t.Decoder<any, any> = t.unknown): t.ContextEntry => ({
  key,
  type,
  actual,
});

test("paths under the tree root read as key paths; array parents give [i]", () => {
  const shape = [2, -1];
  const layers = [{ weight: { shape } }];
  const context: t.Context = [
    entry("", {}, documentType),
    entry("tree", { layers }, treeRootType),
    entry("layers", layers),
    entry("0", layers[0]),
    entry("weight", layers[0]!.weight),
    entry("shape", shape),
    entry("1", -1),
  ];
  const error: t.ValidationError = { value: -1, context, message: "bad dim" };
  expect(errorPath(error)).toBe(".layers[0].weight.shape[1]");
  expect(formatDecodeErrors([error])).toEqual([".layers[0].weight.shape[1]: bad dim"]);
});

test("an object key that looks like a number is not rendered as an index", () => {
  const obj = { "0": 1 };
  const context: t.Context = [entry("", {}, documentType), entry("tree", obj, treeRootType), entry("0", 1)];
  expect(errorPath({ value: 1, context })).toBe('["0"]');
});

test("the tree root and document fields", () => {
  expect(
    errorPath({ value: 1, context: [entry("", {}, documentType), entry("tree", 1, treeRootType)] }),
  ).toBe("<root>");
  expect(errorPath({ value: "9.0", context: [entry("", {}, documentType), entry("version", "9.0")] })).toBe(
    "document.version",
  );
  expect(errorPath({ value: 1, context: [entry("", {}, documentType)] })).toBe("document");
});

test("errors from other io-ts codecs get a PathReporter-like line", () => {
  const r = t.type({ a: t.number }).decode({ a: "x" });
  expect(r._tag).toBe("Left");
  if (r._tag === "Left")
    expect(formatDecodeErrors(r.left)).toEqual(['.a: invalid value "x" supplied to number']);
});

test("encode problems and TreeEncodeError", () => {
  const problems = [
    { path: ["layers", 0, "fn"], message: "not in the table" },
    { path: [], message: "root problem" },
  ];
  expect(formatEncodeProblems(problems)).toEqual([".layers[0].fn: not in the table", "<root>: root problem"]);
  const e = new TreeEncodeError(problems);
  expect(e.name).toBe("TreeEncodeError");
  expect(e.message).toBe("cannot serialize the tree:\n.layers[0].fn: not in the table\n<root>: root problem");
});

describe("a limit on the nodes encoded", () => {
  /**
   * A tree without end: a proxy whose `next` reads as an ordinary enumerable data property (a
   * getter is refused by the node rules before it is run) and gives a new such proxy each time.
   */
  const endless = (): object =>
    new Proxy(
      {},
      {
        ownKeys: () => ["next"],
        getOwnPropertyDescriptor: () => ({
          value: endless(),
          enumerable: true,
          configurable: true,
          writable: true,
        }),
        get: (_target, key) => (key === "next" ? endless() : undefined),
      },
    );

  test("a getter is refused before it is run; an endless tree stops with a TreeEncodeError naming the path (small limit)", () => {
    let calls = 0;
    const getter = {
      get next(): object {
        calls++;
        return {};
      },
    };
    expect(() => treeCodec().encode({ model: getter })).toThrow(
      'cannot serialize the tree:\n.model: the node has an accessor property "next" (a getter or setter); ' +
        "trees hold own enumerable data properties only",
    );
    expect(calls).toBe(0);
    const run = () => treeCodec({ maxNodes: 5 }).encode({ model: endless() });
    expect(run).toThrow(TreeEncodeError);
    expect(run).toThrow(
      "cannot serialize the tree:\n.model.next.next.next.next: the tree has more than 5 nodes (is there a getter " +
        "that returns a new object each time?); pass a larger maxNodes if the tree really is this big",
    );
  });

  test("with the default limit, encodeTree and saveTree stop too (no running out of memory)", async () => {
    const r = encodeTree({ m: endless() });
    expect(E.isLeft(r) && r.left.length === 1 && r.left[0]!.path.length).toBe(defaultMaxEncodeNodes);
    expect(E.isLeft(r) && r.left[0]!.message).toBe(
      `the tree has more than ${defaultMaxEncodeNodes} nodes (is there a getter that returns a new object ` +
        "each time?); pass a larger maxNodes if the tree really is this big",
    );
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "paramtree-maxnodes-"));
    try {
      await expect(saveTree(path.join(dir, "m.json"), { m: endless() }, { maxNodes: 1000 })).rejects.toThrow(
        TreeEncodeError,
      );
      expect(await fsp.readdir(dir)).toEqual([]);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test("a tree of exactly maxNodes nodes encodes; one more does not", () => {
    const tree = [1, 2, 3]; // 4 nodes: the array and its 3 leaves
    expect(treeCodec({ maxNodes: 4 }).encode(tree).tree).toEqual([1, 2, 3]);
    expect(() => treeCodec({ maxNodes: 3 }).encode(tree)).toThrow("[2]: the tree has more than 3 nodes");
    expect(() => treeCodec({ maxNodes: 0 })).toThrow("treeCodec: maxNodes must be a positive integer, got 0");
  });
});
