/**
 * Timing and reporting for the benchmark: warm, interleaved, median of several repeats, every
 * figure next to a reference measured in the same run.
 *
 * Why interleaved: a laptop or a shared 2-core box drifts (frequency, other processes). Timing
 * "ours" and its reference in alternating batches exposes both to the same drift, so their ratio
 * is stable even when the absolute times are not.
 *
 * Why CPU time: on a shared machine a batch's wall time includes the time other processes held
 * the core, which is noise of the order of the figures themselves (this benchmark was written on
 * a 2-core box at load average 12). The per-call figure is therefore the process's CPU time
 * (user + system, `process.cpuUsage`) per call; the wall time is recorded beside it in
 * results.json. For single-threaded work on a quiet machine the two agree; CPU time also counts
 * V8's concurrent GC threads, which is real cost.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** How hard to measure: `--quick` is a smoke run that only proves the benchmark still runs. */
export interface Budget {
  readonly quick: boolean;
  /** Target duration of one timed batch, in milliseconds. */
  readonly batchMs: number;
  /** Number of timed batches per case (the median is reported). */
  readonly repeats: number;
  /** Warm-up duration per case before calibration, in milliseconds. */
  readonly warmupMs: number;
}

export const fullBudget: Budget = { quick: false, batchMs: 40, repeats: 11, warmupMs: 150 };
export const quickBudget: Budget = { quick: true, batchMs: 2, repeats: 3, warmupMs: 2 };

/** One function under test. Its result is kept in a sink so that V8 cannot drop the call. */
export interface Case {
  readonly name: string;
  readonly fn: () => unknown;
}

/** Median per-call CPU time, in nanoseconds, and the raw per-call samples. */
export interface Timing {
  readonly name: string;
  readonly ns: number;
  /** Median per-call wall time. */
  readonly wallNs: number;
  /** Fastest batch: the least disturbed by other processes on a busy machine. */
  readonly minNs: number;
  readonly samples: readonly number[];
  readonly iterations: number;
}

// -------------------------------------------------------------------------------------
// measuring
// -------------------------------------------------------------------------------------

let sink: unknown;
/** Read by nobody; written so that results stay observable. */
export function consume(): unknown {
  return sink;
}

function now(): number {
  return Number(process.hrtime.bigint());
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
}

function runBatch(fn: () => unknown, iterations: number): number {
  const start = now();
  for (let i = 0; i < iterations; i++) sink = fn();
  return now() - start;
}

/** Runs a batch and returns [cpu ns, wall ns]. */
function runTimedBatch(fn: () => unknown, iterations: number): [number, number] {
  const cpu = cpuNow();
  const wall = now();
  for (let i = 0; i < iterations; i++) sink = fn();
  return [cpuNow() - cpu, now() - wall];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g !== undefined) g();
}

/** A scavenge (young generation only), where `--expose-gc` is on. */
function minorGc(): void {
  const g = (globalThis as { gc?: (options?: { type: "minor" | "major" }) => void }).gc;
  if (g !== undefined) g({ type: "minor" });
}

/** How many calls fill one batch of `budget.batchMs`. */
function calibrate(fn: () => unknown, budget: Budget): number {
  const warmEnd = now() + budget.warmupMs * 1e6;
  let calls = 0;
  do {
    sink = fn();
    calls++;
  } while (now() < warmEnd || calls < 2);
  let iterations = 1;
  for (;;) {
    const t = runBatch(fn, iterations);
    if (t >= budget.batchMs * 1e6 * 0.25 || iterations >= 1 << 24) {
      return Math.max(1, Math.round((iterations * budget.batchMs * 1e6) / Math.max(t, 1)));
    }
    iterations *= 4;
  }
}

/**
 * Calls the cases in turn for `ms` milliseconds, untimed. A case's own warm-up in `measure` is
 * short; code that V8 optimizes late (paramtree's code for a structure it has just met) needs
 * more before its first timed batch, or the first operation timed on a new tree pays for it.
 */
export function warmUp(cases: readonly Case[], ms: number): void {
  const end = now() + ms * 1e6;
  do {
    for (const c of cases) sink = c.fn();
  } while (now() < end);
}

/**
 * Times the cases in interleaved batches (case 0, case 1, ..., case 0, case 1, ...) and returns
 * the median per-call time of each.
 */
export function measure(cases: readonly Case[], budget: Budget): Timing[] {
  gc();
  const iterations = cases.map((c) => calibrate(c.fn, budget));
  return interleaved(cases, iterations, budget.repeats, (c, n) => runTimedBatch(cases[c]!.fn, n));
}

/**
 * Runs `repeats` rounds of one batch per case (case 0, case 1, ..., case 0, ...), batch `c` of
 * `iterations[c]` calls timed by `run(c, n)` as [cpu ns, wall ns]; the median per call of each.
 */
