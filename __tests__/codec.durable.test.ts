/**
 * Durability of saveTree/loadTree: every file-system call of a save failed in turn, a throw from
 * inside the encoder, concurrent saves racing loads, leftovers of crashed saves, names that
 * cannot collide.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as E from "fp-ts/Either";
import { promises as fsp } from "fs";
import * as os from "os";
import * as path from "path";
import { formatDecodeErrors, loadTree, saveTree, TreeEncodeError } from "../src/index.node";
import type { SaveFileHandle, SaveFileSystem } from "../src/advanced.node";
import { disposeAll, exactDifference } from "./codec.helpers";
import { useBackendAndCheckLeaks } from "./support/tensors";

useBackendAndCheckLeaks();

let dir = "";
beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), "paramtree-durable-"));
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

const realFs: SaveFileSystem = {
  open: (p, flags) => fsp.open(p, flags),
  rename: (a, b) => fsp.rename(a, b),
  rm: (p) => fsp.rm(p, { force: true }),
  readdir: (p) => fsp.readdir(p),
  readFile: (p) => fsp.readFile(p, "utf8"),
  mtimeMs: async (p) => (await fsp.stat(p)).mtimeMs,
};

/** Node's file system with its `failAt`-th call (counting handle calls too) failing; `calls` counts them. */
function failingFs(failAt: number): {
  fs: SaveFileSystem;
  calls: () => number;
  failed: () => string | undefined;
} {
  let n = 0;
  let failed: string | undefined;
  const step = (name: string): void => {
    n += 1;
    if (n === failAt) {
      failed = name;
      throw Object.assign(new Error(`injected failure of call ${n} (${name})`), { code: "EIO" });
    }
  };
  const wrap =
    <A extends unknown[], R>(name: string, f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      step(name);
      return f(...args);
    };
  const wrapHandle = (h: SaveFileHandle): SaveFileHandle => ({
    write: wrap("write", (b: Uint8Array, o: number, l: number) => h.write(b, o, l)),
    sync: wrap("sync", () => h.sync()),
    close: async () => {
      // A failed close still closes (as Node's does): no descriptor leaks.
      try {
        step("close");
      } finally {
        await h.close();
      }
    },
  });
  const fs: SaveFileSystem = {
    open: wrap("open", async (p: string, flags: "w" | "wx" | "r") => wrapHandle(await realFs.open(p, flags))),
    rename: wrap("rename", realFs.rename),
    rm: wrap("rm", realFs.rm),
    readdir: wrap("readdir", realFs.readdir),
    readFile: wrap("readFile", realFs.readFile),
    mtimeMs: wrap("mtimeMs", realFs.mtimeMs),
  };
  return { fs, calls: () => n, failed: () => failed };
}

async function loadRight(file: string): Promise<unknown> {
  const r = await loadTree(file);
  if (E.isLeft(r)) throw new Error(formatDecodeErrors(r.left).join("\n"));
  return r.right;
}

function oldModel() {
  return { w: tf.tensor([1, 2, 3]), b: tf.tensor([[5]], [1, 1], "int32"), name: "old" };
}
function newModel() {
  return { w: tf.tensor([4, 5, 6, 7]), m: tf.tensor([true, false], [2], "bool"), name: "new", lr: 0.5 };
}

async function expectLoads(file: string, expected: unknown): Promise<void> {
  const back = await loadRight(file);
  expect(exactDifference(back, expected)).toBeUndefined();
  disposeAll(back);
}

