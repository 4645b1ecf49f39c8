import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import { initBackend } from "../src";
import { treeCodec } from "../src";
import { formatTreeError, matchTreeError, type TreeError } from "../src";
import { checkLeaves, emptyRegistry, isDecodeErrors, isInvalidLeaves } from "../src/advanced";
import { unwrapEither } from "../src";
import { treeLeaves } from "../src";
import { invSoftplus } from "../src";
import { Parameterize } from "../src";
import { UnwrapError } from "../src";

beforeAll(async () => {
  await initBackend();
});

const disposeLeaves = (tree: unknown) =>
  tf.dispose(treeLeaves(tree).filter((x): x is tf.Tensor => x instanceof tf.Tensor));

describe("checkLeaves", () => {
  const finite = (x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? "not finite" : undefined);

  test("Right of the very same tree when every leaf passes", () => {
    const tree = { a: 1, b: [2, "x"] };
    const result = checkLeaves(finite)(tree);
    expect(E.isRight(result) && result.right).toBe(tree);
  });

  test("Left of every failing leaf, in leaf order, with key paths", () => {
    const result = checkLeaves(finite)({ z: NaN, a: [1, Infinity], m: { "odd key": -Infinity } });
    expect(result).toEqual(
      E.left({
        _tag: "InvalidLeaves",
        problems: [
          { path: ["a", 1], message: "not finite" },
          { path: ["m", "odd key"], message: "not finite" },
          { path: ["z"], message: "not finite" },
        ],
      }),
    );
    if (E.isLeft(result)) {
      expect(formatTreeError(result.left)).toBe(
        ["3 invalid leaves:", "  .a[1]: not finite", '  .m["odd key"]: not finite', "  .z: not finite"].join(
          "\n",
        ),
      );
    }
  });
});

describe("checkLeaves sees wrappers as nodes", () => {
  test("the default registry: a wrapper's tag and function are not leaves; an empty registry sees them", () => {
    const before = tf.memory().numTensors;
    const model = { scale: Parameterize(tf.exp, tf.scalar(0)), w: tf.ones([2]) };
    const onlyTensors = (x: unknown) => (x instanceof tf.Tensor ? undefined : "not a tensor");
    expect(checkLeaves(onlyTensors)(model)).toEqual(E.right(model));
    const raw = checkLeaves(onlyTensors, { registry: emptyRegistry })(model);
    expect(E.isLeft(raw) && raw.left.problems.map((p) => p.path)).toEqual([
      ["scale", "_tag"],
      ["scale", "fn"],
    ]);
    disposeLeaves(model);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("formatTreeError and matchTreeError", () => {
  test("an UnwrapError in one line with path, tag and cause", () => {
    const e = new UnwrapError(["layers", 0, "scale"], "Parameterize", new RangeError("negative input"));
    expect(formatTreeError(e)).toBe("unwrapping failed: Parameterize at .layers[0].scale: negative input");
    expect(isDecodeErrors(e)).toBe(false);
    expect(isInvalidLeaves(e)).toBe(false);
  });

  test("matchTreeError dispatches on each member", () => {
    const kind = matchTreeError({
      onDecode: (errors) => `decode:${errors.length}`,
      onUnwrap: (e) => `unwrap:${e.tag}`,
      onInvalidLeaves: (e) => `leaves:${e.problems.length}`,
    });
    const errors: TreeError[] = [
      [],
      new UnwrapError([], "NonTrainable", "x"),
      { _tag: "InvalidLeaves", problems: [{ path: [], message: "m" }] },
    ];
    expect(errors.map(kind)).toEqual(["decode:0", "unwrap:NonTrainable", "leaves:1"]);
  });
});

describe("decode -> unwrap in one pipe (E.flatMap widens the error to a TreeError)", () => {
  const codec = treeCodec();

  test("Right: the decoded Parameterize unwraps to softplus of the stored values", () => {
    const raw = tf.tensor1d([-1, 0, 2]);
    const json = JSON.parse(
      JSON.stringify(codec.encode({ scale: Parameterize(tf.softplus, raw), name: "m" })),
    );
    raw.dispose();
    const before = tf.memory().numTensors;
    const result: E.Either<TreeError, unknown> = pipe(codec.decode(json), E.flatMap(unwrapEither));
    expect(E.isRight(result)).toBe(true);
    if (E.isRight(result)) {
      const { scale, name } = result.right as { scale: tf.Tensor; name: string };
      expect(name).toBe("m");
      const expected = [-1, 0, 2].map((x) => Math.log1p(Math.exp(x)));
      Array.from(scale.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
      scale.dispose();
    }
    // the decoded raw tensor is the pipeline's to dispose: one tensor beyond the start
    expect(tf.memory().numTensors).toBe(before + 1);
  });

  test("Left from the decoder: a corrupted document is reported with key paths", () => {
    const w = tf.ones([2, 2]);
    const json = JSON.parse(JSON.stringify(codec.encode({ layers: [{ w }] })));
    w.dispose();
    json.tree.layers[0].w.shape = [2, -1];
    const before = tf.memory().numTensors;
    const result = pipe(codec.decode(json), E.flatMap(unwrapEither));
    expect(tf.memory().numTensors).toBe(before);
    expect(E.isLeft(result) && isDecodeErrors(result.left)).toBe(true);
    if (E.isLeft(result)) {
      const report = formatTreeError(result.left);
      expect(report.split("\n")[0]).toMatch(/^decoding failed \(\d+ problems?\):$/);
      expect(report).toMatch(/\.layers\[0\]\.w\.shape\[1\]/);
    }
  });

  test("Left from unwrap: a decoded wrapper that fails, and no tensors of the failure remain", () => {
    const x = tf.scalar(-3);
    const json = JSON.parse(
      JSON.stringify(treeCodec({ functions: { invSoftplus } }).encode({ s: Parameterize(invSoftplus, x) })),
    );
    x.dispose();
    const decoded = treeCodec({ functions: { invSoftplus } }).decode(json);
    const before = tf.memory().numTensors;
    const result = pipe(decoded, E.flatMap(unwrapEither));
    expect(tf.memory().numTensors).toBe(before);
    expect(E.isLeft(result)).toBe(true);
    if (E.isLeft(result)) {
      expect(formatTreeError(result.left)).toMatch(
        /^unwrapping failed: Parameterize at \.s: invSoftplus: expected non-negative/,
      );
    }
    if (E.isRight(decoded)) disposeLeaves(decoded.right);
  });
});
