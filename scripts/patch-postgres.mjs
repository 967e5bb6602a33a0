// Patches the installed postgres.js driver (pinned to exactly 3.4.9 in package.json) where it lets a
// connection that Postgres closed take the process down. Runs as the first step of `npm run build`, so
// every way the project is built (npm install/ci through `prepare`, the Dockerfile's `npm run build` after
// `npm ci --ignore-scripts`, CI) patches the copy in node_modules; applying it twice changes nothing.
//
// The bug: when Postgres terminates a backend (a restart, a stop, pg_terminate_backend) while a
// transaction is open, the driver's `closed()` drops the socket, then `begin()` writes its own ROLLBACK on
// that connection; the write is buffered and flushed from a `setImmediate`, which dereferences the null
// socket and throws where no caller can catch it. `closed()` also cancels a pending flush without
// forgetting it, so the bytes meant for the dead socket stay buffered, the next connection's startup
// message queues behind them and is never sent, and the first queries after the outage wait for the
// connect timeout. And it keeps the error the server sent before closing (57P01, "terminating connection
// due to administrator command"), which the reconnected socket's first ReadyForQuery then hands to its
// first query: one failed query per connection after every restart. Upstream has the first two fixes as
// open, unmerged pull requests (https://github.com/porsager/postgres/pull/1155 and /pull/1209); drop this
// script once a release fixes all three.
//
// The changes, in each of the driver's builds (ESM, CommonJS, Cloudflare):
// 1. `closed()` and `terminate()` forget a pending flush and its bytes along with the socket, and
//    `closed()` the server's last error;
// 2. `nextWrite()` without a socket fails the queries waiting on it (CONNECTION_CLOSED) instead of throwing;
// 3. a transaction whose connection closed rejects its further queries (its ROLLBACK included) instead of
//    writing them, so nothing of it can run on the reconnected socket outside the transaction.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const VERSION = "3.4.9";
const MARK = "session-buddy patch";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");

/** [file under each build's src/, text as released, text patched]; each original occurs exactly once. */
const EDITS = [
  [
    "connection.js",
    "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n",
    `  function nextWrite(fn) {
    if (!socket) { // ${MARK}: the socket closed before this write was flushed
      chunk = nextWriteTimer = null
      const err = Errors.connection('CONNECTION_CLOSED', options)
      query && queryError(query, err)
      while (sent.length)
        queryError(sent.shift(), err)
      return false
    }
    const x = socket.write(chunk, fn)
`,
  ],
  [
    "connection.js",
    "    clearImmediate(nextWriteTimer)\n    if (socket) {\n",
    `    clearImmediate(nextWriteTimer)
    nextWriteTimer = chunk = null // ${MARK}
    if (socket) {
`,
  ],
  [
    "connection.js",
    "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)\n",
    `    clearImmediate(nextWriteTimer)
    nextWriteTimer = chunk = errorResponse = null // ${MARK}
    socket.removeListener('data', data)
`,
  ],
  [
    "index.js",
    "      , prepare = null\n\n    try {\n",
    `      , prepare = null
      , lost = null // ${MARK}: why the connection closed under this transaction

    try {
`,
  ],
  [
    "index.js",
    "        new Promise((_, reject) => connection.onclose = reject)\n",
    "        new Promise((_, reject) => connection.onclose = e => (lost = e, reject(e)))\n",
  ],
  [
    "index.js",
    "        q.catch(e => uncaughtError || (uncaughtError = e))\n        c.queue === full\n",
    `        q.catch(e => uncaughtError || (uncaughtError = e))
        if (lost) // ${MARK}
          return q.reject(lost)
        c.queue === full
`,
  ],
];

if (!existsSync(join(root, "package.json"))) {
  console.log("patch-postgres: postgres is not installed; nothing to patch");
  process.exit(0);
}
const installed = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
if (installed !== VERSION) {
  console.error(
    `patch-postgres: postgres ${installed} is installed, the patch is for ${VERSION}: check whether the new release fixes the null-socket write and drop or port scripts/patch-postgres.mjs`,
  );
  process.exit(1);
}

let changed = 0;
for (const build of ["src", "cjs/src", "cf/src"]) {
  const texts = new Map();
  for (const [file, original, patched] of EDITS) {
    const path = join(root, build, file);
    let text = texts.get(path) ?? readFileSync(path, "utf8");
    if (text.includes(patched)) {
      texts.set(path, text);
      continue;
    }
    const at = text.indexOf(original);
    if (at < 0 || text.indexOf(original, at + 1) >= 0) {
      console.error(`patch-postgres: ${build}/${file} does not read as released; cannot apply the patch`);
      process.exit(1);
    }
    text = text.slice(0, at) + patched + text.slice(at + original.length);
    texts.set(path, text);
    changed++;
  }
  for (const [path, text] of texts) writeFileSync(path, text);
}
if (changed) console.log(`patch-postgres: patched postgres ${VERSION} (${changed} edits)`);
