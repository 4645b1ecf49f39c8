/**
 * fast-check arbitraries shared by the property tests: random trees of arrays, plain objects,
 * `null`/`undefined`, registered `Pair` records (`{ _tag: "Pair", x, s }`, half of them frozen)
 * and leaves, with the keys and leaves each test cares about.
 */
import fc from "fast-check";

export interface TreeArbitraryOptions {
  readonly key: fc.Arbitrary<string>;
  readonly leaf: fc.Arbitrary<unknown>;
  /** The longest array. */
  readonly maxArrayLength: number;
  /** How much likelier an object is than an array at each node (1: as likely). */
  readonly objectWeight: number;
}

/** Random trees; register `{ tag: "Pair", children: ["x"] }` to make the records nodes. */
export function arbitraryTree(options: TreeArbitraryOptions): fc.Arbitrary<unknown> {
  const { key, leaf, maxArrayLength, objectWeight } = options;
  return fc.letrec<{ tree: unknown; array: unknown[]; object: Record<string, unknown>; record: unknown }>(
    (tie) => ({
      tree: fc.oneof(
        { depthSize: "small" },
        { arbitrary: leaf, weight: 1 },
        { arbitrary: fc.constantFrom(null, undefined), weight: 1 },
        { arbitrary: tie("array"), weight: 1 },
        { arbitrary: tie("object"), weight: objectWeight },
        { arbitrary: tie("record"), weight: 1 },
      ),
      array: fc.array(tie("tree"), { maxLength: maxArrayLength }),
      object: fc.dictionary(key, tie("tree"), { maxKeys: 4 }),
      record: fc.record({ x: tie("tree"), s: fc.integer(), frozen: fc.boolean() }).map(({ x, s, frozen }) => {
        const r = { _tag: "Pair", x, s };
        return frozen ? Object.freeze(r) : r;
      }),
    }),
  ).tree;
}
