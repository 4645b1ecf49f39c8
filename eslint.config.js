// @ts-check
// ESLint flat config: typescript-eslint's type-aware recommended rules, plus the few rules that
// catch real bugs in tensor code (floating promises: an un-awaited `initBackend()` or `data()`
// races the next op). `any` is a warning, not an error: tfjs's own typings force it in places.
"use strict";
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const { defineConfig } = require("eslint/config");

const nodeGlobals = Object.fromEntries(
  [
    "require",
    "module",
    "exports",
    "__dirname",
    "__filename",
    "process",
    "console",
    "Buffer",
    "setTimeout",
    "clearTimeout",
    "URL",
  ].map((name) => [name, "readonly"]),
);

module.exports = defineConfig(
  {
    ignores: [
      "dist/",
      "dist-examples/",
      "docs/api/",
      "coverage/",
      "node_modules/",
      "examples/browser/dist/",
      "tmp/",
      "bench/fixtures/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "inline-type-imports" },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      // tfjs's typings return `any`/loosely typed values in places (customGrad, Tensor.array()):
      // flag, do not fail.
      "@typescript-eslint/no-explicit-any": "warn",
      "@typescript-eslint/no-unsafe-assignment": "warn",
      "@typescript-eslint/no-unsafe-member-access": "warn",
      "@typescript-eslint/no-unsafe-call": "warn",
      "@typescript-eslint/no-unsafe-return": "warn",
      "@typescript-eslint/no-unsafe-argument": "warn",
      // Its "type arguments may be inferred from the assertion" form fires on idiomatic tfjs code
      // (`tf.tidy(() => ...) as tf.Tensor2D`): style, not a bug.
      "@typescript-eslint/no-unnecessary-type-assertion": "warn",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
    },
  },
  {
    // Tests and benchmarks: jest's `expect(obj.method)` and async callbacks without await are
    // idiomatic; messages built from arbitrary values are fine in a test report.
    files: ["__tests__/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/unbound-method": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Plain JavaScript (configs, build scripts): no type information, CommonJS, Node globals.
    files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: "commonjs", globals: nodeGlobals },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
