/**
 * Saving and loading trees through tfjs's own storage (`tf.io`): wherever `model.save(url)` can
 * go, a tree can go too.
 *
 * `saveTree(url, tree)` takes a URL that `tf.io` routes (`indexeddb://name`,
 * `localstorage://name`, `downloads://name`, `http(s)://...`, and any scheme a registered router
 * handles) or an `IOHandler` (`tf.io.withSaveHandler`, `tf.io.http(url, options)`, your own). The
 * artifacts are tfjs's: the tensors are the weights (`weightSpecs` and `weightData`, each distinct
 * tensor once, as `tf.io.encodeWeights` lays them out), and the tree itself (structure, wrappers,
 * static fields) is the paramtree document in `userDefinedMetadata.paramtree`, the same
 * versioned document that the files layer writes, with tensors as `weight` references. The CRC-32
 * of the weight bytes travels beside it. So `tf.io` tools read the weights of a saved tree
 * (`tf.io.decodeWeights(weightData, weightSpecs)`), and `loadTree` gets it back bit-exact.
 *
 * `loadTree` checks as the files layer does, before making a tensor: the document (io-ts, with
 * key paths), every weight spec (name, dtype, shape, sizes against the bytes), the checksum, and
 * the tree against the weights. It never rejects: a missing model, a network error, bad bytes are
 * a Left.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import * as t from "io-ts";
import { crc32Update } from "../codec/crc32";
import { decodeDocument } from "../codec/decode";
import { encodeValue } from "../codec/encode";
import { documentType, failureAt, TreeEncodeError } from "../codec/errors";
import { formatName, formatVersion } from "../codec/format";
import {
  bytesPerElement,
  describeValue,
  tensorBytes,
  tensorFromData,
  type SupportedDtype,
} from "../codec/tensor";
import {
  checkWeightSpec,
  codecOptionsProblem,
  decodeWithWeights,
  weightSpecsCrc32,
  type CheckedWeightSpec,
} from "../codec/weights";
import { resolveCodecOptions, type Tree, type TreeCodecOptions } from "../codec/treeCodec";

/** Where a tree goes or comes from: a URL string `tf.io` routes, or an `IOHandler`. */
export type TreeStorage = string | tf.io.IOHandler;

/** The key of `userDefinedMetadata` that holds the paramtree document. */
export const metadataKey = "paramtree";

/** The artifacts' `format` and `generatedBy` fields. */
const artifactsFormat = "paramtree-tree";

// -------------------------------------------------------------------------------------
// save
// -------------------------------------------------------------------------------------

/**
 * Saves `tree` through `tf.io`: to a URL that tfjs routes (`indexeddb://`, `localstorage://`,
 * `downloads://`, `http(s)://`, ...) or with an `IOHandler`. Resolves to tfjs's `SaveResult`.
 * Rejects with a {@link TreeEncodeError} naming the key path of anything that cannot be written
 * (nothing is saved then), with an error naming the URL when no handler takes it, or with the
 * handler's own error.
 *
 * @example
 * let saved: tf.io.ModelArtifacts | undefined;
 * const handler = tf.io.withSaveHandler(async (artifacts) => {
 *   saved = artifacts;
 *   return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
 * });
 * await saveTreeIO(handler, { w: tf.tensor([1, 2]), scale: Parameterize(tf.exp, tf.scalar(0)) });
 * saved?.weightSpecs; // [{ name: "w", shape: [2], dtype: "float32" }, { name: "scale/args/0", shape: [], dtype: "float32" }]
 * const back = await loadTreeIO(tf.io.fromMemory(saved!));
 * E.isRight(back) && unwrap(back.right as { scale: unknown }).scale; // tf.scalar(1)
 * E.isRight(back) && disposeTree(back.right);
 */
