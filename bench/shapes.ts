/**
 * Section 1: optree's benchmark tree shapes, every operation against the plain recursive
 * reference measured in the same run, with optree's published figure beside it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { treeFlatten, treeFlattenWithPath, treeLeaves, treeUnflatten, type TreeDef } from "../src/tree";
import { treeMap, treeMapN } from "../src/tree/map";
import { programSettings } from "../src/tree/program";
import { copyPath } from "../src/tree/recursive";
import { formatNs, formatRatio, measure, printTable, type Budget, type Case } from "./harness";
import {
  loadShape,
  plainLeaves,
  plainMap,
  plainMap3,
  plainUnflatten,
  readFixtureReadme,
  shapeNames,
  sortedLeaves,
  sortedMap,
  sortedMap3,
  sortedUnflatten,
  type ShapeName,
} from "./trees";

/** One row of the shapes table, as written to results.json. */
export interface ShapeRow {
  readonly tree: ShapeName;
  readonly op: string;
  readonly oursNs: number;
  readonly plainNs: number;
  readonly ratioToPlain: number;
  /** The plain reference visiting keys sorted, as paramtree does (see `sortedLeaves` in trees.ts). */
  readonly sortedNs: number;
  readonly ratioToSorted: number;
  /**
   * The same call with compiled programs switched off: what a tree whose structure is new (or
   * keeps changing) costs, on the general walk (see src/tree/program.ts).
   */
  readonly generalNs: number;
  readonly generalToPlain: number;
  /** optree's published per-call time, when the README has one. */
  readonly optreeNs: number | undefined;
  /** True when `optreeNs` is scaled from ResNet18 by node count (no published figure for this tree). */
  readonly optreeEstimated: boolean;
  readonly ratioToOptree: number | undefined;
  /** For flatten with paths: the ratio to our own treeFlatten measured alongside. */
  readonly ratioToFlatten?: number;
  /**
   * For flatten with paths: making its output alone (a fresh path array and a `[path, leaf]` pair
   * per leaf, from paths and leaves computed beforehand), over treeFlatten: what any flatten with
   * fresh paths pays on top of a flatten.
   */
  readonly pairsAloneToFlatten?: number;
}

/** Which published optree row each of our operations is held against. */
const publishedOp: Record<string, string> = {
  treeLeaves: "flatten (leaves)",
  treeFlatten: "flatten (leaves)",
  treeUnflatten: "unflatten",
  copy: "unflatten(flatten) copy",
  treeMap: "map, one tree",
  treeMapN: "map, three trees",
  treeFlattenWithPath: "flatten with paths",
};

const identity = (x: unknown): unknown => x;

/** `fn` with compiled programs switched off for the call. */
function onGeneralWalk(fn: () => unknown): () => unknown {
  return () => {
    programSettings.enabled = false;
    try {
      return fn();
    } finally {
      programSettings.enabled = true;
    }
  };
}
const first3 = (a: unknown, _b: unknown, _c: unknown): unknown => a;

