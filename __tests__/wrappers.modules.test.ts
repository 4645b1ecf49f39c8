/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access --
   each case must require modules afresh inside jest.isolateModules. */
/**
 * Every module loads on its own, whichever is required first (there are no import cycles, see
 * architecture.test.ts; this checks the run-time side), and the default registry is whole.
 */
const entries = [
  "../src",
  "../src/advanced",
  "../src/core",
  "../src/defaults",
  "../src/wrappers/defaultRegistry",
  "../src/wrappers/parameterize",
  "../src/wrappers/nonTrainable",
  "../src/wrappers/weightNormalization",
  "../src/wrappers/unwrap",
  "../src/core/options",
  "../src/core/flatten",
];

describe.each(entries)("requiring %s first", (entry) => {
  test("loads, and the default registry holds the three built-in tags", () => {
    jest.isolateModules(() => {
      require(entry);
      const { defaultRegistry } = require("../src/wrappers/defaultRegistry");
      expect([...defaultRegistry.specs.keys()].sort()).toEqual([
        "NonTrainable",
        "Parameterize",
        "WeightNormalization",
      ]);
      const wrappers = { ...require("../src"), ...require("../src/advanced") };
      const tree = require("../src");
      const square = (x: number) => x * x;
      const p = wrappers.Parameterize(square, wrappers.Parameterize(square, 3));
      expect(wrappers.unwrap({ a: [p] })).toEqual({ a: [81] });
      // The tree functions see the registered children of built-in records.
      expect(tree.treeLeaves({ p })).toEqual([3]);
      // The exported specs agree with the registry entries.
      for (const spec of [
        wrappers.parameterizeSpec,
        wrappers.nonTrainableSpec,
        wrappers.weightNormalizationSpec,
      ]) {
        const registered = defaultRegistry.specs.get(spec.tag);
        expect(registered.children).toEqual(spec.children);
      }
    });
  });
});