function interleaved(
  cases: readonly { readonly name: string }[],
  iterations: readonly number[],
  repeats: number,
  run: (c: number, n: number) => [number, number],
): Timing[] {
  const samples: number[][] = cases.map(() => []);
  const walls: number[][] = cases.map(() => []);
  for (let r = 0; r < repeats; r++) {
    for (let c = 0; c < cases.length; c++) {
      const n = iterations[c] as number;
      const [cpu, wall] = run(c, n);
      (samples[c] as number[]).push(cpu / n);
      (walls[c] as number[]).push(wall / n);
    }
  }
  return summarize(cases, samples, walls, iterations);
}

/** Each case's timing from its per-call samples (CPU and wall, ns). */
function summarize(
  cases: readonly { readonly name: string }[],
  samples: readonly number[][],
  walls: readonly number[][],
  iterations: readonly number[],
): Timing[] {
  return cases.map((c, i) => ({
    name: c.name,
    ns: median(samples[i] as number[]),
    wallNs: median(walls[i] as number[]),
    minNs: Math.min(...(samples[i] as number[])),
    samples: samples[i] as number[],
    iterations: iterations[i] as number,
  }));
}

/**
 * A function under test that must never see the same input twice: `prepare` makes one input
 * (outside the timed region), `fn` is called once per input.
 */
export interface FreshCase<I = any> {
  readonly name: string;
  readonly prepare: () => I;
  readonly fn: (input: I) => unknown;
}

/** Most inputs prepared for one batch: bounds the memory that pending inputs hold. */
const maxFreshInputs = 512;

/** Runs `fn` on `n` inputs prepared beforehand (then a full GC, untimed); returns [cpu ns, wall ns]. */
function runFreshBatch<I>(c: FreshCase<I>, n: number, promote: boolean): [number, number] {
  const inputs = new Array<I>(n);
  for (let i = 0; i < n; i++) inputs[i] = c.prepare();
  // Two scavenges move the inputs out of the young generation (a full GC would too, at ~20-35 ms
  // a call on this machine), so that the scavenges of the timed loop do not pay for copying them.
  if (promote) {
    minorGc();
    minorGc();
  }
  const fn = c.fn;
  const cpu = cpuNow();
  const wall = now();
  for (let i = 0; i < n; i++) sink = fn(inputs[i] as I);
  return [cpuNow() - cpu, now() - wall];
}

/**
 * `measure` for cases whose every call gets an input of its own (a first call on each): the
 * same warm-up, calibration and interleaving, every input prepared before its batch starts
 * (and, except in a quick run, moved to the old generation). Batches hold at most 512 calls.
 */
export function measureFresh(cases: readonly FreshCase[], budget: Budget): Timing[] {
  gc();
  const iterations = cases.map((c) => {
    const warmEnd = now() + budget.warmupMs * 1e6;
    let calls = 0;
    do {
      sink = c.fn(c.prepare());
      calls++;
    } while (now() < warmEnd || calls < 2);
    let n = 1;
    for (;;) {
      const [, wall] = runFreshBatch(c, n, !budget.quick);
      if (wall >= budget.batchMs * 1e6 * 0.25 || n >= maxFreshInputs) {
        return Math.min(
          maxFreshInputs,
          Math.max(1, Math.round((n * budget.batchMs * 1e6) / Math.max(wall, 1))),
        );
      }
      n *= 4;
    }
  });
  return interleaved(cases, iterations, budget.repeats, (c, n) => runFreshBatch(cases[c]!, n, !budget.quick));
}

/**
 * Times async cases (tensor work that has to be awaited) the same way, with a fixed number of
 * calls per batch.
 */
export async function measureAsync(
  cases: readonly { name: string; fn: () => Promise<unknown> }[],
  budget: Budget,
  callsPerBatch: number,
): Promise<Timing[]> {
  gc();
  for (const c of cases) for (let i = 0; i < (budget.quick ? 1 : 3); i++) sink = await c.fn();
  const samples: number[][] = cases.map(() => []);
  const walls: number[][] = cases.map(() => []);
  for (let r = 0; r < budget.repeats; r++) {
    for (let c = 0; c < cases.length; c++) {
      const cpu = cpuNow();
      const start = now();
      for (let i = 0; i < callsPerBatch; i++) sink = await (cases[c] as { fn: () => Promise<unknown> }).fn();
      (walls[c] as number[]).push((now() - start) / callsPerBatch);
      (samples[c] as number[]).push((cpuNow() - cpu) / callsPerBatch);
    }
  }
  return summarize(
    cases,
    samples,
    walls,
    cases.map(() => callsPerBatch),
  );
}

// -------------------------------------------------------------------------------------
// reporting
// -------------------------------------------------------------------------------------

/** A time in the most readable unit. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return "n/a";
  if (ns < 1e3) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export function formatRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : "n/a";
}

/** Prints a markdown table (readable in a terminal, pasteable into the README). */
export function printTable(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  leftColumns = 2,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
  const sep = `| ${widths.map((w, i) => (i < leftColumns ? "-".repeat(w) : `${"-".repeat(Math.max(w - 1, 1))}:`)).join(" | ")} |`;
  const text = [`### ${title}`, "", line(header), sep, ...rows.map(line), ""].join("\n");
  console.log(text);
  return text;
}
