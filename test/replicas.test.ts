import { randomBytes } from "node:crypto";
import type { Client } from "graphql-ws";
import { describe, expect } from "vitest";
import { it } from "./fixture.js";
import { collect, gql, readerToken, token, untilLive, uuid, wsConnect } from "./harness.js";
import { START, SUB_STARTED, startInput } from "./ops.js";

// Replicas share a Postgres database and a Redis: this suite needs both servers (CI sets the URLs).
describe.runIf(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL)(
  "two replicas over Postgres and Redis",
  () => {
    it("deliver every start made through either replica to 100 subscribers spread over both, once and in order", async ({
      postgresDatabase,
      serve,
      defer,
    }) => {
      const pg = await postgresDatabase();
      const env = {
        DATABASE_URL: pg.url,
        REDIS_URL: process.env.TEST_REDIS_URL,
        SESSION_BUDDY_REDIS_PREFIX: `replicas-${randomBytes(4).toString("hex")}:`,
      };
      const replicas = [await serve(env), await serve(env)];
      const sockets: Client[] = [];
      defer(() => Promise.all(sockets.map((s) => s.dispose())));
      const reader = await readerToken();
      const c = "replicated";
      for (let i = 0; i < 10; i++)
        sockets.push(await wsConnect(replicas[i % 2]!.url.replace(/^http/, "ws"), reader));
      const subs = Array.from({ length: 100 }, (_, i) =>
        collect<{ sessionStarted: { id: string } }>(sockets[i % 10]!, SUB_STARTED, { component: c }),
      );
      const writer = await token({ sub: "alice" });
      // Probes until every subscriber has heard one: all 100 subscriptions are live on both replicas.
      let probes = 0;
      await untilLive(
        async () => {
          probes++;
          await gql(replicas[probes % 2]!.url, START, { input: startInput(c, uuid()) }, writer);
        },
        () => subs.every((s) => s.items.length > 0),
      );
      const base = subs.map((s) => s.items.length);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const id = uuid();
        ids.push(id);
        // Sequential, alternating replicas: the order of starts is well defined.
        await gql(replicas[i % 2]!.url, START, { input: startInput(c, id) }, writer);
      }
      // A marker after the 20: once it has arrived, a duplicate of an earlier start would have too.
      const marker = uuid();
      await gql(replicas[0]!.url, START, { input: startInput(c, marker) }, writer);
      await Promise.all(subs.map((s, i) => s.until(base[i]! + 21)));
      for (const [i, s] of subs.entries()) {
        const got = s.items.slice(base[i]).map((x) => x.sessionStarted.id);
        expect(got).toEqual([...ids, marker]);
        expect(s.errors).toEqual([]);
      }
      for (const s of subs) s.dispose();
    });
  },
);
