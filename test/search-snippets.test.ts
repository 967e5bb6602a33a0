/**
 * Every search hit's snippet contains the words it matched, each marked «like this»: words far apart in a
 * long command, more words than ts_headline shows fragments, and strings deep inside a session's metadata.
 */
import { describe, expect } from "vitest";
import { it, useService } from "./fixture.js";
import { backends, component, gql, readerToken, token, uuid } from "./harness.js";
import { event, RECORD, START, startInput } from "./ops.js";

const writer = await token({ sub: "alice" });
const reader = await readerToken();
const SEARCH = `query S($query: String!, $index: SearchIndex) {
  searchSessions(query: $query, index: $index, limit: 100) { index sessionId eventId snippet } }`;
const words = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`).join(" ");

describe.each(backends())("search snippets on %s", (backend) => {
  const svc = useService(backend);
  const search = async (query: string, index: string) => {
    const r = await gql(svc.url, SEARCH, { query, index }, reader);
    expect(r.body.errors, JSON.stringify(r.body.errors)).toBeUndefined();
    return r.body.data!.searchSessions as { sessionId: string; eventId: string | null; snippet: string }[];
  };

  it("shows each matched word of a command, however far apart the words are", async () => {
    const c = component("s");
    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, writer);
    const tag = `q${uuid().slice(-8)}`;
    const texts = {
      apart: `${words(10, "x")} ${tag}alpha ${words(300, "w")} ${tag}omega`,
      three: `${tag}red ${words(100, "w")} ${tag}green ${words(100, "v")} ${tag}blue`,
    };
    const events = Object.values(texts).map((text, i) => event(id, uuid(), i + 1, { text }));
    expect((await gql(svc.url, RECORD, { events }, writer)).body.data!.recordEvents.accepted).toBe(2);

    for (const [query, expected] of [
      [`${tag}alpha ${tag}omega`, [`«${tag}alpha»`, `«${tag}omega»`]],
      [`${tag}red ${tag}green ${tag}blue`, [`«${tag}red»`, `«${tag}green»`, `«${tag}blue»`]],
      [`${tag}red -${tag}alpha`, [`«${tag}red»`]],
    ] as const) {
      const hits = await search(query, "COMMANDS");
      expect(hits, query).toHaveLength(1);
      for (const word of expected) expect(hits[0]!.snippet, query).toContain(word);
      expect(hits[0]!.snippet.length, query).toBeLessThan(1200);
    }
  });

  it("shows a session's match in a string deep inside its metadata", async () => {
    const c = component("m");
    const id = uuid();
    const tag = `z${uuid().slice(-8)}`;
    const metadata = { ticket: { title: `${words(40, "t")} ${tag}`, labels: ["ops", `${tag}label`] } };
    await gql(svc.url, START, { input: startInput(c, id, { metadata }) }, writer);
    const hits = await search(tag, "SESSIONS");
    expect(hits.map((h) => h.sessionId)).toEqual([id]);
    expect(hits[0]!.snippet).toContain(`«${tag}»`);
    const label = await search(`${tag}label`, "SESSIONS");
    expect(label[0]!.snippet).toContain(`«${tag}label»`);
  });
});
