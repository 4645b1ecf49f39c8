/**
 * Section 2: growth. Flatten, unflatten and map on generated trees of 10^3 .. 10^6 nodes, wide
 * (one array of small units) and deep (units nested to depth 100,000), reported as time per node
 * and as the ratio to the time per node at 10^3 (1.0 means perfectly linear).
 *
 * @module
 */
import { treeFlatten, treeMap, treeUnflatten, type TreeDef } from "../src";
import { formatNs, formatRatio, measure, printTable, type Budget } from "./harness";
import { deepTree, plainLeaves, plainMap, plainUnflatten, wideTree } from "./trees";

export interface GrowthRow {
  readonly variant: "wide" | "deep";
  readonly op: string;
  readonly nodes: number;
  readonly depth: number;
  readonly nsPerCall: number;
  readonly nsPerNode: number;
  /** nsPerNode divided by nsPerNode at the smallest size of the same variant and operation. */
  readonly ratioToSmallest: number;
  /**
   * The plain recursive reference for the same operation on the same tree, per node, and its own
   * ratio to 10^3: what this machine's memory system does to any JavaScript traversal. Wide trees
   * only (the deep ones overflow a recursive function).
   */
  readonly plainNsPerNode?: number;
  readonly plainRatioToSmallest?: number;
  /**
   * Flatten only: making two arrays as long as the leaves and the nodes, allocated at their final
   * size and filled, and nothing else: the least any flatten that returns JavaScript arrays pays
   * for its output, per node, and its ratio to 10^3.
   */
  readonly arraysNsPerNode?: number;
  readonly arraysRatioToSmallest?: number;
}

/** Two arrays of `leaves` and `nodes` elements, allocated at their final size and filled. */
function buildOutputArrays(leaves: number, nodes: number, item: object): [unknown[], unknown[]] {
  const a = new Array<unknown>(leaves);
  const b = new Array<unknown>(nodes);
  for (let i = 0; i < leaves; i++) a[i] = item;
  for (let i = 0; i < nodes; i++) b[i] = item;
  return [a, b];
}

const identity = (x: unknown): unknown => x;

export function runGrowth(budget: Budget): { rows: GrowthRow[]; text: string } {
  const sizes = budget.quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
  const rows: GrowthRow[] = [];
  for (const variant of ["wide", "deep"] as const) {
    const base = new Map<string, number>();
    for (const size of sizes) {
      const tree = variant === "wide" ? wideTree(size) : deepTree(size);
      const [leaves, def] = treeFlatten(tree) as [unknown[], TreeDef];
      const nodes = def.numNodes;
      const depth = variant === "wide" ? 3 : size / 10 + 1;
      const plain = variant === "wide" ? plainLeaves(tree) : [];
      const item = {};
      // Big trees take tens of milliseconds per call: fewer, longer batches are enough.
      const b: Budget =
        size >= 1e6 ? { ...budget, repeats: Math.min(budget.repeats, 7), warmupMs: 0 } : budget;
      const timings = measure(
        [
          { name: "treeFlatten", fn: () => treeFlatten(tree) },
          { name: "treeUnflatten", fn: () => treeUnflatten(def, leaves) },
          { name: "treeMap", fn: () => treeMap(identity, tree) },
          { name: "arrays:treeFlatten", fn: () => buildOutputArrays(leaves.length, nodes, item) },
          ...(variant === "wide"
            ? [
                { name: "plain:treeFlatten", fn: () => plainLeaves(tree) },
                { name: "plain:treeUnflatten", fn: () => plainUnflatten(tree, plain) },
                { name: "plain:treeMap", fn: () => plainMap(identity, tree) },
              ]
            : []),
        ],
        b,
      );
      const perNode = new Map(timings.map((t) => [t.name, t.ns / nodes]));
      for (const [name, ns] of perNode) if (!base.has(name)) base.set(name, ns);
      const reference = (name: string): { ns: number; ratio: number } | undefined => {
        const ns = perNode.get(name);
        return ns === undefined ? undefined : { ns, ratio: ns / (base.get(name) as number) };
      };
      for (const t of timings) {
        if (t.name.includes(":")) continue;
        const nsPerNode = t.ns / nodes;
        const plainRef = reference(`plain:${t.name}`);
        const arraysRef = reference(`arrays:${t.name}`);
        rows.push({
          variant,
          op: t.name,
          nodes,
          depth,
          nsPerCall: t.ns,
          nsPerNode,
          ratioToSmallest: nsPerNode / (base.get(t.name) as number),
          ...(plainRef !== undefined
            ? { plainNsPerNode: plainRef.ns, plainRatioToSmallest: plainRef.ratio }
            : {}),
          ...(arraysRef !== undefined
            ? { arraysNsPerNode: arraysRef.ns, arraysRatioToSmallest: arraysRef.ratio }
            : {}),
        });
      }
    }
  }
  const text = printTable(
    "2. Growth (CPU time per node; ratio = per-node time / per-node time at 10^3 nodes; the plain " +
      "recursive reference of the same operation on the same tree, and for flatten its two output " +
      "arrays alone (allocated at their final size and filled), show the machine's own slope; " +
      "target: <= 1.5x at 10^6)",
    [
      "variant",
      "operation",
      "nodes",
      "depth",
      "per call",
      "per node",
      "vs 10^3",
      "plain JS same op per node (vs 10^3)",
      "output arrays alone per node (vs 10^3)",
      "target",
    ],
    rows.map((r) => [
      r.variant,
      r.op,
      r.nodes.toLocaleString("en-US"),
      r.depth.toLocaleString("en-US"),
      formatNs(r.nsPerCall),
      formatNs(r.nsPerNode),
      formatRatio(r.ratioToSmallest),
      r.plainNsPerNode === undefined
        ? "n/a (recursive)"
        : `${formatNs(r.plainNsPerNode)} (${formatRatio(r.plainRatioToSmallest as number)})`,
      r.arraysNsPerNode === undefined
        ? ""
        : `${formatNs(r.arraysNsPerNode)} (${formatRatio(r.arraysRatioToSmallest as number)})`,
      r.nodes >= 1e6 ? (r.ratioToSmallest <= 1.5 ? "met" : "MISSED") : "",
    ]),
  );
  return { rows, text };
}
