/**
 * Saving and loading trees as files: a JSON document plus a binary side file of tensor bytes.
 *
 * `saveTree("model.tree.json", tree)` writes two files:
 *
 * - `model.tree.bin`: every distinct tensor's little-endian bytes, back to back, written straight
 *   from `dataSync()` one tensor at a time (no giant JSON string, no base64);
 * - `model.tree.json`: the document, whose tensors are `{ "_tag": "Tensor", "dtype", "shape",
 *   "weight": "layers/0/w" }` references, plus a `weightsManifest` in tfjs's own format (so
 *   `tf.io.decodeWeights(bytes, manifest.weightsManifest[0].weights)` reads the side file too) and
 *   the CRC-32 of the side file.
 *
 * `loadTree` checks the manifest completely (names, dtypes, shapes, sizes against the side file's
 * length, the file name itself) and the tree against it before reading a byte, then reads each tensor into its own typed
 * array and hands it to tfjs, so peak memory stays near the model's size plus its largest tensor.
 * A missing, truncated or corrupt file gives a Left, never a rejection. Both files are written
 * to temporary names and renamed into place, so a crash never leaves a half-written file under
 * the real name.
 *
 * A tensor that appears several times in the tree is stored once and comes back as one tensor
 * appearing several times.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import { promises as fsp } from "fs";
import * as nodePath from "path";
import * as zlib from "zlib";
import { crc32Update } from "./crc32";
import { decodeDocument, maxDecodeErrors, type DecodeContext, type LoadedWeight } from "./decode";
import { documentType, TreeEncodeError } from "./errors";
import { formatName, formatVersion } from "./format";
import { encodeValue } from "./encode";
import { parseJsonText, stringifyTrustedJson, type ParsedJson } from "./json";
import {
  allocateTensorData,
  bytesPerElement,
  checkShape,
  describeValue,
  isSupportedDtype,
  newDecodeScratch,
  tensorBytes,
  tensorFromData,
  unsupportedDtypeMessage,
  type SupportedDtype,
} from "./tensor";
import {
  documentPieces,
  notJsonError,
  resolveCodecOptions,
  type Tree,
  type TreeCodecOptions,
} from "./treeCodec";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * Options of {@link saveTree}: the codec options, plus
 *
 * - `inline`: write one self-contained JSON document (tensors as base64) and no side file;
 *   handy for small trees, about 1.33x larger and slower for big ones.
 * - `space`: indentation of the JSON document (none by default).
 *
 * @example
 * const options: SaveTreeOptions = { inline: true, space: 2 };
 * await saveTree(require("os").tmpdir() + "/small.json", { lr: 0.1 }, options);
 */
export interface SaveTreeOptions extends TreeCodecOptions {
  readonly inline?: boolean | undefined;
  readonly space?: number | undefined;
}

/**
 * One entry of tfjs's weights manifest (`tf.io.WeightsManifestEntry`, as paramtree writes it).
 *
 * @example
 * const entry: WeightsManifestEntryJson = { name: "layers/0/w", shape: [2, 3], dtype: "float32" };
 */
export interface WeightsManifestEntryJson {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: SupportedDtype;
}

/**
 * A group of tfjs's weights manifest: its side file, and the weights stored back to back in it.
 *
 * @example
 * const group: WeightsManifestGroupJson = {
 *   paths: ["model.tree.bin"],
 *   weights: [{ name: "layers/0/w", shape: [2, 3], dtype: "float32" }],
 * };
 */
export interface WeightsManifestGroupJson {
  readonly paths: readonly string[];
  readonly weights: readonly WeightsManifestEntryJson[];
}

/** A manifest entry with its place in the side file. */
interface PlannedWeight {
  readonly name: string;
  readonly dtype: SupportedDtype;
  readonly shape: readonly number[];
  readonly size: number;
  readonly byteOffset: number;
  readonly byteLength: number;
}

interface PlannedGroup {
  readonly file: string;
  readonly byteLength: number;
  readonly crc32: number | undefined;
  readonly weights: readonly PlannedWeight[];
}

const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
const crc32 = (crc: number, bytes: Uint8Array): number =>
  nativeCrc32 !== undefined ? nativeCrc32(bytes, crc) : crc32Update(crc, bytes);

// -------------------------------------------------------------------------------------
// save
// -------------------------------------------------------------------------------------

