/**
 * Fuzzing: random mutations of a valid document (structured edits of the parsed JSON, and raw
 * edits of its text) either decode to a valid tree or fail cleanly: no throw, a non-empty report
 * whose every line names a place, and no leaked tensor either way.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import fc from "fast-check";
import { initBackend } from "../src";
import { formatDecodeErrors, parseTree, stringifyTree, treeCodec } from "../src";
import { encodeTree, stringifyJson } from "../src/advanced";
import { NonTrainable, Parameterize, WeightNormalization } from "../src";
import { disposeAll } from "./codec.helpers";

const codec = treeCodec();
let valid: any;
let validText = "";

beforeAll(async () => {
  await initBackend();
  const tree = {
    layers: [
      {
        w: tf.tensor([
          [1, 2],
          [3, 4],
        ]),
        b: tf.tensor([NaN, -0], [2], "float32"),
        act: tf.relu,
      },
      { w: WeightNormalization(tf.tensor([[1, 2, 3]])), mask: tf.tensor([true, false], [2], "bool") },
    ],
    frozen: NonTrainable({ steps: tf.tensor([1, 2, 3], [3], "int32"), n: -Infinity }),
    scale: Parameterize(tf.softplus, tf.tensor([0.25])),
    meta: { name: "m", lr: 1e-3, none: null, undef: undefined, tagged: { _tag: "Mine", x: [1, "2"] } },
  };
  const encoded = encodeTree(tree);
  if (E.isLeft(encoded)) throw new Error("fixture must encode");
  valid = encoded.right;
  validText = stringifyTree(tree);
  disposeAll(tree);
});

/** Every path (list of keys) in a JSON value, found iteratively. */
function allPaths(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: [unknown, (string | number)[]][] = [[root, []]];
  while (stack.length > 0) {
    const [v, p] = stack.pop() as [unknown, (string | number)[]];
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...p, i]]));
    else if (v !== null && typeof v === "object")
      for (const k of Object.keys(v)) stack.push([(v as any)[k], [...p, k]]);
  }
  return out;
}

type Mutation =
  | { op: "replace"; value: unknown }
  | { op: "delete" }
  | { op: "add"; key: string; value: unknown }
  | { op: "wrap" }
  | { op: "tweakString"; at: number; char: string }
  | { op: "tweakNumber"; value: number };

const interesting = fc.constantFrom<unknown>(
  "Tensor",
  "Number",
  "Function",
  "Object",
  "Undefined",
  "Parameterize",
  "NonTrainable",
  "WeightNormalization",
  "float64",
  "bool",
  "int32",
  "NaN",
  "-0",
  "exp",
  "nope",
  "AAAA",
  "A=A=",
  -1,
  0.5,
  2 ** 31,
  1e300,
  [],
  {},
  null,
  true,
  { _tag: "Tensor", dtype: "float32", shape: [1], data: "AACAPw==" },
  { _tag: "Function", name: "exp" },
);
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant("replace" as const),
    value: fc.oneof(interesting, fc.jsonValue({ maxDepth: 2 })),
  }),
  fc.record({ op: fc.constant("delete" as const) }),
  fc.record({
    op: fc.constant("add" as const),
    key: fc.oneof(
      fc.constantFrom("_tag", "data", "shape", "dtype", "__proto__", "extra", "weight", "fields", "name"),
      fc.string({ maxLength: 4 }),
    ),
    value: fc.oneof(interesting, fc.jsonValue({ maxDepth: 1 })),
  }),
  fc.record({ op: fc.constant("wrap" as const) }),
  fc.record({
    op: fc.constant("tweakString" as const),
    at: fc.nat(),
    char: fc.constantFrom("*", "=", "A", "", "\u0000", "é"),
  }),
  fc.record({
    op: fc.constant("tweakNumber" as const),
    value: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double()),
  }),
);