describe("a failure at any file-system call of a save leaves exactly the old model", () => {
  for (const variant of ["side file", "inline", "no tensors"] as const) {
    test(`${variant}: the 1st, 2nd, ..., n-th call fails in turn`, async () => {
      const sub = await fsp.mkdtemp(path.join(dir, "fault-"));
      const file = path.join(sub, "m.json");
      const old = oldModel();
      const next = variant === "no tensors" ? { name: "new", lr: 0.5 } : newModel();
      const options = variant === "inline" ? { inline: true } : {};
      let sawFailure = 0;
      let sawCommitted = 0;
      for (let failAt = 1; ; failAt++) {
        await saveTree(file, old);
        const before = (await fsp.readdir(sub)).sort();
        const { fs, calls, failed } = failingFs(failAt);
        let rejected: unknown;
        await saveTree(file, next, { ...options, fileSystem: fs }).catch((e: unknown) => (rejected = e));
        if (failed() === undefined) {
          // Every call made without hitting failAt: the loop has covered them all.
          expect(rejected).toBeUndefined();
          expect(calls()).toBeLessThan(failAt);
          await expectLoads(file, next);
          break;
        }
        if (rejected !== undefined) {
          expect((rejected as Error).message).toMatch(/^injected failure of call \d+/);
          sawFailure += 1;
          await expectLoads(file, old);
          // Nothing of the failed save is left behind.
          expect((await fsp.readdir(sub)).sort()).toEqual(before);
        } else {
          // The failure came after the commit (flushing the folder, tidying up): the new model.
          sawCommitted += 1;
          await expectLoads(file, next);
        }
      }
      expect(sawFailure).toBeGreaterThanOrEqual(variant === "side file" ? 8 : 5);
      expect(sawCommitted).toBeGreaterThanOrEqual(1);
      disposeAll(old);
      disposeAll(next);
      // The folder holds the document and the side file it names, plus replaced side files
      // whose removal was the failed call (removed by a later save once old): never a
      // temporary document.
      const doc = JSON.parse(await fsp.readFile(file, "utf8"));
      const named: string[] = doc.weightsManifest === undefined ? [] : [doc.weightsManifest[0].paths[0]];
      const files = await fsp.readdir(sub);
      expect(files).toContain("m.json");
      for (const f of named) expect(files).toContain(f);
      const extra = files.filter((f) => f !== "m.json" && !named.includes(f));
      expect(extra.filter((f) => !/^m\.json\.[0-9a-f]{16}\.bin$/.test(f))).toEqual([]);
      expect(extra.length).toBeLessThanOrEqual(3);
    });
  }

  test("a throw from inside the encoder (a getter, a disposed tensor) writes nothing", async () => {
    const sub = await fsp.mkdtemp(path.join(dir, "encoder-"));
    const file = path.join(sub, "m.json");
    const old = oldModel();
    await saveTree(file, old);
    const before = (await fsp.readdir(sub)).sort();
    const throwing = {
      w: tf.tensor([1]),
      get bad(): number {
        throw new Error("getter failed");
      },
    };
    await expect(saveTree(file, throwing)).rejects.toThrow();
    const disposed = tf.tensor([9, 9]);
    disposed.dispose();
    const withDisposed = { a: tf.tensor([1, 2]), z: disposed };
    await expect(saveTree(file, withDisposed)).rejects.toThrow();
    expect((await fsp.readdir(sub)).sort()).toEqual(before);
    await expectLoads(file, old);
    throwing.w.dispose();
    withDisposed.a.dispose();
    disposeAll(old);
  });
});