/**
 * The side file's name for a document path: `.json` replaced by `.bin` (or `.bin` appended).
 *
 * @example
 * weightsFileName("out/model.tree.json"); // "model.tree.bin"
 * weightsFileName("model");               // "model.bin"
 */
export function weightsFileName(path: string): string {
  const base = nodePath.basename(path);
  return base.toLowerCase().endsWith(".json") ? `${base.slice(0, -5)}.bin` : `${base}.bin`;
}

/**
 * Writes `tree` to `path` (a JSON document) and, when it holds tensors, its bytes to the side
 * file next to it (see {@link weightsFileName}). Rejects with a {@link TreeEncodeError} naming the
 * key path of anything that cannot be written (nothing is written then), or with the file
 * system's error. An empty path, a path ending in a path separator and a folder are refused
 * with an `Error` before anything is written.
 *
 * @example
 * const file = require("path").join(require("os").tmpdir(), "model.tree.json");
 * await saveTree(file, { w: tf.ones([2, 2]), lr: 0.1 });
 * const back = await loadTree(file);
 * E.isRight(back) && back.right; // { w: tf.ones([2, 2]), lr: 0.1 }
 */
export async function saveTree(path: string, tree: Tree, options?: SaveTreeOptions): Promise<void> {
  await checkDocumentPath(path);
  const resolved = resolveCodecOptions(options);
  const tmpSuffix = `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  if (options?.inline === true) {
    // Written piece by piece (a tensor's base64 at a time): the whole text never exists.
    const pieces = documentPieces(tree, resolved, options.space);
    if (E.isLeft(pieces)) throw new TreeEncodeError(pieces.left);
    await writeAtomically(path, tmpSuffix, pieces.right);
    return;
  }
  const encoded = encodeValue(tree, { ...resolved, tensors: "external" });
  if ("problems" in encoded) throw new TreeEncodeError(encoded.problems);
  const { weights } = encoded;
  if (weights.length === 0) {
    await writeAtomically(
      path,
      tmpSuffix,
      stringifyTrustedJson(
        { format: formatName, version: formatVersion, tree: encoded.json },
        options?.space,
      ),
    );
    return;
  }
  const binName = weightsFileName(path);
  const binPath = nodePath.join(nodePath.dirname(path), binName);
  const binTmp = binPath + tmpSuffix;
  let crc = 0;
  const handle = await fsp.open(binTmp, "w");
  try {
    for (const { tensor } of weights) {
      // One tensor's bytes at a time, straight from dataSync(): memory stays at one tensor.
      const bytes = tensorBytes(tensor);
      crc = crc32(crc, bytes);
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
    }
  } catch (cause) {
    await handle.close().catch(() => undefined);
    await fsp.rm(binTmp, { force: true });
    throw cause;
  }
  await handle.close();
  const document = {
    format: formatName,
    version: formatVersion,
    weightsManifest: [
      {
        paths: [binName],
        weights: weights.map(({ name, tensor }) => ({
          name,
          shape: tensor.shape.slice(),
          dtype: tensor.dtype,
        })),
      },
    ],
    weightsCrc32: [crc],
    tree: encoded.json,
  };
  try {
    await fsp.rename(binTmp, binPath);
    await writeAtomically(path, tmpSuffix, stringifyTrustedJson(document, options?.space));
  } catch (cause) {
    await fsp.rm(binTmp, { force: true });
    throw cause;
  }
}

/**
 * Refuses, before anything is written, a path that names no document file: an empty path, one
 * ending in a path separator, or an existing folder.
 */
async function checkDocumentPath(path: string): Promise<void> {
  if (typeof path !== "string" || path.length === 0) {
    throw new Error('saveTree: the path is empty; give a document file such as "model.tree.json"');
  }
  if (path.endsWith("/") || path.endsWith(nodePath.sep)) {
    throw new Error(
      `saveTree: the path ${JSON.stringify(path)} ends with a path separator; give a document file name, not a folder`,
    );
  }
  let isFolder = false;
  try {
    isFolder = (await fsp.stat(path)).isDirectory();
  } catch {
    // A missing document is the usual case; other problems surface when writing.
  }
  if (isFolder) {
    throw new Error(
      `saveTree: the path ${JSON.stringify(path)} is a folder; give a document file name inside it`,
    );
  }
}

async function writeAtomically(
  path: string,
  tmpSuffix: string,
  text: string | readonly (() => string)[],
): Promise<void> {
  const tmp = path + tmpSuffix;
  try {
    if (typeof text === "string") {
      await fsp.writeFile(tmp, text, "utf8");
    } else {
      const handle = await fsp.open(tmp, "w");
      try {
        for (const piece of text) {
          const bytes = Buffer.from(piece(), "utf8");
          let written = 0;
          while (written < bytes.length) {
            const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
            written += bytesWritten;
          }
        }
      } finally {
        await handle.close();
      }
    }
    await fsp.rename(tmp, path);
  } catch (cause) {
    await fsp.rm(tmp, { force: true });
    throw cause;
  }
}

// -------------------------------------------------------------------------------------
// load
// -------------------------------------------------------------------------------------

/**
 * Reads a tree written by {@link saveTree}. Never rejects: a missing, truncated, corrupt or
 * hostile file is a Left whose errors name the file or the key path (render them with
 * `formatDecodeErrors`). The tensors are new; the caller disposes them.
 *
 * @example
 * const result = await loadTree("no/such/model.tree.json");
 * const report = E.isLeft(result) ? formatDecodeErrors(result.left) : [];
 * // ['document: cannot read "no/such/model.tree.json" (ENOENT: no such file or directory, ...)']
 */
export async function loadTree(path: string, options?: TreeCodecOptions): Promise<E.Either<t.Errors, Tree>> {
  let resolved: ReturnType<typeof resolveCodecOptions> & Pick<DecodeContext, "resolveString">;
  try {
    resolved = resolveCodecOptions(options);
  } catch (cause) {
    return E.left([fileError(path, (cause as Error).message)]);
  }
  let text: string;
  try {
    text = await fsp.readFile(path, "utf8");
  } catch (cause) {
    return E.left([fileError(path, `cannot read ${JSON.stringify(path)} (${(cause as Error).message})`)]);
  }
  let parsed: ParsedJson;
  try {
    parsed = parseJsonText(text);
  } catch (cause) {
    return E.left([notJsonError(text, cause)]);
  }
  const json = parsed.json;
  // Inline tensor data stays in `text` (see parseJsonText), resolved by the decoder.
  resolved = { ...resolved, resolveString: parsed.resolve };
  const root: t.Context = [{ key: "", type: documentType, actual: json }];
  const hasManifest =
    json !== null &&
    typeof json === "object" &&
    !Array.isArray(json) &&
    Object.prototype.hasOwnProperty.call(json, "weightsManifest");
  if (!hasManifest) return decodeDocument(json, root, resolved);
  const doc = json as Record<string, unknown>;
  // Check the document header first, so that a newer version is refused before its manifest.
  if (doc["format"] !== formatName) return decodeDocument(json, root, resolved);
  const header = decodeDocument(
    { format: doc["format"], version: doc["version"], tree: null },
    root,
    resolved,
  );
  if (E.isLeft(header)) return header;

  const planned = planWeights(doc, root);
  if (E.isLeft(planned)) return planned;
  // Check the whole tree against the manifest before reading (or allocating) a single weight.
  const plannedWeights = new Map<string, LoadedWeight>();
  for (const group of planned.right) {
    for (const w of group.weights)
      plannedWeights.set(w.name, { dtype: w.dtype, shape: w.shape, tensor: null as unknown as tf.Tensor });
  }
  const checked = decodeDocument(json, root, { ...resolved, weights: plannedWeights, checkOnly: true });
  if (E.isLeft(checked)) return checked;
  const weights = new Map<string, LoadedWeight>();
  const disposeAll = (): void => {
    for (const w of weights.values()) w.tensor.dispose();
  };
  try {
    const dir = nodePath.dirname(path);
    for (let g = 0; g < planned.right.length; g++) {
      const problem = await readGroup(
        nodePath.join(dir, (planned.right[g] as PlannedGroup).file),
        planned.right[g] as PlannedGroup,
        weights,
      );
      if (problem !== undefined) {
        disposeAll();
        return E.left([groupError(doc, root, g, problem)]);
      }
    }
  } catch (cause) {
    disposeAll();
    return E.left([fileError(path, `reading the weights failed: ${(cause as Error).message}`)]);
  }
  const usedWeights = new Set<string>();
  const result = decodeDocument(json, root, { ...resolved, weights, usedWeights });
  if (E.isLeft(result)) {
    disposeAll();
    return result;
  }
  for (const [name, w] of weights) if (!usedWeights.has(name)) w.tensor.dispose();
  return result;
}

/** Reads one group's side file into tensors; returns a problem message, or undefined. */
async function readGroup(
  file: string,
  group: PlannedGroup,
  out: Map<string, LoadedWeight>,
): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof fsp.open>>;
  try {
    handle = await fsp.open(file, "r");
  } catch (cause) {
    return `cannot open the weights file ${JSON.stringify(file)} (${(cause as Error).message})`;
  }
  try {
    const { size } = await handle.stat();
    if (size !== group.byteLength) {
      return (
        `the weights file ${JSON.stringify(file)} has ${size} bytes but the manifest describes ${group.byteLength}` +
        (size < group.byteLength ? " (truncated?)" : "")
      );
    }
    let crc = 0;
    const scratch = newDecodeScratch(); // one buffer for all weights when the backend copies
    for (const w of group.weights) {
      const { values, bytes } = allocateTensorData(w.dtype, w.size, scratch);
      let read = 0;
      while (read < bytes.length) {
        const { bytesRead } = await handle.read(bytes, read, bytes.length - read, w.byteOffset + read);
        if (bytesRead === 0) return `the weights file ${JSON.stringify(file)} ended early (truncated?)`;
        read += bytesRead;
      }
      crc = crc32(crc, bytes);
      const made = tensorFromData(w.dtype, w.shape, values);
      if (typeof made === "string") return `weight ${JSON.stringify(w.name)}: ${made}`;
      out.set(w.name, { dtype: w.dtype, shape: w.shape, tensor: made });
    }
    if (group.crc32 !== undefined && crc !== group.crc32) {
      return `the weights file ${JSON.stringify(file)} is corrupt: its CRC-32 is ${crc} but the manifest says ${group.crc32}`;
    }
    return undefined;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Checks `weightsManifest` (and `weightsCrc32`) completely and lays the weights out in their
 * files; nothing is read or allocated here.
 */
function planWeights(doc: Record<string, unknown>, root: t.Context): E.Either<t.Errors, PlannedGroup[]> {
  const errors: t.ValidationError[] = [];
  const manifest = doc["weightsManifest"];
  const crcs = doc["weightsCrc32"];
  const entry = (key: string, actual: unknown): t.ContextEntry => ({ key, type: t.unknown, actual });
  const fail = (context: t.ContextEntry[], message: string): void => {
    if (errors.length < maxDecodeErrors)
      errors.push({ value: context[context.length - 1]?.actual, context: [...root, ...context], message });
  };
  const mPath = [entry("weightsManifest", manifest)];
  if (!Array.isArray(manifest) || manifest.length === 0) {
    fail(
      mPath,
      `expected a non-empty array of weight groups { paths, weights }, got ${describeValue(manifest)}`,
    );
    return E.left(errors);
  }
  if (
    crcs !== undefined &&
    (!Array.isArray(crcs) ||
      crcs.length !== manifest.length ||
      !crcs.every((c) => Number.isInteger(c) && c >= 0 && c <= 0xffffffff))
  ) {
    fail(
      [entry("weightsCrc32", crcs)],
      `expected one CRC-32 (an integer from 0 to 4294967295) per weight group, got ${describeValue(crcs)}`,
    );
  }
  const names = new Set<string>();
  const groups: PlannedGroup[] = [];
  for (let g = 0; g < manifest.length; g++) {
    const group: unknown = manifest[g];
    const gPath = [...mPath, entry(String(g), group)];
    if (!isObject(group)) {
      fail(gPath, `expected a weight group { paths, weights }, got ${describeValue(group)}`);
      continue;
    }
    for (const key of Object.keys(group)) {
      if (key !== "paths" && key !== "weights")
        fail(
          [...gPath, entry(key, group[key])],
          `unexpected field ${JSON.stringify(key)} in a weight group (expected paths, weights)`,
        );
    }
    const paths = group["paths"];
    let file: string | undefined;
    if (!Array.isArray(paths) || paths.length !== 1) {
      fail(
        [...gPath, entry("paths", paths)],
        Array.isArray(paths) && paths.length > 1
          ? "sharded weight groups (more than one path) are not supported; expected exactly one file"
          : `expected [fileName], got ${describeValue(paths)}`,
      );
    } else {
      const name: unknown = paths[0];
      const problem = checkFileName(name);
      if (problem !== undefined) fail([...gPath, entry("paths", paths), entry("0", name)], problem);
      else file = name as string;
    }
    const list = group["weights"];
    if (!Array.isArray(list)) {
      fail(
        [...gPath, entry("weights", list)],
        `expected an array of weights { name, shape, dtype }, got ${describeValue(list)}`,
      );
      continue;
    }
    const planned: PlannedWeight[] = [];
    let offset = 0;
    for (let i = 0; i < list.length; i++) {
      const w: unknown = list[i];
      const wPath = [...gPath, entry("weights", list), entry(String(i), w)];
      if (!isObject(w)) {
        fail(wPath, `expected a weight { name, shape, dtype }, got ${describeValue(w)}`);
        continue;
      }
      let ok = true;
      for (const key of Object.keys(w)) {
        if (key === "quantization") {
          fail([...wPath, entry(key, w[key])], "quantized weights are not supported");
          ok = false;
        } else if (key !== "name" && key !== "shape" && key !== "dtype" && key !== "group") {
          fail(
            [...wPath, entry(key, w[key])],
            `unexpected field ${JSON.stringify(key)} in a weight (expected name, shape, dtype)`,
          );
          ok = false;
        }
      }
      const name = w["name"];
      if (typeof name !== "string") {
        fail(
          [...wPath, entry("name", name)],
          `expected a weight name (a string), got ${describeValue(name)}`,
        );
        ok = false;
      } else if (names.has(name)) {
        fail([...wPath, entry("name", name)], `the weight name ${JSON.stringify(name)} appears twice`);
        ok = false;
      } else {
        names.add(name);
      }
      const dtype = w["dtype"];
      if (!isSupportedDtype(dtype)) {
        fail([...wPath, entry("dtype", dtype)], unsupportedDtypeMessage(dtype));
        ok = false;
      }
      const shape = w["shape"];
      const checked = checkShape(shape);
      if ("problems" in checked) {
        for (const p of checked.problems) {
          const sPath = [...wPath, entry("shape", shape)];
          fail(
            p.index === undefined ? sPath : [...sPath, entry(String(p.index), (shape as unknown[])[p.index])],
            p.message,
          );
        }
        ok = false;
      }
      if (!ok || "problems" in checked || !isSupportedDtype(dtype)) continue;
      const byteLength = checked.size * bytesPerElement(dtype);
      planned.push({
        name: name as string,
        dtype,
        shape: (shape as number[]).slice(),
        size: checked.size,
        byteOffset: offset,
        byteLength,
      });
      offset += byteLength; // each term < 2^33, so the sum stays exact far beyond any real file
    }
    if (file !== undefined) {
      const crc: unknown = Array.isArray(crcs) ? crcs[g] : undefined;
      groups.push({
        file,
        byteLength: offset,
        crc32: typeof crc === "number" ? crc : undefined,
        weights: planned,
      });
    }
  }
  return errors.length > 0 ? E.left(errors) : E.right(groups);
}

/** A side file must be a plain file name next to the document: no directories, no `..`. */
function checkFileName(name: unknown): string | undefined {
  if (typeof name !== "string" || name.length === 0)
    return `expected a file name, got ${describeValue(name)}`;
  if (name === "." || name === ".." || /[/\\\0]/.test(name) || nodePath.isAbsolute(name)) {
    return `the weights file ${JSON.stringify(name)} must be a plain file name next to the document (no directories)`;
  }
  return undefined;
}

function groupError(
  doc: Record<string, unknown>,
  root: t.Context,
  g: number,
  message: string,
): t.ValidationError {
  const manifest = doc["weightsManifest"] as unknown[];
  const context: t.Context = [
    ...root,
    { key: "weightsManifest", type: t.unknown, actual: manifest },
    { key: String(g), type: t.unknown, actual: manifest[g] },
  ];
  return { value: manifest[g], context, message };
}

function fileError(path: string, message: string): t.ValidationError {
  return { value: path, context: [{ key: "", type: documentType, actual: path }], message };
}

function isObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object" || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}
