/**
 * Property tests: every tree the generators can build survives encode -> JSON text -> parse ->
 * decode bit for bit (numbers by Object.is, tensors by raw bytes including NaN payloads), with
 * the same tree structure, and no tensor leaks.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import fc from "fast-check";
import { initBackend } from "../src";
import { formatDecodeErrors, stringifyTree, treeCodec } from "../src";
import { registerWrapper } from "../src";
import { treeStructure } from "../src";
import { NonTrainable, Parameterize, WeightNormalization, defaultRegistry } from "../src";
import { disposeAll, exactDifference } from "./codec.helpers";

beforeAll(async () => {
  await initBackend();
});

// A custom wrapper with a static number, string and function.
const registry = registerWrapper(defaultRegistry, {
  tag: "Pair",
  children: ["left", "right"],
  unwrap: (n: any) => [n.left, n.right],
});
const codec = treeCodec({ registry });
const tableFns = [tf.exp, tf.softplus, tf.sigmoid, tf.square, tf.abs, tf.tanh];

// -------------------------------------------------------------------------------------
// blueprints: generated data with placeholders for tensors and wrappers, materialized inside
// the property (so that shrinking never leaks tensors)
// -------------------------------------------------------------------------------------

class TensorSpec {
  constructor(
    readonly dtype: "float32" | "int32" | "bool",
    readonly shape: number[],
    readonly bytes: Uint8Array,
  ) {}
}
class WrapperSpecBp {
  constructor(
    readonly kind: "Parameterize" | "NonTrainable" | "WeightNormalization" | "Pair",
    readonly children: unknown[],
    readonly extra: any,
  ) {}
}

const shapeArb = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
const tensorArb = fc
  .tuple(fc.constantFrom<"float32" | "int32" | "bool">("float32", "int32", "bool"), shapeArb)
  .chain(([dtype, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes =
      dtype === "bool"
        ? fc
            .array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n })
            .map((a) => Uint8Array.from(a))
        : // Arbitrary bytes: every float32 bit pattern, NaN payloads included.
          fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n });
    return bytes.map((b) => new TensorSpec(dtype, shape, b));
  });

const keyArb = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom("__proto__", "constructor", "prototype", "_tag", "toString", "0", "a b", ""),
);
const tagValueArb = fc.oneof(
  fc.constantFrom("Tensor", "Number", "Object", "Function", "Undefined", "", "Foo"),
  fc.string({ maxLength: 5 }).filter((s) => !registry.specs.has(s)),
  fc.integer(),
);
const leafArb = fc.oneof(
  fc.double(), // includes NaN, -0, +-Infinity, subnormals
  fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2),
  fc.string({ unit: "binary", maxLength: 8 }), // lone surrogates included
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom(...tableFns),
  tensorArb,
);

const { node: treeArb } = fc.letrec<{ tree: unknown; node: unknown }>((tie) => ({
  tree: fc.oneof({ depthSize: "medium", withCrossShrink: true }, leafArb, tie("node")),
  node: fc.oneof(
    fc.array(tie("tree"), { maxLength: 4 }),
    fc.dictionary(keyArb, tie("tree"), { maxKeys: 4 }),
    // Data that happens to carry a `_tag` of its own.
    fc
      .tuple(tagValueArb, fc.dictionary(fc.string({ maxLength: 4 }), tie("tree"), { maxKeys: 2 }))
      .map(([tag, rest]) => {
        const o: Record<string, unknown> = { ...rest };
        o["_tag"] = tag;
        return o;
      }),
    fc
      .tuple(fc.constantFrom(...tableFns), fc.array(tie("tree"), { maxLength: 2 }))
      .map(([fn, args]) => new WrapperSpecBp("Parameterize", args, fn)),
    tie("tree").map((t) => new WrapperSpecBp("NonTrainable", [t], null)),
    fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.float({ min: 1, max: 4, noNaN: true }), { minLength: 9, maxLength: 9 }),
      )
      .map(
        ([r, c, v]) =>
          new WrapperSpecBp("WeightNormalization", [], { shape: [r, c], values: v.slice(0, r * c) }),
      ),
    fc
      .tuple(
        tie("tree"),
        tie("tree"),
        fc.oneof(fc.double(), fc.string({ maxLength: 4 })),
        fc.constantFrom(...tableFns),
      )
      .map(([l, r, label, fn]) => new WrapperSpecBp("Pair", [l, r], { label, fn })),
  ),
}));

/** Builds the real tree (tensors and wrappers) from a blueprint; generated depth is small. */
function materialize(bp: unknown): unknown {
  if (bp instanceof TensorSpec) {
    const n = bp.shape.reduce((a, b) => a * b, 1);
    const buffer = new ArrayBuffer(bp.bytes.length);
    new Uint8Array(buffer).set(bp.bytes);
    const values =
      bp.dtype === "float32"
        ? new Float32Array(buffer, 0, n)
        : bp.dtype === "int32"
          ? new Int32Array(buffer, 0, n)
          : new Uint8Array(buffer, 0, n);
    return tf.tensor(values, bp.shape, bp.dtype);
  }
  if (bp instanceof WrapperSpecBp) {
    const children = bp.children.map(materialize);
    switch (bp.kind) {
      case "Parameterize":
        return Parameterize(bp.extra, ...children);
      case "NonTrainable":
        return NonTrainable(children[0]);
      case "WeightNormalization":
        return WeightNormalization(tf.tensor(bp.extra.values, bp.extra.shape) as tf.Tensor2D);
      case "Pair":
        return {
          _tag: "Pair",
          left: children[0],
          right: children[1],
          label: bp.extra.label,
          fn: bp.extra.fn,
        };
    }
  }
  if (Array.isArray(bp)) return bp.map(materialize);
  if (bp !== null && typeof bp === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(bp)) {
      Object.defineProperty(out, k, {
        value: materialize((bp as any)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return bp;
}

test("encode -> JSON text -> decode is the identity, bit for bit", () => {
  fc.assert(
    fc.property(treeArb, (bp) => {
      const before = tf.memory().numTensors;
      const tree = materialize(bp);
      const weightNormScales: unknown[] = [];
      try {
        const text = stringifyTree(tree, { registry });
        const back = codec.decode(JSON.parse(text));
        if (E.isLeft(back)) throw new Error(formatDecodeErrors(back.left).join("\n"));
        try {
          const diff = exactDifference(back.right, tree);
          if (diff !== undefined) throw new Error(`differs at ${diff}`);
          expect(treeStructure(back.right, { registry }).equals(treeStructure(tree, { registry }))).toBe(
            true,
          );
        } finally {
          disposeAll(back.right);
        }
      } finally {
        disposeAll(tree);
        disposeAll(weightNormScales);
      }
      expect(tf.memory().numTensors).toBe(before);
    }),
    { numRuns: 300 },
  );
});

test("NaN payloads and signalling NaNs survive in float32 tensors", () => {
  const bits = new Uint32Array([
    0x7fc00000, 0x7fc00001, 0xffc12345, 0x7f800001, 0xff800000, 0x80000000, 0x00000001,
  ]);
  const x = tf.tensor(new Float32Array(bits.buffer), [7], "float32");
  const back = codec.decode(JSON.parse(stringifyTree({ x }, { registry })));
  expect(E.isRight(back)).toBe(true);
  if (E.isRight(back)) {
    const y = (back.right as { x: tf.Tensor }).x;
    expect(Array.from(new Uint32Array((y.dataSync() as Float32Array).slice().buffer))).toEqual(
      Array.from(bits),
    );
    y.dispose();
  }
  x.dispose();
});