describe("a tensor disposed while saveTree runs: a TreeEncodeError naming its key path, the old model kept", () => {
  const disposedWhileWriting =
    "cannot serialize the tree:\n.layers[0].w: the tensor was disposed while the tree was being written; keep the tree's tensors until saveTree settles";

  /** Node's file system, calling `onWrite` before the n-th write to any handle. */
  function fsDisposingAt(n: number, onWrite: () => void): SaveFileSystem {
    let writes = 0;
    return {
      ...realFs,
      open: async (p, flags) => {
        const h = await realFs.open(p, flags);
        return {
          write: (b, o, l) => {
            if (++writes === n) onWrite();
            return h.write(b, o, l);
          },
          sync: () => h.sync(),
          close: () => h.close(),
        };
      },
    };
  }

  // [how, save options, the write before which the tensor is disposed, the error text]
  test.each([
    ["while its side file is written", {}, 1, disposedWhileWriting],
    ["while the inline document is written", { inline: true }, 1, disposedWhileWriting],
  ] as const)("%s", async (_how, options, atWrite, message) => {
    const sub = await fsp.mkdtemp(path.join(dir, "disposed-"));
    const file = path.join(sub, "m.json");
    const old = oldModel();
    await saveTree(file, old);
    const before = (await fsp.readdir(sub)).sort();
    // 1 MiB: written by a write of its own (small tensors are gathered into 1 MiB chunks).
    const first = tf.zeros([1 << 18]);
    const w = tf.tensor([3, 4]);
    const tree = { first, layers: [{ w }] };
    let rejected: unknown;
    await saveTree(file, tree, { ...options, fileSystem: fsDisposingAt(atWrite, () => w.dispose()) }).catch(
      (e: unknown) => (rejected = e),
    );
    expect(w.isDisposed).toBe(true);
    expect(rejected).toBeInstanceOf(TreeEncodeError);
    expect((rejected as TreeEncodeError).message).toBe(message);
    expect((rejected as TreeEncodeError).problems.map((p) => p.path)).toEqual([["layers", 0, "w"]]);
    expect((await fsp.readdir(sub)).sort()).toEqual(before);
    await expectLoads(file, old);
    first.dispose();
    disposeAll(old);
  });

  test.each([
    ["before saveTree is called", {}],
    ["before saveTree is called (inline)", { inline: true }],
    ["right after saveTree is called, before it encodes", {}],
  ] as const)("%s", async (how, options) => {
    const sub = await fsp.mkdtemp(path.join(dir, "disposed-"));
    const file = path.join(sub, "m.json");
    const old = oldModel();
    await saveTree(file, old);
    const w = tf.tensor([3, 4]);
    const tree = { layers: [{ w }] };
    if (how.startsWith("before")) w.dispose();
    const saving = saveTree(file, tree, options);
    w.dispose();
    let rejected: unknown;
    await saving.catch((e: unknown) => (rejected = e));
    expect(rejected).toBeInstanceOf(TreeEncodeError);
    expect((rejected as Error).message).toBe(
      "cannot serialize the tree:\n.layers[0].w: the tensor is disposed",
    );
    await expectLoads(file, old);
    disposeAll(old);
  });
});

test("20 different models saved to one path at once, loaded in a loop: every load is exactly one of them", async () => {
  const sub = await fsp.mkdtemp(path.join(dir, "race-"));
  const file = path.join(sub, "m.json");
  const models = Array.from({ length: 20 }, (_, i) => ({
    id: i,
    w: tf.fill([1 + ((i * 7919) % 50_000)], i + 0.5),
    meta: "x".repeat((i % 4) * 100_000),
  }));
  const initial = { id: -1, w: tf.tensor([0]), meta: "" };
  await saveTree(file, initial);
  const candidates = [initial, ...models];
  let saving = true;
  let loads = 0;
  const problems: string[] = [];
  const loader = (async () => {
    while (saving || loads < 20) {
      const r = await loadTree(file);
      loads += 1;
      if (E.isLeft(r)) {
        problems.push(formatDecodeErrors(r.left).join("; "));
        continue;
      }
      const back = r.right as { id: number };
      const match = candidates.find((m) => m.id === back.id);
      const difference = match === undefined ? `unknown id ${back.id}` : exactDifference(back, match);
      if (difference !== undefined) problems.push(difference);
      disposeAll(back);
    }
  })();
  await Promise.all(models.map((m) => saveTree(file, m)));
  saving = false;
  await loader;
  expect(problems).toEqual([]);
  expect(loads).toBeGreaterThanOrEqual(20);
  const final = (await loadRight(file)) as { id: number };
  expect(exactDifference(final, models[final.id])).toBeUndefined();
  disposeAll(final);
  // One complete model: the document and the one side file it names.
  const doc = JSON.parse(await fsp.readFile(file, "utf8"));
  const leftovers = (await fsp.readdir(sub)).filter(
    (f) => f !== "m.json" && f !== doc.weightsManifest[0].paths[0],
  );
  // Side files of saves whose replaced document another save had already replaced stay until
  // they are old enough to be removed (see the next test); never a temporary document.
  expect(leftovers.every((f) => /^m\.json\.[0-9a-f]{16}\.bin$/.test(f))).toBe(true);
  disposeAll(models);
  disposeAll(initial);
});