export async function saveTreeIO(
  storage: TreeStorage,
  tree: Tree,
  options?: TreeCodecOptions,
): Promise<tf.io.SaveResult> {
  const problem = codecOptionsProblem(options, "saveTree");
  if (problem !== undefined) throw new TypeError(problem);
  const resolved = resolveCodecOptions(options);
  const handler = saveHandlerFor(storage);
  const encoded = encodeValue(tree, { ...resolved, tensors: "external" });
  if ("problems" in encoded) throw new TreeEncodeError(encoded.problems);
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  let total = 0;
  for (const { name, tensor } of encoded.weights) {
    weightSpecs.push({ name, shape: tensor.shape.slice(), dtype: tensor.dtype });
    total += tensor.size * bytesPerElement(tensor.dtype as SupportedDtype);
  }
  // One buffer, as tfjs's handlers take it; filled one tensor at a time.
  const weightData = new Uint8Array(total);
  let offset = 0;
  let crc = 0;
  for (const { tensor } of encoded.weights) {
    const bytes = tensorBytes(tensor);
    weightData.set(bytes, offset);
    crc = crc32Update(crc, bytes);
    offset += bytes.length;
  }
  const document = { format: formatName, version: formatVersion, tree: encoded.json };
  const artifacts: tf.io.ModelArtifacts = {
    // tfjs's storage expects a topology; the tree is not a Keras model, so it says what it is.
    modelTopology: { format: formatName, version: formatVersion },
    format: artifactsFormat,
    generatedBy: "paramtree",
    convertedBy: null,
    weightSpecs,
    weightData: weightData.buffer,
    // weightSpecsCrc32 covers the order, names, shapes and dtypes of the weights, which the
    // bytes' CRC does not; older readers ignore it (the metadata is free-form).
    userDefinedMetadata: {
      [metadataKey]: document,
      weightsCrc32: crc,
      weightSpecsCrc32: weightSpecsCrc32(weightSpecs),
    },
  };
  try {
    return await handler.save(artifacts);
  } catch (cause) {
    // A URL's handler (tf.io.http) says only "fetch failed": name the URL and the cause. An
    // IOHandler's own error is the caller's, passed on as it is.
    if (typeof storage !== "string") throw cause;
    throw new Error(`saveTree: cannot save to ${JSON.stringify(storage)} (${describeError(cause)})`, {
      cause,
    });
  }
}

function saveHandlerFor(
  storage: TreeStorage,
): tf.io.IOHandler & { save: NonNullable<tf.io.IOHandler["save"]> } {
  if (typeof storage !== "string") {
    if (storage === null || typeof storage !== "object" || typeof storage.save !== "function") {
      throw new TypeError(
        `saveTree: expected a URL or an IOHandler with save(), got ${describeValue(storage)}`,
      );
    }
    return storage as ReturnType<typeof saveHandlerFor>;
  }
  const handlers = tf.io.getSaveHandlers(storage);
  if (handlers.length === 0) {
    throw new TypeError(
      `saveTree: no tf.io handler saves to ${JSON.stringify(storage)} (tfjs routes indexeddb://, localstorage://, downloads:// and http(s):// in the browser, http(s):// in Node)`,
    );
  }
  if (handlers.length > 1) {
    throw new TypeError(
      `saveTree: several tf.io handlers save to ${JSON.stringify(storage)}; pass one IOHandler`,
    );
  }
  return handlers[0] as ReturnType<typeof saveHandlerFor>;
}

// -------------------------------------------------------------------------------------
// load
// -------------------------------------------------------------------------------------

/**
 * Loads a tree saved by {@link saveTreeIO} from a URL that `tf.io` routes or with an `IOHandler`.
 * Never rejects: no handler, a failed load, artifacts that are not a paramtree tree, a document
 * or weights that do not check out (with the key path), a checksum mismatch, are a Left (render
 * it with `formatDecodeErrors`). The tensors are new; the caller disposes them. An `http(s)://`
 * URL is loaded with `tf.io.http`, whose weight requests here also fail on an HTTP error status
 * (a 404 page is not taken for the weight bytes).
 *
 * @example
 * const result = await loadTreeIO("nosuchscheme://model");
 * E.isLeft(result) && formatDecodeErrors(result.left)[0]; // 'document: no tf.io handler loads "nosuchscheme://model" (tfjs routes indexeddb://, localstorage:// and http(s):// in the browser, http(s):// in Node)'
 */