export async function runShapes(budget: Budget): Promise<{ rows: ShapeRow[]; text: string }> {
  const { counts, published } = readFixtureReadme();
  const rows: ShapeRow[] = [];
  const before = tf.memory().numTensors;
  for (const name of shapeNames) {
    const made: tf.Tensor[] = [];
    const makeLeaf = (): tf.Tensor => {
      const t = tf.tensor1d([made.length], "float32");
      made.push(t);
      return t;
    };
    const trees = [loadShape(name, makeLeaf), loadShape(name, makeLeaf), loadShape(name, makeLeaf)] as const;
    const tree = trees[0];
    const [leaves, def] = treeFlatten(tree) as [unknown[], TreeDef];
    const expected = counts.get(name);
    if (expected !== undefined && (def.numNodes !== expected.nodes || def.numLeaves !== expected.leaves)) {
      throw new Error(
        `bench: ${name} has ${def.numNodes} nodes and ${def.numLeaves} leaves, the fixture README says ` +
          `${expected.nodes} and ${expected.leaves}`,
      );
    }
    if (plainLeaves(tree).length !== leaves.length)
      throw new Error(`bench: plain flatten of ${name} disagrees`);
    const plain = plainLeaves(tree);
    const sorted = sortedLeaves(tree);
    if (sorted.length !== leaves.length || sorted.some((x, i) => x !== leaves[i]))
      throw new Error(`bench: sorted flatten of ${name} disagrees with treeFlatten`);
    // The sorted references must build what paramtree builds, or their timings mean nothing.
    for (const [what, built] of [
      ["sortedMap", sortedMap(identity, tree)],
      ["sortedUnflatten", sortedUnflatten(tree, sorted)],
      ["sortedMap3", sortedMap3(first3, trees[0], trees[1], trees[2])],
    ] as const) {
      const [l, d] = treeFlatten(built);
      if (!d.equals(def) || l.some((x, i) => x !== leaves[i]))
        throw new Error(`bench: ${what} of ${name} does not rebuild the tree`);
    }

    const paths = def.paths();
    const pairsAlone = (): unknown => {
      const out = new Array<unknown>(leaves.length);
      for (let i = 0; i < leaves.length; i++) {
        const path = paths[i] as readonly (string | number)[];
        out[i] = [copyPath(path, path.length), leaves[i]];
      }
      return out;
    };
    const ops: { op: string; ours: Case; plain: Case; sorted: Case; extra?: Case; floor?: Case }[] = [
      {
        op: "treeLeaves",
        ours: { name: "ours", fn: () => treeLeaves(tree) },
        plain: { name: "plain", fn: () => plainLeaves(tree) },
        sorted: { name: "sorted", fn: () => sortedLeaves(tree) },
      },
      {
        op: "treeFlatten",
        ours: { name: "ours", fn: () => treeFlatten(tree) },
        plain: { name: "plain", fn: () => plainLeaves(tree) },
        sorted: { name: "sorted", fn: () => sortedLeaves(tree) },
      },
      {
        op: "treeUnflatten",
        ours: { name: "ours", fn: () => treeUnflatten(def, leaves) },
        plain: { name: "plain", fn: () => plainUnflatten(tree, plain) },
        sorted: { name: "sorted", fn: () => sortedUnflatten(tree, sorted) },
      },
      {
        op: "copy",
        ours: {
          name: "ours",
          fn: () => {
            const [l, d] = treeFlatten(tree);
            return treeUnflatten(d, l);
          },
        },
        plain: { name: "plain", fn: () => plainUnflatten(tree, plainLeaves(tree)) },
        sorted: { name: "sorted", fn: () => sortedUnflatten(tree, sortedLeaves(tree)) },
      },
      {
        op: "treeMap",
        ours: { name: "ours", fn: () => treeMap(identity, tree) },
        plain: { name: "plain", fn: () => plainMap(identity, tree) },
        sorted: { name: "sorted", fn: () => sortedMap(identity, tree) },
      },
      {
        op: "treeMapN",
        ours: { name: "ours", fn: () => treeMapN(first3, trees) },
        plain: { name: "plain", fn: () => plainMap3(first3, trees[0], trees[1], trees[2]) },
        sorted: { name: "sorted", fn: () => sortedMap3(first3, trees[0], trees[1], trees[2]) },
      },
      {
        op: "treeFlattenWithPath",
        ours: { name: "ours", fn: () => treeFlattenWithPath(tree) },
        plain: { name: "plain", fn: () => plainLeaves(tree) },
        sorted: { name: "sorted", fn: () => sortedLeaves(tree) },
        extra: { name: "treeFlatten", fn: () => treeFlatten(tree) },
        floor: { name: "pairs alone", fn: pairsAlone },
      },
    ];

    for (const { op, ours, plain: ref, sorted: floor, extra, floor: pairs } of ops) {
      const general: Case = { name: "general", fn: onGeneralWalk(ours.fn) };
      const cases = [ours, ref, floor, general];
      const timings = measure(
        extra === undefined ? cases : [...cases, extra, ...(pairs === undefined ? [] : [pairs])],
        budget,
      );
      const oursNs = (timings[0] as { ns: number }).ns;
      const plainNs = (timings[1] as { ns: number }).ns;
      const sortedNs = (timings[2] as { ns: number }).ns;
      const generalNs = (timings[3] as { ns: number }).ns;
      const pub = published.get(publishedOp[op] as string);
      let optreeNs = pub?.get(name)?.optree;
      let optreeEstimated = false;
      if (optreeNs === undefined && pub !== undefined && name !== "TinyMLP") {
        // No published figure for this tree: scale the ResNet18 one by node count (optree's own
        // figures grow 7.2x from ResNet18 to ResNet152 for 7.07x the nodes).
        const base = pub.get("ResNet18")?.optree;
        const n18 = counts.get("ResNet18")?.nodes;
        if (base !== undefined && n18 !== undefined) {
          optreeNs = (base * def.numNodes) / n18;
          optreeEstimated = true;
        }
      }
      const row: ShapeRow = {
        tree: name,
        op,
        oursNs,
        plainNs,
        ratioToPlain: oursNs / plainNs,
        sortedNs,
        ratioToSorted: oursNs / sortedNs,
        generalNs,
        generalToPlain: generalNs / plainNs,
        optreeNs,
        optreeEstimated,
        ratioToOptree: optreeNs === undefined ? undefined : oursNs / optreeNs,
        ...(extra !== undefined ? { ratioToFlatten: oursNs / (timings[4] as { ns: number }).ns } : {}),
        ...(pairs !== undefined
          ? { pairsAloneToFlatten: (timings[5] as { ns: number }).ns / (timings[4] as { ns: number }).ns }
          : {}),
      };
      rows.push(row);
    }
    for (const t of made) t.dispose();
  }
  if (tf.memory().numTensors !== before) throw new Error("bench: shapes section leaked tensors");

  const text = printTable(
    "1. Tree shapes (CPU time per call, median of interleaved batches, the same tree on every call as " +
      "in a training loop, so paramtree runs the program compiled for its structure; general walk = the " +
      "same call with programs off, what a structure seen for the first time costs; plain = recursive " +
      "JS reference in key insertion order, sorted = the same visiting keys sorted as paramtree does, " +
      "all in the same run; optree = published, C++, Ryzen 9 5950X; target: faster than optree and " +
      "<= 1.5x plain, paths <= 1.3x flatten)",
    [
      "tree",
      "operation",
      "paramtree",
      "plain JS",
      "vs plain",
      "sorted JS",
      "vs sorted",
      "general walk",
      "vs plain",
      "optree",
      "vs optree",
      "target",
    ],
    rows.map((r) => {
      const isTarget = r.tree === "ResNet18" || r.tree === "ResNet152";
      const missed = [
        ...(r.ratioToOptree !== undefined && r.ratioToOptree >= 1 ? ["optree"] : []),
        ...(r.ratioToPlain > 1.5 ? ["plain"] : []),
        ...(r.ratioToFlatten !== undefined && r.ratioToFlatten > 1.3 ? ["paths"] : []),
      ];
      const verdict = isTarget ? (missed.length === 0 ? "met" : `MISSED (${missed.join(", ")})`) : "";
      const op =
        r.ratioToFlatten === undefined
          ? r.op
          : `${r.op} (${formatRatio(r.ratioToFlatten)} flatten; pairs alone ${formatRatio(r.pairsAloneToFlatten ?? NaN)})`;
      return [
        r.tree,
        op,
        formatNs(r.oursNs),
        formatNs(r.plainNs),
        formatRatio(r.ratioToPlain),
        formatNs(r.sortedNs),
        formatRatio(r.ratioToSorted),
        formatNs(r.generalNs),
        formatRatio(r.generalToPlain),
        r.optreeNs === undefined ? "n/a" : `${r.optreeEstimated ? "~" : ""}${formatNs(r.optreeNs)}`,
        r.ratioToOptree === undefined ? "n/a" : formatRatio(r.ratioToOptree),
        verdict,
      ];
    }),
  );
  return { rows, text };
}