/** What a save that crashed while writing its temporary document leaves in it. */
const cutShortDocument =
  '{"format":"paramtree","version":"1.0","tree":{"w":{"_tag":"Tensor","dtype":"float32","sha';

test("leftovers of crashed saves of this document are removed once old; others' files and fresh ones are kept", async () => {
  const sub = await fsp.mkdtemp(path.join(dir, "orphans-"));
  const file = path.join(sub, "m.json");
  const old = new Date(Date.now() - 3600_000);
  const names = {
    oldBin: "m.json.0123456789abcdef.bin",
    oldTmp: "m.json.fedcba9876543210.tmp",
    freshTmp: "m.json.aaaaaaaaaaaaaaaa.tmp",
    otherModel: "m.0123456789abcdef.bin",
    otherDoc: "m.json.bin",
    notOurs: "m.json.0123456789abcdeg.bin",
  };
  for (const name of Object.values(names)) {
    await fsp.writeFile(path.join(sub, name), name.endsWith(".tmp") ? cutShortDocument : "x");
    if (name !== names.freshTmp) await fsp.utimes(path.join(sub, name), old, old);
  }
  const m = oldModel();
  await saveTree(file, m);
  const files = await fsp.readdir(sub);
  expect(files).not.toContain(names.oldBin);
  expect(files).not.toContain(names.oldTmp);
  for (const kept of [names.freshTmp, names.otherModel, names.otherDoc, names.notOurs])
    expect(files).toContain(kept);
  await expectLoads(file, m);
  disposeAll(m);
});

describe("leftoverAgeMs: how old a leftover must be before a save removes it", () => {
  const leftovers = { recent: "m.json.1111111111111111.bin", hourOld: "m.json.2222222222222222.tmp" };
  async function folderWithLeftovers(): Promise<{ sub: string; file: string }> {
    const sub = await fsp.mkdtemp(path.join(dir, "age-"));
    const ago = (ms: number): Date => new Date(Date.now() - ms);
    await fsp.writeFile(path.join(sub, leftovers.recent), "x");
    await fsp.utimes(path.join(sub, leftovers.recent), ago(5_000), ago(5_000));
    await fsp.writeFile(path.join(sub, leftovers.hourOld), cutShortDocument);
    await fsp.utimes(path.join(sub, leftovers.hourOld), ago(3600_000), ago(3600_000));
    return { sub, file: path.join(sub, "m.json") };
  }

  test.each([
    ["the default (10 minutes)", undefined, [leftovers.recent]],
    ["one second", 1000, []],
    ["0: at once", 0, []],
    ["Infinity: never", Infinity, [leftovers.recent, leftovers.hourOld]],
  ] as const)("%s", async (_name, leftoverAgeMs, kept) => {
    const { sub, file } = await folderWithLeftovers();
    const m = oldModel();
    await saveTree(file, m, leftoverAgeMs === undefined ? {} : { leftoverAgeMs });
    const doc = JSON.parse(await fsp.readFile(file, "utf8"));
    expect((await fsp.readdir(sub)).sort()).toEqual(
      ["m.json", doc.weightsManifest[0].paths[0], ...kept].sort(),
    );
    await expectLoads(file, m);
    disposeAll(m);
  });

  test.each([-1, NaN, "600000"])("%p is refused before anything is written", async (bad) => {
    const { sub, file } = await folderWithLeftovers();
    const before = (await fsp.readdir(sub)).sort();
    await expect(saveTree(file, { lr: 0.1 }, { leftoverAgeMs: bad as number })).rejects.toThrow(
      `saveTree: leftoverAgeMs must be a number of milliseconds from 0 (remove at once) to Infinity (never), got ${
        bad === -1 ? "-1" : bad === "600000" ? '"600000"' : "NaN"
      }`,
    );
    expect((await fsp.readdir(sub)).sort()).toEqual(before);
  });
});

