/**
 * Saving and loading trees as files: a JSON document plus a binary side file of tensor bytes.
 *
 * `saveTree("model.tree.json", tree)` writes two files:
 *
 * - `model.tree.json.<save id>.bin`: every distinct tensor's little-endian bytes, back to back,
 *   taken from `dataSync()` one tensor at a time (no giant JSON string, no base64) and written in
 *   1 MiB chunks (a file call per tensor would make 100,000 small tensors take seconds);
 *   the save id (16 hex digits) is new for each save;
 * - `model.tree.json`: the document, whose tensors are `{ "_tag": "Tensor", "dtype", "shape",
 *   "weight": "layers/0/w" }` references, plus a `weightsManifest` in tfjs's own format naming the
 *   side file (so `tf.io.decodeWeights(bytes, manifest.weightsManifest[0].weights)` reads it too)
 *   and the CRC-32 of the side file.
 *
 * `loadTree` checks the manifest completely (names, dtypes, shapes, sizes against the side file's
 * length, the file name itself) and the tree against it before reading a byte, then reads each tensor into its own typed
 * array and hands it to tfjs, so peak memory stays near the model's size plus its largest tensor.
 * A missing, truncated or corrupt file gives a Left, never a rejection.
 *
 * Saves commit like a database: the side file is written and flushed under its new name, the
 * document is written to a temporary name, flushed, and renamed over the old one (the single
 * commit point), the folder is flushed, and only then is the replaced document's side file
 * removed. A failure or crash at any point leaves the path loading as the old model or the new
 * one; a load that finds its side file removed by a save committing meanwhile reads the document again while it keeps changing (bounded).
 *
 * A tensor that appears several times in the tree is stored once and comes back as one tensor
 * appearing several times.
 *
 * @module
 */
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import { constants as fsConstants, promises as fsp, type Stats } from "fs";
import type { FileHandle } from "fs/promises";
import * as nodePath from "path";
import * as zlib from "zlib";
import { randomBytes } from "crypto";
import { crc32Update } from "./crc32";
import { decodeDocument, maxDecodeErrors, type DecodeContext, type LoadedWeight } from "./decode";
import { documentType, TreeEncodeError } from "./errors";
import { formatName, formatVersion, newestFormatVersion } from "./format";
import { encodeValue, readWeight } from "./encode";
import {
  booleanOptionProblem,
  checkWeightSpec,
  codecOptionsProblem,
  decodeWithWeights,
  weightSpecsCrc32,
} from "./weights";
import { parseJsonText, stringifyTrustedJson, type ParsedJson } from "./json";
import {
  allocateTensorData,
  bytesPerElement,
  describeValue,
  newDecodeScratch,
  tensorBytes,
  tensorFromData,
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
 * - `leftoverAgeMs`: how old (by modification time) a leftover of a crashed or raced save of
 *   this path (`<file name>.<16 hex digits>.bin` or `.tmp` that the document does not name) must
 *   be before a save removes it; 10 minutes ({@link defaultLeftoverAgeMs}) when omitted, `0` to
 *   remove them at once (when no other save of the path can be running), `Infinity` never.
 *
 * @example
 * const options: SaveTreeOptions = { inline: true, space: 2, leftoverAgeMs: 60_000 };
 * await saveTree(require("os").tmpdir() + "/small.json", { lr: 0.1 }, options);
 */
export interface SaveTreeOptions extends TreeCodecOptions {
  readonly inline?: boolean | undefined;
  readonly space?: number | undefined;
  /** The file-system calls to make (Node's by default); see {@link SaveFileSystem}. */
  readonly fileSystem?: SaveFileSystem | undefined;
  readonly leftoverAgeMs?: number | undefined;
}

/**
 * Options of {@link loadTree}: the codec options, plus `requireChecksum` (true by default): a
 * document with a side file must carry the `weightsCrc32` that {@link saveTree} always writes;
 * pass `false` to load a hand-made tfjs manifest without one.
 *
 * @example
 * const options: LoadTreeOptions = { requireChecksum: false };
 * const result = await loadTree("no/such/model.tree.json", options);
 * E.isLeft(result); // true
 */
export interface LoadTreeOptions extends TreeCodecOptions {
  readonly requireChecksum?: boolean | undefined;
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
/**
 * The CRC-32 of `bytes` continuing `crc`. Empty bytes leave it as it is: Node's `zlib.crc32`
 * answers 0 for an empty array without a backing store (zlib's value for a null buffer), which
 * tfjs hands out for empty tensors.
 */
const crc32 = (crc: number, bytes: Uint8Array): number =>
  bytes.length === 0 ? crc : nativeCrc32 !== undefined ? nativeCrc32(bytes, crc) : crc32Update(crc, bytes);

// -------------------------------------------------------------------------------------
// save
// -------------------------------------------------------------------------------------

/**
 * The side file's name for a document path and a save's id: the document's full file name, the
 * id, then `.bin`. Each save writes a new side file, so `m` and `m.json` (and two saves of one
 * path) never share one.
 *
 * @example
 * weightsFileName("out/model.tree.json", "0123456789abcdef"); // "model.tree.json.0123456789abcdef.bin"
 * weightsFileName("model", "0123456789abcdef");               // "model.0123456789abcdef.bin"
 */
export function weightsFileName(path: string, saveId: string): string {
  return `${nodePath.basename(path)}.${saveId}.bin`;
}

/**
 * An open file as {@link saveTree} uses it: the subset of Node's `FileHandle` it calls.
 *
 * @example
 * const handle: SaveFileHandle = await require("fs").promises.open(require("os").tmpdir(), "r");
 * await handle.close();
 */
export interface SaveFileHandle {
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
  /** Sets the file's mode (Node's handles have it); a handle without it keeps the mode it was opened with. */
  chmod?(mode: number): Promise<void>;
}

/**
 * The file-system calls {@link saveTree} makes, all of them (Node's `fs.promises` by default).
 * Tests pass a wrapper that fails a chosen call to check that every failure leaves the old model.
 *
 * @example
 * const fsp = require("fs").promises;
 * const calls: string[] = [];
 * const logged: SaveFileSystem = {
 *   open: (p, flags) => (calls.push("open"), fsp.open(p, flags)),
 *   rename: (a, b) => (calls.push("rename"), fsp.rename(a, b)),
 *   rm: (p) => (calls.push("rm"), fsp.rm(p, { force: true })),
 *   readdir: (p) => (calls.push("readdir"), fsp.readdir(p)),
 *   readFile: (p) => (calls.push("readFile"), fsp.readFile(p, "utf8")),
 *   mtimeMs: async (p) => (calls.push("stat"), (await fsp.stat(p)).mtimeMs),
 * };
 * await saveTree(require("os").tmpdir() + "/logged.json", { lr: 0.1 }, { fileSystem: logged });
 * calls.includes("rename"); // true
 */
export interface SaveFileSystem {
  /** Opens a file; `mode` is the permissions of a file it creates (before the umask), as in Node. */
  open(path: string, flags: "w" | "wx" | "r", mode?: number): Promise<SaveFileHandle>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a missing file is not an error. */
  rm(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<string>;
  mtimeMs(path: string): Promise<number>;
}

const nodeFileSystem: SaveFileSystem = {
  open: (path, flags, mode) => fsp.open(path, flags, mode),
  rename: (from, to) => fsp.rename(from, to),
  rm: (path) => fsp.rm(path, { force: true }),
  readdir: (path) => fsp.readdir(path),
  // Only a regular file, opened non-blocking: a FIFO swapped in must not hang the save.
  readFile: async (path) => {
    const handle = await openRegularFile(path);
    if (typeof handle === "string") throw new Error(handle);
    try {
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  },
  mtimeMs: async (path) => (await fsp.stat(path)).mtimeMs,
};

/**
 * How old a leftover of a crashed or raced save must be before a later save of the same path
 * removes it, unless `SaveTreeOptions.leftoverAgeMs` says otherwise: long enough that a save
 * still running next to it keeps its files.
 *
 * @example
 * defaultLeftoverAgeMs; // 600000 (10 minutes)
 */
export const defaultLeftoverAgeMs = 10 * 60 * 1000;

/**
 * Writes `tree` to `path` (a JSON document) and, when it holds tensors, its bytes to a side file
 * next to it whose name is new for each save (see {@link weightsFileName}) and recorded in the
 * document. The side file is written and flushed first, then the document goes to a temporary
 * name, is flushed, and is renamed over `path`: that rename is the one commit point, so a failure
 * or crash at any moment leaves `path` loading as the old model or the new one. Afterwards the
 * side file of the replaced document is removed, and so are this document's side files and
 * temporary documents left by crashed saves (after `leftoverAgeMs`, 10 minutes by default).
 *
 * When `path` is a symbolic link, the rename replaces the link (as `mv` and atomic-save tools do):
 * `path` becomes the new document, and the file the link pointed to stays as it was, with its
 * side files, still loading as the old model.
 *
 * Rejects with a {@link TreeEncodeError} naming the key path of anything that cannot be written
 * (nothing is written then), or with the file system's error. An empty path, a path ending in a
 * path separator and a folder are refused with an `Error` before anything is written.
 *
 * @example
 * const file = require("path").join(require("os").tmpdir(), "model.tree.json");
 * await saveTree(file, { w: tf.ones([2, 2]), lr: 0.1 });
 * const back = await loadTree(file);
 * E.isRight(back) && back.right; // { w: tf.ones([2, 2]), lr: 0.1 }
 */
export async function saveTree(path: string, tree: Tree, options?: SaveTreeOptions): Promise<void> {
  const problem = saveTreeOptionsProblem(options);
  if (problem !== undefined) throw new TypeError(problem);
  const { mode } = await checkDocumentPath(path);
  const leftoverAgeMs = options?.leftoverAgeMs ?? defaultLeftoverAgeMs;
  const fs = options?.fileSystem ?? nodeFileSystem;
  const resolved = resolveCodecOptions(options);
  const saveId = randomBytes(8).toString("hex");
  const dir = nodePath.dirname(path);
  if (options?.inline === true) {
    // Written piece by piece (a tensor's base64 at a time): the whole text never exists.
    const pieces = documentPieces(tree, resolved, options.space);
    if (E.isLeft(pieces)) throw new TreeEncodeError(pieces.left);
    await commitDocument(fs, path, saveId, pieces.right, undefined, leftoverAgeMs, mode);
    return;
  }
  const encoded = encodeValue(tree, { ...resolved, tensors: "external" });
  if ("problems" in encoded) throw new TreeEncodeError(encoded.problems);
  const { weights } = encoded;
  if (weights.length === 0) {
    const text = stringifyTrustedJson(
      { format: formatName, version: formatVersion, tree: encoded.json },
      options?.space,
    );
    await commitDocument(fs, path, saveId, [() => text], undefined, leftoverAgeMs, mode);
    return;
  }
  const binName = weightsFileName(path, saveId);
  const binPath = nodePath.join(dir, binName);
  let crc = 0;
  try {
    const handle = await createFile(fs, binPath, path, mode);
    try {
      const out = new ChunkedWriter(handle);
      for (const weight of weights) {
        // One tensor's bytes at a time, straight from dataSync(): memory stays at one tensor
        // plus one chunk. A tensor disposed meanwhile is a TreeEncodeError with its key path.
        const bytes = readWeight(weight, tensorBytes);
        crc = crc32(crc, bytes);
        await out.write(bytes);
      }
      await out.flush();
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (cause) {
    await fs.rm(binPath).catch(() => undefined);
    throw cause;
  }
  const weightsManifest = [
    {
      paths: [binName],
      weights: weights.map(({ name, tensor }) => ({
        name,
        shape: tensor.shape.slice(),
        dtype: tensor.dtype as SupportedDtype,
      })),
    },
  ];
  const document = {
    format: formatName,
    version: manifestCrcVersion,
    weightsManifest,
    weightsCrc32: [crc],
    weightSpecsCrc32: weightSpecsCrc32(weightsManifest.flatMap((g) => g.weights)),
    tree: encoded.json,
  };
  const text = stringifyTrustedJson(document, options?.space);
  await commitDocument(fs, path, saveId, [() => text], binPath, leftoverAgeMs, mode);
}

async function writeAll(handle: SaveFileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}

/**
 * Bytes are written and read in chunks of this size (1 MiB), not one tensor at a time: each
 * file call is a round trip through libuv's thread pool, so 100,000 small tensors would cost
 * 100,000 of them (about 10 s) where a few chunks cost milliseconds.
 */
const chunkBytes = 1 << 20;

/**
 * Gathers small writes into one chunk and writes it when full; a write of a chunk or more goes
 * straight to the file (after what is gathered), so memory stays at one chunk.
 */
class ChunkedWriter {
  private readonly chunk = new Uint8Array(chunkBytes);
  private used = 0;
  constructor(private readonly handle: SaveFileHandle) {}

  async write(bytes: Uint8Array): Promise<void> {
    if (this.used + bytes.length > chunkBytes) await this.flush();
    if (bytes.length >= chunkBytes) {
      await writeAll(this.handle, bytes);
      return;
    }
    this.chunk.set(bytes, this.used);
    this.used += bytes.length;
  }

  async flush(): Promise<void> {
    const used = this.used;
    this.used = 0;
    if (used > 0) await writeAll(this.handle, this.chunk.subarray(0, used));
  }
}

/**
 * The names of the side files and temporary documents that saves of `path` create: its exact file
 * name, a dot, a save id of 16 hex digits, `.bin` or `.tmp`. Another document's files never fit
 * (`m`'s `m.<id>.bin` is not `m.json`'s), but a user's file may: see removeLeftovers.
 */
function ownFilePattern(path: string): RegExp {
  const base = nodePath.basename(path).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${base}\\.[0-9a-f]{16}\\.(bin|tmp)$`);
}

/**
 * Writes the document to a temporary name, flushes it, renames it over `path` (the commit point),
 * flushes the folder, then removes what the replaced document named and leftovers older than
 * `leftoverAgeMs`. On any failure before the commit, removes this save's files (`binPath`
 * included) and rethrows. A symbolic link at `path` is replaced; what its target names is not
 * this folder's to remove.
 */
async function commitDocument(
  fs: SaveFileSystem,
  path: string,
  saveId: string,
  pieces: readonly (() => string)[],
  binPath: string | undefined,
  leftoverAgeMs: number,
  mode: number | undefined,
): Promise<void> {
  const dir = nodePath.dirname(path);
  const tmp = nodePath.join(dir, `${nodePath.basename(path)}.${saveId}.tmp`);
  let previous: string[] = [];
  const isLink = await fsp.lstat(path).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
  try {
    // The document replaced names its side files. A link's target keeps its own: the rename
    // replaces the link, not the target.
    if (!isLink) previous = sideFilesOf(await fs.readFile(path));
  } catch {
    // No previous document (or an unreadable one): nothing of it to remove.
  }
  try {
    const handle = await createFile(fs, tmp, path, mode);
    try {
      // Small pieces are gathered into about a chunk of text per write (see chunkBytes).
      let pending = "";
      for (const piece of pieces) {
        const text = piece();
        if (pending.length + text.length > chunkBytes && pending.length > 0) {
          await writeAll(handle, Buffer.from(pending, "utf8"));
          pending = "";
        }
        if (text.length >= chunkBytes) await writeAll(handle, Buffer.from(text, "utf8"));
        else pending += text;
      }
      if (pending.length > 0) await writeAll(handle, Buffer.from(pending, "utf8"));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (cause) {
    await fs.rm(tmp).catch(() => undefined);
    if (binPath !== undefined) await fs.rm(binPath).catch(() => undefined);
    throw cause;
  }
  // Committed: what follows only tidies up, so its failures are not the caller's.
  try {
    const handle = await fs.open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some systems cannot flush a folder; the rename is then as durable as they make it.
  }
  await removeLeftovers(fs, path, previous, [binPath, tmp], leftoverAgeMs);
}

/**
 * Removes, after a commit, the side files the replaced document named (`previous`) and this
 * document's leftovers older than `leftoverAgeMs`, but only files that a save of this document
 * made and that nothing else needs: a name of its exact grammar (see {@link ownFilePattern}), a
 * regular file (no link, no folder), not named by the document now at `path` (a concurrent save
 * may have committed it), not itself a document (a user may name a document
 * `m.json.0123456789abcdef.tmp`), and not named by any other document of the folder (a copy of
 * the document, `cp m.json backup.json`, still needs its side file). Whatever cannot be checked
 * stays, for a later save to remove; failures are not the caller's, the save has committed.
 */
async function removeLeftovers(
  fs: SaveFileSystem,
  path: string,
  previous: readonly string[],
  own: readonly (string | undefined)[],
  leftoverAgeMs: number,
): Promise<void> {
  const dir = nodePath.dirname(path);
  const base = nodePath.basename(path);
  const pattern = ownFilePattern(path);
  const ownNames = new Set(own.flatMap((p) => (p === undefined ? [] : [nodePath.basename(p)])));
  const remove = async (candidates: readonly string[]): Promise<void> => {
    const owned: string[] = [];
    for (const name of candidates) if (await isLeftoverOf(base, nodePath.join(dir, name))) owned.push(name);
    const bins = owned.filter((name) => name.endsWith(".bin"));
    const needed =
      bins.length === 0
        ? new Set<string>()
        : await namedByOtherDocuments(dir, bins, new Set([base, ...ownNames, ...owned]));
    for (const name of owned) if (!needed.has(name)) await fs.rm(nodePath.join(dir, name));
  };
  // What the replaced document named: no save makes those names again, so the document at
  // `path` (this save's, or a concurrent one's) does not name them.
  const replaced = previous.filter((name) => pattern.test(name) && !ownNames.has(name));
  try {
    await remove(replaced);
  } catch {
    // They stay, for a later save to remove once old.
  }
  if (leftoverAgeMs === Infinity) return;
  try {
    const now = Date.now();
    const old: string[] = [];
    for (const name of await fs.readdir(dir)) {
      if (!pattern.test(name) || ownNames.has(name) || replaced.includes(name)) continue;
      if (now - (await fs.mtimeMs(nodePath.join(dir, name))) >= leftoverAgeMs) old.push(name);
    }
    if (old.length === 0) return;
    // Named by the document after all (a concurrent save committed it)? Keep it.
    const current = new Set(sideFilesOf(await fs.readFile(path)));
    await remove(old.filter((name) => !current.has(name)));
  } catch {
    // Leftovers stay for the next save to remove.
  }
}

/** Above this size a file is not parsed whole to decide what it is; see isLeftoverOf. */
const parseLimitBytes = 64 << 20;

/**
 * Whether `file` (whose name fits the grammar of the document `base`'s side files and temporary
 * documents) was made by a save of `base` and is no document of its own:
 *
 * - a side file (`.bin`) is tensor bytes: refused when it is a paramtree document;
 * - a temporary document (`.tmp`) starts as a paramtree document and is either cut short (a save
 *   that crashed while writing it) or complete and naming the side file of its own save id (one
 *   that crashed before its rename). A complete document naming anything else, or nothing (an
 *   inline document), may be a user's document of that name and stays.
 */
async function isLeftoverOf(base: string, file: string): Promise<boolean> {
  const s = await fsp.lstat(file);
  if (!s.isFile()) return false;
  const name = nodePath.basename(file);
  const id = name.slice(base.length + 1, base.length + 17);
  const handle = await openRegularFile(file);
  if (typeof handle === "string") return false;
  try {
    const head = new Uint8Array(Math.min(s.size, 256));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = Buffer.from(head.subarray(0, bytesRead)).toString("latin1");
    // What paramtree writes first (a save that crashed at once leaves less, down to nothing).
    const looksLikeDocument = /^\s*\{\s*"format"\s*:\s*"paramtree"/.test(start) || /^\s*\{?\s*$/.test(start);
    if (name.endsWith(".bin")) {
      if (!/^\s*\{/.test(start)) return true; // tensor bytes
      if (s.size > parseLimitBytes) return false;
      return !isParamtreeDocument(await handle.readFile("utf8"));
    }
    if (!looksLikeDocument) return false; // not a document paramtree started writing
    if (s.size > parseLimitBytes) {
      // Too large to parse for this: a cut-short document does not end with "}".
      const tail = new Uint8Array(Math.min(s.size, 64));
      const { bytesRead: n } = await handle.read(tail, 0, tail.length, s.size - tail.length);
      return !/\}\s*$/.test(Buffer.from(tail.subarray(0, n)).toString("latin1"));
    }
    const text = await handle.readFile("utf8");
    if (!isParamtreeDocument(text)) return true; // cut short
    const named = sideFilesOf(text);
    return named.length === 1 && named[0] === `${base}.${id}.bin`;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function isParamtreeDocument(text: string): boolean {
  try {
    const json: unknown = JSON.parse(text);
    return isObject(json) && json["format"] === formatName;
  } catch {
    return false;
  }
}

/**
 * Which of `names` a file of `dir` other than `skip` mentions (as a JSON string): a document
 * naming it as its side file needs it. Only files starting with "{" (JSON) are read, in chunks,
 * links followed; a file that cannot be read counts as naming them all.
 */
async function namedByOtherDocuments(
  dir: string,
  names: readonly string[],
  skip: ReadonlySet<string>,
): Promise<Set<string>> {
  const needed = new Set<string>();
  const quoted = names.map((name) => Buffer.from(JSON.stringify(name), "utf8"));
  const overlap = Math.max(...quoted.map((q) => q.length)) - 1;
  for (const entry of await fsp.readdir(dir)) {
    if (skip.has(entry) || needed.size === names.length) continue;
    const file = nodePath.join(dir, entry);
    let handle: FileHandle | string;
    try {
      if (!(await fsp.stat(file)).isFile()) continue;
      handle = await openRegularFile(file);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw cause;
    }
    if (typeof handle === "string") continue;
    try {
      const chunk = Buffer.alloc(chunkBytes + overlap);
      let kept = 0;
      let position = 0;
      let first = true;
      for (;;) {
        const { bytesRead } = await handle.read(chunk, kept, chunkBytes, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const view = chunk.subarray(0, kept + bytesRead);
        if (first) {
          first = false;
          if (!/^\s*\{/.test(view.subarray(0, 64).toString("latin1"))) break; // not JSON
        }
        names.forEach((name, i) => {
          if (view.includes(quoted[i] as Buffer)) needed.add(name);
        });
        kept = Math.min(overlap, view.length);
        view.copy(chunk, 0, view.length - kept);
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
  return needed;
}

/** The side files a document's text names (none when it is not a paramtree document). */
function sideFilesOf(text: string): string[] {
  try {
    const json: unknown = JSON.parse(text);
    if (!isObject(json) || !Array.isArray(json["weightsManifest"])) return [];
    const names: string[] = [];
    for (const group of json["weightsManifest"] as unknown[]) {
      if (isObject(group) && Array.isArray(group["paths"]))
        for (const p of group["paths"] as unknown[]) if (typeof p === "string") names.push(p);
    }
    return names;
  } catch {
    return [];
  }
}

/**
 * The longest file name (in UTF-8 bytes) most file systems take (ext4, XFS, APFS, NTFS's 255
 * UTF-16 units being at least this many of them for ASCII).
 */
const maxFileNameBytes = 255;
/** What a save adds to the document's file name: `.<16 hex digits>.tmp` or `.bin`. */
const saveSuffixBytes = ".0123456789abcdef.tmp".length;

/**
 * Refuses, before anything is written, a path that names no document file: an empty path, one
 * ending in a path separator, an existing folder, FIFO, socket or device, a file name too long
 * for its temporary name, a folder that does not exist. Returns the mode of the document it
 * replaces (a regular file), for the new one to keep.
 */
async function checkDocumentPath(path: string): Promise<{ mode: number | undefined }> {
  if (typeof path !== "string" || path.length === 0) {
    throw new Error('saveTree: the path is empty; give a document file such as "model.tree.json"');
  }
  if (path.endsWith("/") || path.endsWith(nodePath.sep)) {
    throw new Error(
      `saveTree: the path ${JSON.stringify(path)} ends with a path separator; give a document file name, not a folder`,
    );
  }
  const nameBytes = Buffer.byteLength(nodePath.basename(path), "utf8");
  if (nameBytes + saveSuffixBytes > maxFileNameBytes) {
    throw new Error(
      `saveTree: the file name of ${JSON.stringify(path)} has ${nameBytes} bytes, more than the ${maxFileNameBytes - saveSuffixBytes} a save allows: ` +
        `it writes the document under its name plus ".<16 hex digits>.tmp" (and the side file plus ".<16 hex digits>.bin"), and file names have at most ${maxFileNameBytes} bytes; ` +
        "give a shorter name (nothing was written)",
    );
  }
  const dir = nodePath.dirname(path);
  let dirStats: Stats | undefined;
  try {
    dirStats = await fsp.stat(dir);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new Error(
        `saveTree: the folder of ${JSON.stringify(path)}, ${JSON.stringify(dir)}, does not exist (${code}); create it first (nothing was written)`,
        { cause },
      );
    }
    // Other problems (permissions) surface, with their path, when writing.
  }
  if (dirStats !== undefined && !dirStats.isDirectory()) {
    throw new Error(
      `saveTree: the folder of ${JSON.stringify(path)}, ${JSON.stringify(dir)}, is ${fileKind(dirStats) ?? "a file"}, not a folder (nothing was written)`,
    );
  }
  let kind: string | undefined;
  let mode: number | undefined;
  try {
    const s = await fsp.stat(path);
    kind = fileKind(s);
    mode = s.mode & 0o7777;
  } catch {
    // A missing document is the usual case; other problems surface when writing.
  }
  if (kind === "a folder") {
    throw new Error(
      `saveTree: the path ${JSON.stringify(path)} is a folder; give a document file name inside it`,
    );
  }
  if (kind !== undefined) {
    // Reading the document it replaces would block on a FIFO and never end on a device.
    throw new Error(
      `saveTree: the path ${JSON.stringify(path)} is ${kind}, not a document file; refused before writing anything`,
    );
  }
  return { mode };
}

/**
 * Creates `file` (it must not exist) for a save of `path`, with the mode of the document it
 * replaces when there is one: given at creation, so that the file is never more open than the
 * document (a 0600 document's bytes are never readable by others), then set exactly, as the umask
 * may have taken bits away; a file system that cannot set it keeps the (narrower) creation mode.
 * A name the file system finds too long is reported with the document's path.
 */
async function createFile(
  fs: SaveFileSystem,
  file: string,
  path: string,
  mode: number | undefined,
): Promise<SaveFileHandle> {
  let handle: SaveFileHandle;
  try {
    handle = await (mode === undefined ? fs.open(file, "wx") : fs.open(file, "wx", mode));
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENAMETOOLONG") {
      throw new Error(
        `saveTree: the file system refuses the name ${JSON.stringify(nodePath.basename(file))} as too long (ENAMETOOLONG); give ${JSON.stringify(path)} a shorter name`,
        { cause },
      );
    }
    throw cause;
  }
  if (mode !== undefined && handle.chmod !== undefined) await handle.chmod(mode).catch(() => undefined);
  return handle;
}

/**
 * What is wrong with `saveTree`'s options (a message naming the option, what it got and what it
 * takes), or undefined.
 *
 * @example
 * saveTreeOptionsProblem({ inline: "yes" }); // 'saveTree: options.inline must be true or false, got "yes"'
 * saveTreeOptionsProblem({ space: 2 });      // undefined
 */
export function saveTreeOptionsProblem(options: unknown): string | undefined {
  const codec = codecOptionsProblem(options, "saveTree");
  if (codec !== undefined || options === undefined) return codec;
  const o = options as Record<string, unknown>;
  const inline = booleanOptionProblem(o, "inline", "saveTree");
  if (inline !== undefined) return inline;
  const space = o["space"];
  if (
    space !== undefined &&
    !(typeof space === "number" && Number.isInteger(space) && space >= 0 && space <= 10)
  ) {
    return `saveTree: options.space must be a number of spaces from 0 to 10, got ${describeValue(space)}`;
  }
  const leftoverAgeMs = o["leftoverAgeMs"];
  if (leftoverAgeMs !== undefined && !(typeof leftoverAgeMs === "number" && leftoverAgeMs >= 0)) {
    return `saveTree: leftoverAgeMs must be a number of milliseconds from 0 (remove at once) to Infinity (never), got ${describeValue(leftoverAgeMs)}`;
  }
  const fileSystem = o["fileSystem"];
  if (fileSystem !== undefined) {
    const calls = ["open", "rename", "rm", "readdir", "readFile", "mtimeMs"];
    const missing =
      fileSystem === null || typeof fileSystem !== "object"
        ? calls
        : calls.filter((c) => typeof (fileSystem as Record<string, unknown>)[c] !== "function");
    if (missing.length > 0) {
      return `saveTree: options.fileSystem must be a SaveFileSystem with the functions ${calls.join(", ")}; got ${describeValue(fileSystem)}, without ${missing.join(", ")}`;
    }
  }
  return undefined;
}

/**
 * What is wrong with `loadTree`'s options (a message naming the option, what it got and what it
 * takes), or undefined.
 *
 * @example
 * loadTreeOptionsProblem({ requireChecksum: "no" }); // 'loadTree: options.requireChecksum must be true or false, got "no"'
 */
export function loadTreeOptionsProblem(options: unknown): string | undefined {
  return (
    codecOptionsProblem(options, "loadTree") ?? booleanOptionProblem(options, "requireChecksum", "loadTree")
  );
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
export async function loadTree(path: string, options?: LoadTreeOptions): Promise<E.Either<t.Errors, Tree>> {
  const problem = loadTreeOptionsProblem(options);
  if (problem !== undefined) return E.left([fileError(path, problem)]);
  // A side file that vanished between reading the document and opening it was removed by a
  // save that committed in between (saves remove only what a replaced document named): the
  // document now names another one, so read it again, as long as it keeps changing. The same
  // document twice means the side file is really gone.
  let before: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const seen: { vanishedFrom?: string } = {};
    const result = await loadOnce(path, options, seen);
    const { vanishedFrom } = seen;
    if (vanishedFrom === undefined || vanishedFrom === before || attempt >= maxLoadAttempts) return result;
    before = vanishedFrom;
  }
}

/**
 * How many times loadTree reads a document whose side file vanished because saves kept replacing
 * it; each attempt stops at the missing file, before reading any tensor bytes.
 */
const maxLoadAttempts = 50;

/** One reading of the document and its side files; sets `seen.vanishedFrom` to the document's text when a side file it names was missing. */
async function loadOnce(
  path: string,
  options: LoadTreeOptions | undefined,
  seen: { vanishedFrom?: string },
): Promise<E.Either<t.Errors, Tree>> {
  let resolved: ReturnType<typeof resolveCodecOptions> & Pick<DecodeContext, "resolveString">;
  try {
    resolved = resolveCodecOptions(options);
  } catch (cause) {
    return E.left([fileError(path, (cause as Error).message)]);
  }
  let text: string;
  try {
    const handle = await openRegularFile(path);
    if (typeof handle === "string") return E.left([fileError(path, handle)]);
    try {
      text = await handle.readFile("utf8");
    } finally {
      await handle.close().catch(() => undefined);
    }
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
  const manifestProblem = checkManifestCrc(doc, planned.right, root, options?.requireChecksum !== false);
  if (manifestProblem !== undefined) return E.left([manifestProblem]);
  // Checked here; the tree decoder knows the fields of version 1.0 only.
  const { weightSpecsCrc32: _checked, ...decoded } = doc;
  if (options?.requireChecksum !== false && doc["weightsCrc32"] === undefined) {
    return E.left([
      {
        value: undefined,
        context: [...root, { key: "weightsCrc32", type: t.unknown, actual: undefined }],
        message:
          "missing: a document with a side file must carry the CRC-32 of it, as saveTree writes; pass { requireChecksum: false } to load a hand-made tfjs manifest",
      },
    ]);
  }
  // The whole tree is checked against the manifest before a single weight is read (or allocated).
  return decodeWithWeights(
    decoded,
    root,
    resolved,
    planned.right.flatMap((group) => group.weights),
    async (weights) => {
      try {
        const dir = nodePath.dirname(path);
        for (let g = 0; g < planned.right.length; g++) {
          const group = planned.right[g] as PlannedGroup;
          const file = nodePath.join(dir, group.file);
          const problem = await readGroup(file, group, weights);
          if (problem === undefined) continue;
          if (problem === vanished) seen.vanishedFrom = text;
          return [groupError(doc, root, g, problem === vanished ? vanishedMessage(file) : problem)];
        }
      } catch (cause) {
        return [fileError(path, `reading the weights failed: ${(cause as Error).message}`)];
      }
      return undefined;
    },
  );
}

const vanished = Symbol("vanished");

/**
 * Opens a file for reading only if it is a regular file: checked with stat before opening (a FIFO
 * is never opened for reading) and again with fstat on the handle, opened non-blocking, so a file
 * swapped in between cannot block the thread pool. Returns the handle, or a problem message.
 */
async function openRegularFile(file: string): Promise<FileHandle | string> {
  const refused = (what: string): string =>
    `${JSON.stringify(file)} is ${what}, not a regular file; refused without reading it`;
  const before = fileKind(await fsp.stat(file));
  if (before !== undefined) return refused(before);
  const handle = await fsp.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  const after = fileKind(await handle.stat());
  if (after !== undefined) {
    await handle.close().catch(() => undefined);
    return refused(after);
  }
  return handle;
}

/** What a file that is not a regular file is ("a FIFO", "a folder", ...); undefined for a regular file. */
function fileKind(s: Stats): string | undefined {
  return s.isFile()
    ? undefined
    : s.isFIFO()
      ? "a FIFO"
      : s.isSocket()
        ? "a socket"
        : s.isCharacterDevice() || s.isBlockDevice()
          ? "a device"
          : s.isDirectory()
            ? "a folder"
            : "not a regular file";
}

function vanishedMessage(file: string): string {
  return `the weights file ${JSON.stringify(file)} is missing (ENOENT: removed, or the document was copied or moved without it)`;
}

/** Reads one group's side file into tensors; returns a problem message, or undefined. */
async function readGroup(
  file: string,
  group: PlannedGroup,
  out: Map<string, LoadedWeight>,
): Promise<string | typeof vanished | undefined> {
  let handle: FileHandle;
  try {
    const dir = await fsp.realpath(nodePath.dirname(file));
    const real = await fsp.realpath(file);
    const relative = nodePath.relative(dir, real);
    if (relative.startsWith("..") || nodePath.isAbsolute(relative) || relative.length === 0) {
      return `the weights file ${JSON.stringify(file)} leads out of the document's folder (to ${JSON.stringify(real)}); refused`;
    }
    // The file checked inside the folder (lstat: a link put at `real` since is not followed)...
    const checked = await fsp.lstat(real, { bigint: true });
    const opened = await openRegularFile(file);
    if (typeof opened === "string") return opened;
    // ...must be the file opened: a swap between the check and the open is refused.
    const got = await opened.stat({ bigint: true }).catch(() => undefined);
    if (got === undefined || got.dev !== checked.dev || got.ino !== checked.ino) {
      await opened.close().catch(() => undefined);
      return `the weights file ${JSON.stringify(file)} was replaced between its check and its opening (the file opened is not ${JSON.stringify(real)}, inside the document's folder); refused`;
    }
    handle = opened;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return vanished;
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
    let chunk: Uint8Array | undefined; // small weights are read a chunk at a time (see chunkBytes)
    const readAt = async (into: Uint8Array, position: number): Promise<boolean> => {
      for (let read = 0; read < into.length;) {
        const { bytesRead } = await handle.read(into, read, into.length - read, position + read);
        if (bytesRead === 0) return false;
        read += bytesRead;
      }
      return true;
    };
    const ws = group.weights;
    for (let i = 0; i < ws.length;) {
      // The weights lie back to back: take the next run of small ones that fits in a chunk (or
      // one large weight, read straight into its own array).
      let end = i + 1;
      let length = (ws[i] as PlannedWeight).byteLength;
      if (length < chunkBytes) {
        while (end < ws.length && length + (ws[end] as PlannedWeight).byteLength <= chunkBytes) {
          length += (ws[end] as PlannedWeight).byteLength;
          end++;
        }
      }
      const start = (ws[i] as PlannedWeight).byteOffset;
      let block: Uint8Array | undefined;
      if (end > i + 1 || length < chunkBytes) {
        chunk ??= new Uint8Array(chunkBytes);
        block = chunk.subarray(0, length);
        if (!(await readAt(block, start)))
          return `the weights file ${JSON.stringify(file)} ended early (truncated?)`;
        crc = crc32(crc, block);
      }
      for (; i < end; i++) {
        const w = ws[i] as PlannedWeight;
        let values: Float32Array | Int32Array | Uint8Array;
        if (block !== undefined) {
          const at = w.byteOffset - start;
          // A backend that copies (scratch) takes a view of the chunk when it is aligned; one that
          // keeps the array gets a copy of its own, as the chunk is reused.
          values =
            scratch !== undefined && at % bytesPerElement(w.dtype) === 0
              ? typedArray(w.dtype, block.buffer, block.byteOffset + at, w.size)
              : typedArray(w.dtype, block.slice(at, at + w.byteLength).buffer, 0, w.size);
        } else {
          const storage = allocateTensorData(w.dtype, w.size, scratch);
          if (!(await readAt(storage.bytes, w.byteOffset)))
            return `the weights file ${JSON.stringify(file)} ended early (truncated?)`;
          crc = crc32(crc, storage.bytes);
          values = storage.values;
        }
        const made = tensorFromData(w.dtype, w.shape, values);
        if (typeof made === "string") return `weight ${JSON.stringify(w.name)}: ${made}`;
        out.set(w.name, { dtype: w.dtype, shape: w.shape, tensor: made });
      }
    }
    if (group.crc32 !== undefined && crc !== group.crc32) {
      return `the weights file ${JSON.stringify(file)} is corrupt: its CRC-32 is ${crc} but the manifest says ${group.crc32}`;
    }
    return undefined;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** A typed array of `dtype` over `size` elements of `buffer` from `byteOffset`. */
function typedArray(
  dtype: SupportedDtype,
  buffer: ArrayBufferLike,
  byteOffset: number,
  size: number,
): Float32Array | Int32Array | Uint8Array {
  return dtype === "float32"
    ? new Float32Array(buffer, byteOffset, size)
    : dtype === "int32"
      ? new Int32Array(buffer, byteOffset, size)
      : new Uint8Array(buffer, byteOffset, size);
}

/**
 * The document version from which a side file's document carries `weightSpecsCrc32`: the CRC-32
 * of what maps the side file's bytes to tensors (each weight's name, shape and dtype, in order;
 * {@link weightSpecsCrc32}, the same checksum tf.io saves carry in their metadata), which
 * `weightsCrc32` (the bytes alone) does not cover: swapping two weights of one shape in the
 * manifest would give each the other's values. Readers before it refuse the field by name
 * ("unexpected field"), as a minor version allows; documents of version 1.0 (without it) still
 * load.
 */
const manifestCrcVersion = newestFormatVersion;

/**
 * Checks `weightSpecsCrc32` against the manifest as planned; required (unless `required` is
 * false) from version 1.1 on, checked whenever present.
 */
function checkManifestCrc(
  doc: Record<string, unknown>,
  groups: readonly PlannedGroup[],
  root: t.Context,
  required: boolean,
): t.ValidationError | undefined {
  const value = doc["weightSpecsCrc32"];
  const at = (message: string): t.ValidationError => ({
    value,
    context: [...root, { key: "weightSpecsCrc32", type: t.unknown, actual: value }],
    message,
  });
  if (value === undefined) {
    const minor = typeof doc["version"] === "string" ? Number(doc["version"].split(".")[1]) : 0;
    return required && minor >= 1
      ? at(
          `missing: a document of version ${String(doc["version"])} with a side file must carry the CRC-32 of its weight specs, as saveTree writes; pass { requireChecksum: false } to load it without`,
        )
      : undefined;
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    return at(
      `expected the CRC-32 of the weightsManifest's weight specs (an integer from 0 to 4294967295), got ${describeValue(value)}`,
    );
  }
  const actual = weightSpecsCrc32(groups.flatMap((g) => g.weights));
  return actual === value
    ? undefined
    : at(
        `the weightsManifest's weight specs do not match their CRC-32 (${actual}, the document says ${value}): a weight's name, shape, dtype or order was changed, and its bytes would go to the wrong tensor; refused before reading them`,
      );
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
      const checked = checkWeightSpec(
        w,
        names,
        (field, actual, message, index) => {
          const fPath = [...wPath, entry(field, actual)];
          fail(
            index === undefined ? fPath : [...fPath, entry(String(index), (actual as unknown[])[index])],
            message,
          );
        },
        weightFields,
      );
      if (checked === undefined) continue;
      const { dtype } = checked;
      const byteLength = checked.size * bytesPerElement(dtype);
      planned.push({
        ...checked,
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

/** The fields a manifest's weight may have (`group` is tfjs's, and ignored). */
const weightFields = ["name", "shape", "dtype", "group"];

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
