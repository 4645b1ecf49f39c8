/**
 * Child process of the kill test (codec.durable.test.ts): saves large models to one path in a
 * loop until it is killed. Model i is { id: i, w: a 2,000,000-element float32 tensor filled with i }.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, saveTree } from "../../src/index.node";

async function main(): Promise<void> {
  await initBackend();
  const file = process.argv[2] as string;
  for (let i = 0; ; i++) {
    const w = tf.fill([2_000_000], i);
    await saveTree(file, { id: i, w, note: "n".repeat((i % 3) * 50_000) });
    w.dispose();
    process.stdout.write(`saved ${i}\n`);
  }
}
void main();
