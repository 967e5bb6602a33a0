import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { describe, expect } from "vitest";
import { createVerifier, mintToken } from "../auth/jwt.js";
import { Scopes } from "../contract/enums.js";
import { it, suiteTokens, useService } from "./fixture.js";
import { backends, codeOf, component, gql, TEST_SECRET, token, uuid, wsConnect } from "./harness.js";
import { END, event, RECORD, SESSION, SESSIONS, START, startInput } from "./ops.js";

const key = new TextEncoder().encode(TEST_SECRET);
const now = () => Math.floor(Date.now() / 1000);

function signed(
  claims: Record<string, unknown>,
  opts: { aud?: string; iss?: string; exp?: number; nbf?: number } = {},
) {
  const jwt = new SignJWT({ scope: "sessions:read", ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("mallory")
    .setAudience(opts.aud ?? "session-buddy")
    .setIssuer(opts.iss ?? "session-buddy")
    .setIssuedAt();
  if (opts.exp !== undefined) jwt.setExpirationTime(opts.exp);
  else jwt.setExpirationTime(now() + 600);
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(key);
}

describe.each(backends())("auth on %s", (backend) => {
  const svc = useService(backend);

  const query = "query { sessions(first: 1) { totalCount } }";

  it("refuses missing, forged, unsigned, expired, premature and misaddressed tokens with UNAUTHENTICATED", async () => {
    const unsigned = new UnsecuredJWT({ scope: "admin" })
      .setSubject("mallory")
      .setAudience("session-buddy")
      .setIssuer("session-buddy")
      .setExpirationTime(now() + 600)
      .encode();
    const forged = await new SignJWT({ scope: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("mallory")
      .setAudience("session-buddy")
      .setIssuer("session-buddy")
      .setExpirationTime(now() + 600)
      .sign(new TextEncoder().encode("another-secret-that-is-32-chars-long!!"));
    const noExp = await new SignJWT({ scope: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("mallory")
      .setAudience("session-buddy")
      .setIssuer("session-buddy")
      .sign(key);
    const cases: [string, string | undefined][] = [
      ["none", undefined],
      ["garbage", "not.a.jwt"],
      ["alg none", unsigned],
      ["wrong signature", forged],
      ["expired", await signed({}, { exp: now() - 120 })],
      ["not yet valid", await signed({}, { nbf: now() + 3600 })],
      ["wrong audience", await signed({}, { aud: "someone-else" })],
      ["wrong issuer", await signed({}, { iss: "evil" })],
      ["no exp", noExp],
    ];
    for (const [name, t] of cases) {
      const r = await gql(svc.url, query, {}, t);
      expect(r.status, name).toBeLessThan(500);
      expect(codeOf(r.body), name).toBe("UNAUTHENTICATED");
    }
  });

  it("enforces scopes, ownership and the components claim with FORBIDDEN", async () => {
    const c = component();
    const { writer: alice, reader } = await suiteTokens();
    const bob = await token({ sub: "bob" });
    const limited = await token({ sub: "alice", components: ["only-this"] });
    const id = uuid();
    expect((await gql(svc.url, START, { input: startInput(c, id) }, alice)).body.errors).toBeUndefined();

    // A reader cannot write, a writer cannot read.
    expect(codeOf((await gql(svc.url, START, { input: startInput(c, uuid()) }, reader)).body)).toBe(
      "FORBIDDEN",
    );
    expect(codeOf((await gql(svc.url, SESSIONS, {}, alice)).body)).toBe("FORBIDDEN");
    // Bob can neither end, nor append to, nor re-start Alice's session.
    expect(codeOf((await gql(svc.url, END, { input: { id } }, bob)).body)).toBe("FORBIDDEN");
    const appended = await gql(svc.url, RECORD, { events: [event(id, uuid(), 1)] }, bob);
    expect(appended.body.data!.recordEvents.rejected[0].code).toBe("FORBIDDEN");
    expect(codeOf((await gql(svc.url, START, { input: startInput(c, id) }, bob)).body)).toBe("FORBIDDEN");
    // A writer limited to other components.
    expect(codeOf((await gql(svc.url, START, { input: startInput(c, uuid()) }, limited)).body)).toBe(
      "FORBIDDEN",
    );
    expect(
      codeOf((await gql(svc.url, START, { input: startInput("only-this", uuid()) }, limited)).body),
    ).toBeUndefined();

    // Nothing Bob tried changed Alice's session.
    const s = await gql(svc.url, SESSION, { id }, reader);
    expect(s.body.data!.session).toMatchObject({ status: "ACTIVE", actor: "alice", eventCount: 0 });
  });

  it("shows command text only with audit:read", async () => {
    const c = component();
    const alice = await token({ sub: "alice" });
    const id = uuid();
    await gql(svc.url, START, { input: startInput(c, id) }, alice);
    await gql(svc.url, RECORD, { events: [event(id, uuid(), 1, { text: "deploy()" })] }, alice);
    const plainReader = await token({ sub: "r", scopes: [Scopes.READ] });
    const auditor = await token({ sub: "a", scopes: [Scopes.READ, Scopes.AUDIT] });
    const hidden = await gql(svc.url, SESSION, { id }, plainReader);
    expect(hidden.body.data!.session.events.edges[0].node).toMatchObject({ text: null, textHidden: true });
    const shown = await gql(svc.url, SESSION, { id }, auditor);
    expect(shown.body.data!.session.events.edges[0].node).toMatchObject({
      text: "deploy()",
      textHidden: false,
    });
  });

  it("closes a WebSocket with 4403 at connection_init when the token is bad, and when it expires", async ({
    defer,
  }) => {
    await expect(wsConnect(svc.wsUrl, "bad-token")).rejects.toMatchObject({ code: 4403 });
    await expect(wsConnect(svc.wsUrl, undefined)).rejects.toMatchObject({ code: 4403 });
    const expired = await signed({}, { exp: now() - 60 });
    await expect(wsConnect(svc.wsUrl, expired)).rejects.toMatchObject({ code: 4403 });

    const shortLived = await mintToken({
      secret: TEST_SECRET,
      sub: "r",
      scopes: [Scopes.READ],
      // exp is whole seconds: a 1 s lifetime can be over before connection_init on a busy machine
      ttlSeconds: 3,
    });
    const client = await wsConnect(svc.wsUrl, shortLived);
    defer(() => client.dispose());
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      client.on("closed", (e) => resolve(e as { code: number; reason: string })),
    );
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/expired/);
  });
});

describe("asymmetric tokens from a JWKS", () => {
  it("verifies EdDSA tokens against a JWKS file and refuses HS256 ones", async ({ dir }) => {
    const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "EdDSA", use: "sig" };
    const path = join(dir, "jwks.json");
    writeFileSync(path, JSON.stringify({ keys: [jwk] }));
    const verify = createVerifier({ jwks: path, issuers: ["https://idp.example"] });
    const good = await new SignJWT({ scope: "sessions:read" })
      .setProtectedHeader({ alg: "EdDSA", kid: "k1" })
      .setSubject("svc")
      .setAudience("session-buddy")
      .setIssuer("https://idp.example")
      .setExpirationTime("5m")
      .sign(privateKey);
    await expect(verify(good)).resolves.toMatchObject({ sub: "svc", scopes: new Set(["sessions:read"]) });
    const hs = await new SignJWT({ scope: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("x")
      .setAudience("session-buddy")
      .setIssuer("https://idp.example")
      .setExpirationTime("5m")
      .sign(key);
    await expect(verify(hs)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });
});
