// Removes dist/ so that a build never ships files of modules that no longer exist.
"use strict";
require("node:fs").rmSync(require("node:path").resolve(__dirname, "..", "dist"), {
  recursive: true,
  force: true,
});
