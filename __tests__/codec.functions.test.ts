import * as tf from "@tensorflow/tfjs-core";
import { defaultFunctions } from "../src/advanced";
import { resolveFunctions } from "../src/codec/functions";

test("the default table maps tfjs names to tfjs functions", () => {
  for (const name of ["exp", "softplus", "sigmoid", "square", "sqrt", "abs", "log", "tanh", "relu"]) {
    expect(defaultFunctions[name]).toBe((tf as any)[name]);
  }
  const { byFunction } = resolveFunctions();
  expect(byFunction.get(tf.softplus)).toBe("softplus");
});

test("user functions are added; the user's entry wins on a shared name, both ways", () => {
  const mine = (x: tf.Tensor) => x;
  const { byName, byFunction } = resolveFunctions({ exp: mine, identity: mine });
  expect(byName.get("exp")).toBe(mine);
  expect(byName.get("identity")).toBe(mine);
  expect(byFunction.get(mine)).toBe("exp"); // the first user name
  expect(byFunction.has(tf.exp)).toBe(false); // tf.exp lost its name
  expect(byFunction.get(tf.log)).toBe("log");
});

test("a user alias of a default function is written with the user's name", () => {
  const { byFunction, byName } = resolveFunctions({ positive: tf.softplus });
  expect(byFunction.get(tf.softplus)).toBe("positive");
  expect(byName.get("softplus")).toBe(tf.softplus); // still readable under the old name
});

test("non-function entries are refused", () => {
  expect(() => resolveFunctions({ x: "exp" as any })).toThrow(
    /functions\["x"\] must be a function, got string/,
  );
});
