/**
 * The Node side of bench/browserStorage.js: the tree through file:// (the files layer), the
 * model through handlers doing the same file I/O (tfjs-core routes no file:// in Node), with
 * tfjs's own artifacts <-> model.json conversion.
 */
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { disposeTree, layersModelTree, loadTree, saveTree, treeLeaves } from "paramtree";
import { storageBench, type StorageBenchResult } from "./browserStorage.common";

export async function runNode(
  dir: string,
  options: { rounds: number; layers: number; units: number; backend: string },
): Promise<StorageBenchResult> {
  await tf.setBackend(options.backend);
  const json = path.join(dir, "model.json");
  const bin = path.join(dir, "model.weights.bin");
  const modelSave = tf.io.withSaveHandler(async (a) => {
    const data = tf.io.CompositeArrayBuffer.join(a.weightData);
    await fsp.writeFile(bin, new Uint8Array(data));
    const manifest = [{ paths: ["./model.weights.bin"], weights: a.weightSpecs ?? [] }];
    const modelJSON: tf.io.ModelJSON = {
      modelTopology: a.modelTopology as object,
      weightsManifest: manifest,
      ...(a.format !== undefined ? { format: a.format } : {}),
      ...(a.generatedBy !== undefined ? { generatedBy: a.generatedBy } : {}),
      ...(a.trainingConfig !== undefined ? { trainingConfig: a.trainingConfig } : {}),
      ...(a.userDefinedMetadata !== undefined ? { userDefinedMetadata: a.userDefinedMetadata } : {}),
    };
    await fsp.writeFile(json, JSON.stringify(modelJSON));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
  });
  const modelLoad: tf.io.IOHandler = {
    load: async () => {
      const modelJSON = JSON.parse(await fsp.readFile(json, "utf8")) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJSON, async (groups) => {
        const bytes = await fsp.readFile(bin);
        const specs = groups.flatMap((g) => g.weights);
        return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
      });
    },
  };
  return storageBench(
    { tf, saveTree, loadTree, layersModelTree, disposeTree, treeLeaves },
    {
      ...options,
      tree: pathToFileURL(path.join(dir, "tree.json")).href,
      modelSave,
      modelLoad,
      memory: () => process.memoryUsage().rss,
    },
  );
}
