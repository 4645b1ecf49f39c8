/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access --
   each case must require modules afresh inside jest.isolateModules. */
/**
 * The module cycle between the tree layer (whose options default to `defaultRegistry`) and the
 * wrappers (which use the tree layer) must work whichever module is required first.
 */
const entries = [
  "../src",
  "../src/wrappers",
  "../src/wrappers/defaultRegistry",
  "../src/wrappers/parameterize",
  "../src/wrappers/nonTrainable",
  "../src/wrappers/weightNormalization",
  "../src/wrappers/unwrap",
  "../src/tree/options",
  "../src/tree/flatten",
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
      const wrappers = require("../src/wrappers");
      const tree = require("../src/tree");
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
