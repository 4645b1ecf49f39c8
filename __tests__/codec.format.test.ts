import { formatVersion, readableMajors, reservedTags } from "../src/advanced";
import { checkVersion, specialNumberText, specialNumberValue } from "../src/codec/format";

test("special numbers: text and back, exactly", () => {
  for (const x of [NaN, Infinity, -Infinity, -0]) {
    const text = specialNumberText(x);
    expect(text).toBeDefined();
    expect(Object.is(specialNumberValue(text), x)).toBe(true);
  }
  for (const x of [0, 1, -1.5, Number.MIN_VALUE, Number.MAX_VALUE])
    expect(specialNumberText(x)).toBeUndefined();
  expect(specialNumberValue("0")).toBeUndefined();
  expect(specialNumberValue(NaN)).toBeUndefined();
});

test("versions: same and older majors readable, newer refused, malformed refused", () => {
  expect(readableMajors).toContain(Number(formatVersion.split(".")[0]));
  expect(checkVersion(formatVersion)).toBeUndefined();
  expect(checkVersion("1.99")).toBeUndefined();
  expect(checkVersion("2.0")).toMatch(/newer than this reader understands \(1\.x\)/);
  expect(checkVersion("10.0")).toMatch(/newer/);
  expect(checkVersion("0.1")).toMatch(/does not exist/);
  for (const bad of ["1", "1.0.0", "01.0", " 1.0", "v1.0", 1, null, "9999999.0"])
    expect(checkVersion(bad)).toMatch(/expected a version string/);
});

test("reserved tags", () => {
  expect([...reservedTags].sort()).toEqual(["Function", "Number", "Object", "Tensor", "Undefined"]);
});