export async function loadTreeIO(
  storage: TreeStorage,
  options?: TreeCodecOptions,
): Promise<E.Either<t.Errors, Tree>> {
  const where = typeof storage === "string" ? JSON.stringify(storage) : "the IOHandler";
  const top = (actual: unknown, message: string): E.Either<t.Errors, Tree> =>
    E.left([failureAt([{ key: "", type: documentType, actual }], message)]);
  const problem = codecOptionsProblem(options, "loadTree");
  if (problem !== undefined) return top(storage, problem);
  let resolved: ReturnType<typeof resolveCodecOptions>;
  try {
    resolved = resolveCodecOptions(options);
  } catch (cause) {
    return top(storage, (cause as Error).message);
  }
  let handler: tf.io.IOHandler;
  if (typeof storage === "string" && tf.io.isHTTPScheme(storage)) {
    // tfjs's own http handler, with a fetch that refuses an HTTP error status for the weights:
    // tfjs checks it for the model JSON only, and would take a 404 page for the weight bytes.
    handler = tf.io.http(storage, { fetchFunc: fetchWeightsChecked as typeof fetch });
  } else if (typeof storage === "string") {
    const handlers = tf.io.getLoadHandlers(storage);
    if (handlers.length !== 1) {
      return top(
        storage,
        handlers.length === 0
          ? `no tf.io handler loads ${where} (tfjs routes indexeddb://, localstorage:// and http(s):// in the browser, http(s):// in Node)`
          : `several tf.io handlers load ${where}; pass one IOHandler`,
      );
    }
    handler = handlers[0] as tf.io.IOHandler;
  } else if (storage === null || typeof storage !== "object" || typeof storage.load !== "function") {
    return top(storage, `expected a URL or an IOHandler with load(), got ${describeValue(storage)}`);
  } else {
    handler = storage;
  }
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await (handler.load as () => Promise<tf.io.ModelArtifacts>)();
  } catch (cause) {
    return top(storage, `cannot load ${where} (${describeError(cause)})`);
  }
  try {
    return await decodeArtifacts(artifacts, where, resolved);
  } catch (cause) {
    // Artifacts are outside data: a throwing getter or a proxy must give a Left, not a rejection.
    return top(storage, `cannot read what ${where} loaded (${describeError(cause)})`);
  }
}

/**
 * An error's message and, when it has one, its cause's (with its code when the message lacks
 * it): Node's fetch rejects with "fetch failed", and only its cause says "connect ECONNREFUSED
 * 127.0.0.1:8080", so that is "fetch failed: connect ECONNREFUSED 127.0.0.1:8080".
 */
function describeError(cause: unknown): string {
  // Duck-typed: errors of another realm (Node's fetch under a test runner's sandbox) are errors too.
  const messageOf = (e: unknown): string => {
    try {
      return e !== null && typeof e === "object" && typeof (e as Error).message === "string"
        ? (e as Error).message
        : String(e);
    } catch {
      return "an error that cannot be read"; // a hostile getter or proxy: no rejection either
    }
  };
  const message = messageOf(cause);
  let inner: unknown;
  let code: unknown;
  try {
    inner = cause !== null && typeof cause === "object" ? (cause as { cause?: unknown }).cause : undefined;
    code = inner !== null && typeof inner === "object" ? (inner as { code?: unknown }).code : undefined;
  } catch {
    return message;
  }
  if (inner === undefined || inner === null) return message;
  const innerMessage = messageOf(inner);
  const detail =
    typeof code === "string" && !innerMessage.includes(code) ? `${code}, ${innerMessage}` : innerMessage;
  return `${message}: ${detail}`;
}