describe("saving over a symbolic link replaces the link; its target stays, still loading", () => {
  test.each([
    ["a link to a document in another folder", "elsewhere/m.json"],
    ["a link to a document next to it (current.json -> v1.json)", "v1.json"],
  ] as const)("%s", async (_name, target) => {
    const sub = await fsp.mkdtemp(path.join(dir, "link-"));
    const targetPath = path.join(sub, target);
    await fsp.mkdir(path.dirname(targetPath), { recursive: true });
    const old = oldModel();
    await saveTree(targetPath, old);
    const targetFolderBefore = (await fsp.readdir(path.dirname(targetPath))).sort();
    const link = path.join(sub, "current.json");
    await fsp.symlink(target, link);
    const next = newModel();
    await saveTree(link, next);
    expect((await fsp.lstat(link)).isSymbolicLink()).toBe(false);
    await expectLoads(link, next);
    await expectLoads(targetPath, old);
    // The target's folder lost nothing (the link's new side file may have joined it).
    const targetFolderAfter = await fsp.readdir(path.dirname(targetPath));
    for (const name of targetFolderBefore) expect(targetFolderAfter).toContain(name);
    disposeAll(old);
    disposeAll(next);
  });
});

describe("names cannot collide", () => {
  test("m and m.json, k and k.bin are different models in one folder", async () => {
    const sub = await fsp.mkdtemp(path.join(dir, "names-"));
    const a = oldModel();
    const b = newModel();
    await saveTree(path.join(sub, "m"), a);
    await saveTree(path.join(sub, "m.json"), b);
    await saveTree(path.join(sub, "k"), b);
    await saveTree(path.join(sub, "k.bin"), a);
    await saveTree(path.join(sub, "m"), a); // a second save of m removes only m's old side file
    await expectLoads(path.join(sub, "m"), a);
    await expectLoads(path.join(sub, "m.json"), b);
    await expectLoads(path.join(sub, "k"), b);
    await expectLoads(path.join(sub, "k.bin"), a);
    expect((await fsp.readdir(sub)).length).toBe(8);
    disposeAll(a);
    disposeAll(b);
  });
});

test("kill test: a child saving large models in a loop, SIGKILLed 20 times, leaves one complete model", async () => {
  const { execFileSync, spawn } = await import("child_process");
  const sub = await fsp.mkdtemp(path.join(dir, "kill-"));
  const saver = path.join(sub, "saver.js");
  const root = path.join(__dirname, "..");
  execFileSync(path.join(root, "node_modules", ".bin", "esbuild"), [
    path.join(__dirname, "support", "killSaver.ts"),
    "--bundle",
    "--platform=node",
    "--log-level=error",
    `--outfile=${saver}`,
    "--external:@tensorflow/*",
    "--external:fp-ts",
    "--external:io-ts",
  ]);
  const file = path.join(sub, "m.json");
  const ids = new Set<number>();
  for (let round = 0; round < 20; round++) {
    const child = spawn(process.execPath, [saver, file], {
      env: { ...process.env, NODE_PATH: path.join(root, "node_modules") },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    // Kill after the first save of this round plus a random delay, so kills land at every stage.
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("saved 0")) resolve();
      });
      child.on("exit", () => resolve());
    });
    await new Promise((r) => setTimeout(r, Math.random() * 300));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    const back = (await loadRight(file)) as { id: number; w: tf.Tensor; note: string };
    expect(back.w.shape).toEqual([2_000_000]);
    const values = back.w.dataSync();
    expect(values.every((v) => v === back.id)).toBe(true);
    expect(back.note).toBe("n".repeat((back.id % 3) * 50_000));
    ids.add(back.id);
    back.w.dispose();
  }
  expect(ids.size).toBeGreaterThan(1);
}, 120_000);

