/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // isolatedModules stays off so that a type error fails the test file.
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: true }],
  },
  testTimeout: 120000,
  reporters: ["default", "<rootDir>/scripts/summary-reporter.js"],
  collectCoverageFrom: ["src/**/*.ts"],
  coverageReporters: ["text-summary", "text"],
};