/** The platform's fetch, refusing an HTTP error status when it fetches binary data (weights). */
async function fetchWeightsChecked(
  input: string,
  init?: RequestInit,
  options?: { isBinary?: boolean },
): Promise<Response> {
  const response = await tf.env().platform.fetch(input, init, options);
  if (options?.isBinary === true && !response.ok) {
    throw new Error(
      `the weights file ${input} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
    );
  }
  return response;
}

/** Checks and decodes artifacts written by saveTreeIO. */
async function decodeArtifacts(
  artifacts: tf.io.ModelArtifacts,
  where: string,
  resolved: ReturnType<typeof resolveCodecOptions>,
): Promise<E.Either<t.Errors, Tree>> {
  const meta = artifacts?.userDefinedMetadata as Record<string, unknown> | undefined;
  // An error at artifacts.<keys...>, e.g. weightSpecs[2].shape, each entry with its value.
  const at = (keys: readonly (string | number)[], actual: unknown, message: string): t.ValidationError => {
    const context: t.ContextEntry[] = [{ key: "", type: documentType, actual: artifacts }];
    let value: unknown = artifacts;
    keys.forEach((k, i) => {
      value =
        i === keys.length - 1
          ? actual
          : value !== null && typeof value === "object"
            ? (value as Record<string, unknown>)[k]
            : undefined;
      context.push({ key: String(k), type: t.unknown, actual: value });
    });
    return failureAt(context, message);
  };
  if (
    meta === undefined ||
    meta === null ||
    typeof meta !== "object" ||
    !Object.prototype.hasOwnProperty.call(meta, metadataKey)
  ) {
    return E.left([
      at(
        ["userDefinedMetadata"],
        meta,
        `${where} holds no paramtree tree (no userDefinedMetadata.${metadataKey}); is it a tfjs model? load it with tf.loadLayersModel`,
      ),
    ]);
  }
  // A copy made in this realm: a handler may hand out objects of another realm (a fetch's JSON in
  // a sandbox), which the decoder would not take for plain objects; the document is small (its
  // tensors are weights), and the copy also shields the decoder from a handler that keeps it.
  let doc: unknown;
  try {
    doc = JSON.parse(JSON.stringify(meta[metadataKey]) ?? "null");
  } catch (cause) {
    return E.left([
      at(
        ["userDefinedMetadata", metadataKey],
        meta[metadataKey],
        `not JSON data (${(cause as Error).message})`,
      ),
    ]);
  }
  const crc = meta["weightsCrc32"];
  const docRoot: t.Context = [{ key: "", type: documentType, actual: doc }];
  const header = decodeDocument(
    doc !== null && typeof doc === "object" && !Array.isArray(doc)
      ? { ...(doc as Record<string, unknown>), tree: null }
      : doc,
    docRoot,
    resolved,
  );
  if (E.isLeft(header)) return header;

  // The weights: checked completely before a byte is read.
  const specs: unknown = artifacts.weightSpecs ?? [];
  const errors: t.ValidationError[] = [];
  const planned: (CheckedWeightSpec & { offset: number })[] = [];
  if (!Array.isArray(specs)) {
    return E.left([
      at(
        ["weightSpecs"],
        specs,
        `expected an array of weights { name, shape, dtype }, got ${describeValue(specs)}`,
      ),
    ]);
  }
  const names = new Set<string>();
  let offset = 0;
  specs.forEach((w: unknown, i) => {
    if (errors.length >= 20) return;
    if (w === null || typeof w !== "object") {
      errors.push(
        at(["weightSpecs", i], w, `expected a weight { name, shape, dtype }, got ${describeValue(w)}`),
      );
      return;
    }
    const checked = checkWeightSpec(w as Record<string, unknown>, names, (field, actual, message, index) =>
      errors.push(at(["weightSpecs", i, field, ...(index === undefined ? [] : [index])], actual, message)),
    );
    if (checked === undefined) return;
    planned.push({ ...checked, offset });
    offset += checked.size * bytesPerElement(checked.dtype);
  });
  if (errors.length > 0) return E.left(errors);
  let data: ArrayBuffer;
  try {
    data = weightBuffer(artifacts.weightData);
  } catch (cause) {
    return E.left([
      at(["weightData"], undefined, `cannot read the weight data (${(cause as Error).message})`),
    ]);
  }
  const specsCrc = meta["weightSpecsCrc32"];
  if (specsCrc !== undefined) {
    const actual = weightSpecsCrc32(planned);
    if (actual !== specsCrc) {
      return E.left([
        at(
          ["userDefinedMetadata", "weightSpecsCrc32"],
          specsCrc,
          typeof specsCrc === "number" &&
            Number.isInteger(specsCrc) &&
            specsCrc >= 0 &&
            specsCrc <= 0xffffffff
            ? `the weight specs of ${where} do not match their CRC-32 (${actual}, the metadata says ${specsCrc}): a weight's name, shape, dtype or place was changed, and its bytes would go to the wrong tensor`
            : `expected the CRC-32 of the weight specs (an integer from 0 to 4294967295), got ${describeValue(specsCrc)}`,
        ),
      ]);
    }
  }
  if (data.byteLength !== offset) {
    return E.left([
      at(
        ["weightData"],
        data.byteLength,
        `the weight data has ${data.byteLength} bytes but the weight specs describe ${offset}${data.byteLength < offset ? " (truncated?)" : ""}`,
      ),
    ]);
  }
  if (planned.length > 0 || crc !== undefined) {
    if (typeof crc !== "number" || !Number.isInteger(crc) || crc < 0 || crc > 0xffffffff) {
      return E.left([
        at(
          ["userDefinedMetadata", "weightsCrc32"],
          crc,
          `expected the CRC-32 of the weight data (an integer from 0 to 4294967295), got ${describeValue(crc)}`,
        ),
      ]);
    }
    const actual = crc32Update(0, new Uint8Array(data));
    if (actual !== crc) {
      return E.left([
        at(
          ["weightData"],
          undefined,
          `the weight data of ${where} is corrupt: its CRC-32 is ${actual} but the metadata says ${crc}`,
        ),
      ]);
    }
  }
  // The tree against the weights, before making a tensor.
  return decodeWithWeights(doc, docRoot, resolved, planned, (weights) => {
    for (const w of planned) {
      // Each tensor gets its own copy (as tf.io.decodeWeights does): a slice, not zero-filled first.
      const own = data.slice(w.offset, w.offset + w.size * bytesPerElement(w.dtype));
      const values =
        w.dtype === "float32"
          ? new Float32Array(own)
          : w.dtype === "int32"
            ? new Int32Array(own)
            : new Uint8Array(own);
      const made = tensorFromData(w.dtype, w.shape, values);
      if (typeof made === "string")
        return [at(["weightSpecs", w.name], undefined, `weight ${JSON.stringify(w.name)}: ${made}`)];
      weights.set(w.name, { dtype: w.dtype, shape: w.shape, tensor: made });
    }
    return undefined;
  });
}

/**
 * The weight data as one buffer: a single `ArrayBuffer` (what tfjs's handlers load) is read in
 * place, without the copy `CompositeArrayBuffer.join` makes of it; several are joined.
 */
function weightBuffer(weightData: tf.io.WeightData | undefined): ArrayBuffer {
  if (weightData === undefined) return new ArrayBuffer(0);
  const only = Array.isArray(weightData) && weightData.length === 1 ? weightData[0] : weightData;
  return Object.prototype.toString.call(only) === "[object ArrayBuffer]"
    ? (only as ArrayBuffer)
    : tf.io.CompositeArrayBuffer.join(weightData);
}