test("6 savers saving in a loop while loads run in a loop: every load is a complete model, never a Left", async () => {
  const sub = await fsp.mkdtemp(path.join(dir, "race-many-"));
  const file = path.join(sub, "m.json");
  // Many small nodes: reading the document takes a while, the window a save commits in.
  const meta = Array.from({ length: 5000 }, (_, i) => i);
  const model = (id: number) => ({ id, w: tf.fill([1 + (id % 7) * 1000], id), meta });
  const first = model(0);
  await saveTree(file, first);
  disposeAll(first);
  let saving = true;
  const problems: string[] = [];
  let loads = 0;
  const loaders = [0, 1].map(async () => {
    while (saving) {
      const r = await loadTree(file);
      loads += 1;
      if (E.isLeft(r)) {
        problems.push(formatDecodeErrors(r.left).join("; "));
        continue;
      }
      const back = r.right as { id: number; w: tf.Tensor };
      const expected = model(back.id);
      const difference = exactDifference(back, expected);
      if (difference !== undefined) problems.push(difference);
      disposeAll(expected);
      disposeAll(back);
    }
  });
  try {
    await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (s) => {
        for (let i = 0; i < 20; i++) {
          const m = model(s * 100 + i);
          await saveTree(file, m);
          disposeAll(m);
        }
      }),
    );
  } finally {
    saving = false;
    await Promise.all(loaders);
  }
  expect(problems).toEqual([]);
  expect(loads).toBeGreaterThanOrEqual(10);
  // 120 saves and their loads: a minute on a machine at load 10 (a correctness test, not a timing one).
}, 180_000);

test("a save removes only what saves of this document made: never another document, nor a side file another document names", async () => {
  const sub = await fsp.mkdtemp(path.join(dir, "owned-"));
  const file = path.join(sub, "m.json");
  const at = (name: string): string => path.join(sub, name);
  const old = oldModel();
  const next = newModel();
  await saveTree(file, old);
  // A copy of the document (cp m.json backup.json) needs the side file the next save replaces.
  await fsp.copyFile(file, at("backup.json"));
  // Users' documents whose names fit the grammar of m.json's leftovers.
  const users = {
    "m.json.0123456789abcdef.tmp": {},
    "m.json.1111111111111111.tmp": { inline: true },
    "m.json.2222222222222222.bin": { inline: true },
  } as const;
  for (const [name, options] of Object.entries(users)) await saveTree(at(name), old, options);
  // What crashed saves of m.json leave: a temporary document cut short, one complete with the
  // side file of its save, a side file alone.
  const elsewhere = await fsp.mkdtemp(path.join(dir, "elsewhere-"));
  await saveTree(path.join(elsewhere, "m.json"), next);
  const doc = JSON.parse(await fsp.readFile(path.join(elsewhere, "m.json"), "utf8"));
  await fsp.copyFile(
    path.join(elsewhere, doc.weightsManifest[0].paths[0]),
    at("m.json.4444444444444444.bin"),
  );
  doc.weightsManifest[0].paths = ["m.json.4444444444444444.bin"];
  await fsp.writeFile(at("m.json.4444444444444444.tmp"), JSON.stringify(doc));
  await fsp.writeFile(at("m.json.3333333333333333.tmp"), cutShortDocument);
  await fsp.writeFile(at("m.json.5555555555555555.bin"), new Uint8Array([1, 2, 3, 4]));
  // A link of that name is not a file a save made.
  await fsp.symlink("backup.json", at("m.json.6666666666666666.bin"));
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const name of await fsp.readdir(sub)) await fsp.lutimes(at(name), hourAgo, hourAgo);
  const crashed = [
    "m.json.3333333333333333.tmp",
    "m.json.4444444444444444.tmp",
    "m.json.4444444444444444.bin",
    "m.json.5555555555555555.bin",
  ];
  const keptBefore = (await fsp.readdir(sub)).filter((f) => !crashed.includes(f) && f !== "m.json");

  await saveTree(file, next);
  await saveTree(file, next);

  const files = await fsp.readdir(sub);
  for (const name of crashed) expect(files).not.toContain(name);
  // Everything else stays (m.json's own replaced side files aside, which backup.json names).
  for (const name of keptBefore) expect(files).toContain(name);
  await expectLoads(file, next);
  await expectLoads(at("backup.json"), old);
  for (const name of Object.keys(users)) await expectLoads(at(name), old);
  disposeAll(old);
  disposeAll(next);
});
