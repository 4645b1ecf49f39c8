/**
 * Section 2: growth. Flatten, unflatten and map on generated trees of 10^3 .. 10^6 nodes, wide
 * (one array of small units) and deep (units nested to depth 100,000), reported as time per node
 * and as the ratio to the time per node at 10^3 (1.0 means perfectly linear).
 *
 * @module
 */
import { treeFlatten, treeUnflatten, type TreeDef } from "../src/tree";
import { treeMap } from "../src/tree/map";
import { formatNs, formatRatio, measure, printTable, type Budget } from "./harness";
import { deepTree, plainLeaves, wideTree } from "./trees";

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
   * The plain recursive reference (leaves only) on the same tree, per node, and its own ratio to
   * 10^3: what this machine's memory hierarchy does to any traversal. Wide trees only (the deep
   * ones overflow a recursive function).
   */
  readonly plainNsPerNode?: number;
  readonly plainRatioToSmallest?: number;
}

const identity = (x: unknown): unknown => x;

export function runGrowth(budget: Budget): { rows: GrowthRow[]; text: string } {
  const sizes = budget.quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
  const rows: GrowthRow[] = [];
  for (const variant of ["wide", "deep"] as const) {
    const base = new Map<string, number>();
    let plainBase: number | undefined;
    for (const size of sizes) {
      const tree = variant === "wide" ? wideTree(size) : deepTree(size);
      const [leaves, def] = treeFlatten(tree) as [unknown[], TreeDef];
      const nodes = def.numNodes;
      const depth = variant === "wide" ? 3 : size / 10 + 1;
      // Big trees take tens of milliseconds per call: fewer, longer batches are enough.
      const b: Budget =
        size >= 1e6 ? { ...budget, repeats: Math.min(budget.repeats, 7), warmupMs: 0 } : budget;
      const timings = measure(
        [
          { name: "treeFlatten", fn: () => treeFlatten(tree) },
          { name: "treeUnflatten", fn: () => treeUnflatten(def, leaves) },
          { name: "treeMap", fn: () => treeMap(identity, tree) },
          ...(variant === "wide" ? [{ name: "plain", fn: () => plainLeaves(tree) }] : []),
        ],
        b,
      );
      const plain = timings.find((t) => t.name === "plain");
      const plainNsPerNode = plain === undefined ? undefined : plain.ns / nodes;
      if (plainNsPerNode !== undefined) plainBase ??= plainNsPerNode;
      for (const t of timings) {
        if (t.name === "plain") continue;
        const nsPerNode = t.ns / nodes;
        if (!base.has(t.name)) base.set(t.name, nsPerNode);
        rows.push({
          variant,
          op: t.name,
          nodes,
          depth,
          nsPerCall: t.ns,
          nsPerNode,
          ratioToSmallest: nsPerNode / (base.get(t.name) as number),
          ...(plainNsPerNode !== undefined && plainBase !== undefined
            ? { plainNsPerNode, plainRatioToSmallest: plainNsPerNode / plainBase }
            : {}),
        });
      }
    }
  }
  const text = printTable(
    "2. Growth (CPU time per node; ratio = per-node time / per-node time at 10^3 nodes; the plain recursive leaves reference on the same trees shows the machine's own slope)",
    [
      "variant",
      "operation",
      "nodes",
      "depth",
      "per call",
      "per node",
      "vs 10^3",
      "plain JS leaves per node (vs 10^3)",
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
      r.nodes >= 1e6 ? (r.ratioToSmallest <= 1.5 ? "met" : "MISSED") : "",
    ]),
  );
  return { rows, text };
}