function mutate(doc: unknown, pathIndex: number, m: Mutation): unknown {
  const copy = JSON.parse(JSON.stringify(doc));
  const paths = allPaths(copy);
  const path = paths[pathIndex % paths.length] as (string | number)[];
  if (path.length === 0) return m.op === "replace" ? m.value : m.op === "wrap" ? [copy] : copy;
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const key = path[path.length - 1] as string | number;
  const current = parent[key];
  const set = (v: unknown) =>
    Object.defineProperty(parent, key, { value: v, enumerable: true, writable: true, configurable: true });
  switch (m.op) {
    case "replace":
      set(m.value);
      break;
    case "delete":
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case "add":
      if (current !== null && typeof current === "object" && !Array.isArray(current)) {
        Object.defineProperty(current, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else if (Array.isArray(current)) current.push(m.value);
      else set(m.value);
      break;
    case "wrap":
      set([current]);
      break;
    case "tweakString":
      if (typeof current === "string") {
        const at = current.length === 0 ? 0 : m.at % current.length;
        set(current.slice(0, at) + m.char + current.slice(at + 1));
      } else set(m.char);
      break;
    case "tweakNumber":
      set(typeof current === "number" ? current + m.value : m.value);
      break;
  }
  return copy;
}

/** Decodes `input`; asserts the outcome is clean, disposes any tensors, returns whether it was a Right. */
function checkClean(run: () => E.Either<unknown, unknown>): boolean {
  const before = tf.memory().numTensors;
  let r: E.Either<unknown, unknown> | undefined;
  expect(() => (r = run())).not.toThrow();
  const result = r as E.Either<any, unknown>;
  if (E.isRight(result)) {
    disposeAll(result.right);
  } else {
    const lines = formatDecodeErrors(result.left);
    expect(lines.length).toBeGreaterThan(0);
    // A path, then ": " and the message; a quoted key (`["a b"]`) may hold spaces.
    for (const line of lines) expect(line).toMatch(/^(<root>|document|\.|\[)(\["(?:[^"\\]|\\.)*"\]|\S)*: \S/);
  }
  expect(tf.memory().numTensors).toBe(before);
  return E.isRight(result);
}

test("the unmutated fixture decodes", () => {
  expect(checkClean(() => codec.decode(valid))).toBe(true);
});

test("structured mutations of a valid document decode or fail cleanly", () => {
  let rights = 0;
  let lefts = 0;
  fc.assert(
    fc.property(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (pathIndex, mutations) => {
      let doc: unknown = valid;
      mutations.forEach((m, i) => (doc = mutate(doc, pathIndex * (i + 7), m)));
      if (checkClean(() => codec.decode(doc))) rights++;
      else lefts++;
      // Whatever decodes is a valid tree: it encodes again.
      const r = codec.decode(doc);
      if (E.isRight(r)) {
        const again = encodeTree(r.right);
        expect(E.isRight(again)).toBe(true);
        disposeAll(r.right);
      }
    }),
    { numRuns: 600 },
  );
  // Both outcomes happen: the fuzzer is not only producing garbage, nor only no-ops.
  expect(rights).toBeGreaterThan(10);
  expect(lefts).toBeGreaterThan(10);
});

test("raw text edits (flips, cuts, insertions) parse and decode or fail cleanly", () => {
  fc.assert(
    fc.property(
      fc.nat(),
      fc.oneof(
        fc.record({ kind: fc.constant("cut" as const) }),
        fc.record({
          kind: fc.constant("flip" as const),
          char: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
        }),
        fc.record({
          kind: fc.constant("insert" as const),
          text: fc.constantFrom("{", "}", "[", "]", ",", '"', "\\", ":1", "null", "-0", "1e999"),
        }),
      ),
      (at, edit) => {
        const i = at % validText.length;
        const text =
          edit.kind === "cut"
            ? validText.slice(0, i)
            : edit.kind === "flip"
              ? validText.slice(0, i) + edit.char + validText.slice(i + 1)
              : validText.slice(0, i) + edit.text + validText.slice(i);
        checkClean(() => parseTree(text));
      },
    ),
    { numRuns: 600 },
  );
});

test("the fixture's JSON text is what the iterative writer produces", () => {
  expect(validText).toBe(stringifyJson(valid));
  expect(validText).toBe(JSON.stringify(valid));
});
