/**
 * Baseline for the ingest benchmark: the least a server can do to store a session — bare node:http,
 * JSON body, one postgres.js `INSERT … RETURNING` — on the same database as the service.
 * Usage: node dist/bench/baseline-server.js <postgres-url>  (prints "listening <port>")
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";

const url = process.argv[2];
if (!url) {
  console.error("usage: baseline-server <postgres-url>");
  process.exit(2);
}
const sql = postgres(url, { max: 10, onnotice: () => {} });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        id: string;
        component: string;
        startedAt: string;
      };
      const now = new Date().toISOString();
      const [row] = await sql`
        insert into sessions (id, component, started_at, last_seen_at, received_at, actor)
        values (${body.id}, ${body.component}, ${body.startedAt}, ${now}, ${now}, 'bench')
        on conflict (id) do nothing
        returning id, status, started_at`;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { startSession: row } }));
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => {
  server.close();
  void sql.end({ timeout: 2 }).then(() => process.exit(0));
});
