/**
 * Test helpers for the codec tests: a bit-exact, iterative comparison of trees (treeEqual
 * compares values, not bits: it equates 0 and -0 and never NaN payloads), and deep-tree builders.
 */
import * as tf from "@tensorflow/tfjs-core";

function bytesOf(x: tf.Tensor): Uint8Array {
  const v = x.dataSync() as Float32Array | Int32Array | Uint8Array;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function plain(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
}

/**
 * Where `a` and `b` differ, bit for bit (`undefined` when identical): numbers by `Object.is`
 * (so -0 and NaN count), tensors by dtype, shape and raw bytes, functions by identity, objects by
 * own keys (an own `undefined` property differs from a missing one). No recursion.
 */
export function exactDifference(a: unknown, b: unknown): string | undefined {
  // Paths as linked lists, rendered only on a difference (building strings per level would be
  // quadratic at depth 100,000).
  interface Link {
    readonly parent: Link | null;
    readonly key: string;
  }
  const render = (link: Link | null): string => {
    const parts: string[] = [];
    for (let l = link; l !== null; l = l.parent) parts.push(l.key);
    return parts.length === 0 ? "<root>" : parts.reverse().join("");
  };
  const stack: [unknown, unknown, Link | null][] = [[a, b, null]];
  while (stack.length > 0) {
    const [x, y, path] = stack.pop() as [unknown, unknown, Link | null];
    const where = { toString: () => render(path) };
    if (x instanceof tf.Tensor || y instanceof tf.Tensor) {
      if (!(x instanceof tf.Tensor && y instanceof tf.Tensor)) return `${where}: tensor vs non-tensor`;
      if (x.dtype !== y.dtype) return `${where}: dtype ${x.dtype} vs ${y.dtype}`;
      if (x.shape.join(",") !== y.shape.join(",")) return `${where}: shape [${x.shape}] vs [${y.shape}]`;
      const bx = bytesOf(x);
      const by = bytesOf(y);
      if (bx.length !== by.length) return `${where}: byte length`;
      for (let i = 0; i < bx.length; i++)
        if (bx[i] !== by[i]) return `${where}: byte ${i} ${bx[i]} vs ${by[i]}`;
      continue;
    }
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!(Array.isArray(x) && Array.isArray(y))) return `${where}: array vs non-array`;
      if (x.length !== y.length) return `${where}: length ${x.length} vs ${y.length}`;
      for (let i = x.length - 1; i >= 0; i--) stack.push([x[i], y[i], { parent: path, key: `[${i}]` }]);
      continue;
    }
    if (plain(x) || plain(y)) {
      if (!(plain(x) && plain(y))) return `${where}: object vs non-object`;
      const kx = Object.keys(x).sort();
      const ky = Object.keys(y).sort();
      if (kx.join("\u0000") !== ky.join("\u0000")) return `${where}: keys [${kx}] vs [${ky}]`;
      for (const k of kx) stack.push([x[k], y[k], { parent: path, key: `.${k}` }]);
      continue;
    }
    if (!Object.is(x, y)) return `${where}: ${show(x)} vs ${show(y)}`;
  }
  return undefined;
}

const show = (v: unknown): string =>
  Object.is(v, -0) ? "-0" : typeof v === "string" ? JSON.stringify(v) : String(v);

/** `depth` nested arrays around `inner` (built with a loop). */
export function deepArray(depth: number, inner: unknown): unknown {
  let v: unknown = inner;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** `depth` nested `{ a: ... }` objects around `inner`. */
export function deepObject(depth: number, inner: unknown): unknown {
  let v: unknown = inner;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** Disposes every tensor reachable in `x` (iteratively). */
export function disposeAll(x: unknown): void {
  const stack: unknown[] = [x];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof tf.Tensor) {
      if (!v.isDisposed) v.dispose();
    } else if (v !== null && typeof v === "object" && !seen.has(v)) {
      seen.add(v);
      for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
  }
}
