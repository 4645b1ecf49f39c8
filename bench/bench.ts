/**
 * `npm run bench`: the performance benchmark of issue 6. Prints markdown tables and writes
 * `bench/results.json`.
 *
 *   npm run bench                      full run (a few minutes)
 *   npm run bench -- --quick           smoke run (seconds; asserts nothing about times)
 *   npm run bench -- --only=shapes     run some sections: shapes, growth, unwrap, grad, serialize
 *
 * Everything runs in one warm process; each figure is the median of several interleaved batches,
 * shown as an absolute per-call time and as a ratio to a reference measured in the same run.
 *
 * @module
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src";
import { fullBudget, quickBudget } from "./harness";
import { runShapes } from "./shapes";
import { runGrowth } from "./growth";
import { runUnwrap } from "./unwrap";
import { runGrad } from "./grad";
import { runCase, runSerialize, serializeCases, type SerializeCase } from "./serialize";
import { projectRoot } from "./trees";

const sectionNames = ["shapes", "growth", "unwrap", "grad", "serialize"] as const;
type SectionName = (typeof sectionNames)[number];

function parseArgs(argv: readonly string[]): {
  quick: boolean;
  only: Set<SectionName>;
  child: string | undefined;
} {
  let quick = false;
  let child: string | undefined;
  let only = new Set<SectionName>(sectionNames);
  for (const arg of argv) {
    if (arg === "--quick") quick = true;
    else if (arg.startsWith("--child=")) child = arg.slice("--child=".length);
    else if (arg.startsWith("--only=")) {
      const names = arg.slice("--only=".length).split(",");
      for (const n of names) {
        if (!(sectionNames as readonly string[]).includes(n)) {
          throw new Error(`bench: unknown section "${n}"; expected some of ${sectionNames.join(", ")}`);
        }
      }
      only = new Set(names as SectionName[]);
    } else throw new Error(`bench: unknown argument "${arg}"; expected --quick or --only=<sections>`);
  }
  return { quick, only, child };
}

/** A serialization case in a process of its own (see serialize.ts): prints one JSON line. */
async function child(spec: string): Promise<void> {
  const [section, which, mb, repeats] = spec.split(":");
  if (section !== "serialize" || !(serializeCases as readonly string[]).includes(which ?? "")) {
    throw new Error(`bench: unknown child case "${spec}"`);
  }
  await initBackend("wasm");
  const result = await runCase(which as SerializeCase, Number(mb), Number(repeats));
  console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  const { quick, only, child: childSpec } = parseArgs(process.argv.slice(2));
  if (childSpec !== undefined) return child(childSpec);
  const budget = quick ? quickBudget : fullBudget;
  await initBackend("wasm");
  const started = new Date();
  const args = process.argv.slice(2);
  const command = `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`;
  const header =
    `paramtree benchmark, ${started.toISOString()}, \`${command}\`\n` +
    `node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"} x${os.cpus().length}, ` +
    `tfjs ${tf.version_core} (${tf.getBackend()})${quick ? ", QUICK smoke run: figures are not meaningful" : ""}\n`;
  console.log(header);
  const results: Record<string, unknown> = {
    date: started.toISOString(),
    command,
    quick,
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    tfjs: tf.version_core,
    budget,
  };
  const texts: string[] = [header];
  if (only.has("shapes")) {
    const r = await runShapes(budget);
    results["shapes"] = r.rows;
    results["jaxjs"] = r.jaxjs;
    texts.push(r.text);
  }
  if (only.has("growth")) {
    const r = runGrowth(budget);
    results["growth"] = r.rows;
    texts.push(r.text);
  }
  if (only.has("unwrap")) {
    const r = await runUnwrap(budget);
    results["unwrap"] = { rows: r.rows, cpuVsWasm: r.cpuVsWasm };
    texts.push(r.text);
  }
  if (only.has("grad")) {
    const r = runGrad(budget);
    results["grad"] = r.rows;
    texts.push(r.text);
  }
  if (only.has("serialize")) {
    const r = await runSerialize(budget, process.argv[1] as string);
    results["serialize"] = r.rows;
    texts.push(r.text);
  }
  results["seconds"] = (Date.now() - started.getTime()) / 1e3;
  const out = path.join(projectRoot(), "bench", "results.json");
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)} (${results["seconds"]} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
