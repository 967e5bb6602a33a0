/**
 * Baseline for the fan-out benchmark: a bare `ws` server that sends one payload to every connected client
 * when POST /publish arrives. Usage: node dist/bench/ws-broadcast-server.js (prints "listening <port>")
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

const server = createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/publish") {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const payload = Buffer.concat(chunks).toString("utf8");
    for (const client of wss.clients) client.send(payload);
    res.writeHead(200);
    res.end(String(wss.clients.size));
  });
});
const wss = new WebSocketServer({ server });
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => {
  for (const c of wss.clients) c.terminate();
  wss.close();
  server.close(() => process.exit(0));
});
