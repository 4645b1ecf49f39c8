// A minimal static file server for the built browser example, on 127.0.0.1 only.
// Usage: node examples/browser/serve.js [port]   (default 8080; the test uses port 0 = any free)
"use strict";
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm", // needed for WebAssembly.instantiateStreaming
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
};

/** Serves `root` on 127.0.0.1:`port`; resolves to { url, close }. */
function serve(root, port = 0) {
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rel = decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname);
    const file = path.resolve(base, `.${rel}`);
    if (!file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({
        url: `http://127.0.0.1:${address.port}/`,
        close: () => new Promise((done) => server.close(() => done(undefined))),
      });
    });
  });
}

module.exports = { serve };

if (require.main === module) {
  const port = Number(process.argv[2] ?? "8080");
  serve(path.join(__dirname, "dist"), port).then(({ url }) =>
    console.log(`serving examples/browser/dist at ${url}`),
  );
}
