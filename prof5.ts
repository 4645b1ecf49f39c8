import * as tf from "@tensorflow/tfjs-core";
import { loadShape, plainLeaves } from "./bench/trees";
import { treeFlatten, treeLeaves, treeMapN, initBackend } from "./src";
import { readAlong } from "./src/core/flattenPass";
import { resolveOptions } from "./src/core/options";
import { defaultRegistry } from "./src";
(async () => {
  await initBackend("cpu");
  const tree = loadShape(process.argv[2] ?? "ResNet152", () => tf.scalar(0));
  const def = treeFlatten(tree)[1];
  const opts = resolveOptions({ registry: defaultRegistry });
  const time = (name: string, f: () => unknown, n = 2000) => {
    for (let i = 0; i < 300; i++) f();
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    console.log(name.padEnd(16), (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(1), "us");
  };
  for (let r = 0; r < 2; r++) {
    time("plain", () => plainLeaves(tree));
    time("treeLeaves", () => treeLeaves(tree));
    time("treeFlatten", () => treeFlatten(tree));
    time("readAlong", () => readAlong(tree, opts, def.nodes));
    time("treeMapN 3", () => treeMapN((a: unknown) => a, [tree, tree, tree]), 500);
  }
})();
