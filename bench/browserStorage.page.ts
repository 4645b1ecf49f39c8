/** The Chromium side of bench/browserStorage.js: indexeddb:// for the tree and the model. */
import * as tf from "@tensorflow/tfjs";
import { disposeTree, layersModelTree, loadTree, saveTree, treeLeaves } from "paramtree";
import { storageBench, type StorageBenchResult } from "./browserStorage.common";
import { loadSplit, type SplitTimes } from "./browserStorage.split";

declare global {
  interface Window {
    storageBench?: { result?: StorageBenchResult & { split?: SplitTimes }; error?: string };
  }
}

const params = new URLSearchParams(location.search);
const memory = (): number | undefined =>
  (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;

window.storageBench = {};
(async () => {
  await tf.setBackend(params.get("backend") ?? "cpu");
  const result = await storageBench(
    { tf, saveTree, loadTree, layersModelTree, disposeTree, treeLeaves },
    {
      rounds: Number(params.get("rounds") ?? "3"),
      layers: Number(params.get("layers") ?? "25"),
      units: Number(params.get("units") ?? "1024"),
      tree: "indexeddb://paramtree-bench-tree",
      modelSave: "indexeddb://paramtree-bench-model",
      modelLoad: "indexeddb://paramtree-bench-model",
      memory,
    },
  );
  const split =
    params.get("split") === "1"
      ? await loadSplit(
          tf,
          loadTree,
          disposeTree,
          "indexeddb://paramtree-bench-tree",
          "indexeddb://paramtree-bench-model",
          Number(params.get("rounds") ?? "3"),
        )
      : undefined;
  (window.storageBench as { result?: StorageBenchResult & { split?: SplitTimes } }).result = {
    ...result,
    ...(split === undefined ? {} : { split }),
  };
})().catch((e: unknown) => {
  (window.storageBench as { error?: string }).error =
    e instanceof Error ? `${e.message}\n${e.stack ?? ""}` : String(e);
});
