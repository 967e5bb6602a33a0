import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet } from "jose";
import { describe, expect } from "vitest";
import { loadSigningKey } from "../api/trust/signing-key.js";
import { verifySigned } from "../contract/verify.js";
import { it } from "./fixture.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("the trail signing key", () => {
  it("is created once in the data dir, owner-only, and signs what its public key set verifies", async ({
    dir,
  }) => {
    const defaultPath = join(dir, "signing-key.jwk");
    const key = await loadSigningKey({ defaultPath });
    expect(statSync(defaultPath).mode & 0o777).toBe(0o600);
    const again = await loadSigningKey({ defaultPath });
    expect(again.kid).toBe(key.kid);
    expect(key.kid).toBe(
      await calculateJwkThumbprint(JSON.parse(readFileSync(defaultPath, "utf8")), "sha256"),
    );

    const [pub] = key.jwks.keys;
    expect(pub).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig", kid: key.kid });
    expect(pub).not.toHaveProperty("d");

    const jws = await key.sign(bytes('{"root":"abc","size":3}'));
    expect(text(await verifySigned(jws, key.jwks))).toBe('{"root":"abc","size":3}');

    // an edited payload, and a signature checked against someone else's key, are refused
    const [h, p, s] = jws.split(".");
    const forged = `${h}.${Buffer.from('{"root":"abd","size":3}').toString("base64url")}.${s}`;
    await expect(verifySigned(forged, key.jwks)).rejects.toThrow(/signature/i);
    expect(p).toBeTruthy();
    const other = await loadSigningKey({ defaultPath: join(dir, "other.jwk") });
    await expect(verifySigned(jws, other.jwks)).rejects.toThrow();
  });

  it("refuses a configured key that is missing, readable by others, or not an Ed25519 private key", async ({
    dir,
  }) => {
    const defaultPath = join(dir, "unused.jwk");
    await expect(loadSigningKey({ configured: join(dir, "nope.jwk"), defaultPath })).rejects.toThrow(
      /cannot read the signing key .*nope\.jwk/,
    );
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const loose = join(dir, "loose.jwk");
    writeFileSync(loose, JSON.stringify(await exportJWK(privateKey)));
    chmodSync(loose, 0o644);
    await expect(loadSigningKey({ configured: loose, defaultPath })).rejects.toThrow(
      /readable by others.*chmod 600/,
    );
    const publicOnly = join(dir, "public.jwk");
    writeFileSync(publicOnly, JSON.stringify(await exportJWK(publicKey)), { mode: 0o600 });
    await expect(loadSigningKey({ configured: publicOnly, defaultPath })).rejects.toThrow(
      /not an Ed25519 private JWK/,
    );
    chmodSync(loose, 0o600);
    const configured = await loadSigningKey({ configured: loose, defaultPath });
    expect(configured.path).toBe(loose);
  });

  it("is served at /.well-known/jwks.json, the same key across restarts, and a bad key stops start-up", async ({
    dir,
    serve,
  }) => {
    const env = { SESSION_BUDDY_DATA_DIR: dir };
    const first = await serve(env);
    const jwksUrl = first.url.replace(/\/graphql$/, "/.well-known/jwks.json");
    const res = await fetch(jwksUrl);
    expect(res.status).toBe(200);
    const served = (await res.json()) as JSONWebKeySet;
    expect(served.keys).toHaveLength(1);
    expect(served.keys[0]).not.toHaveProperty("d");
    const onDisk = JSON.parse(readFileSync(join(dir, "signing-key.jwk"), "utf8"));
    expect(served.keys[0]?.kid).toBe(await calculateJwkThumbprint(onDisk, "sha256"));
    const about = (await (await fetch(first.url.replace(/\/graphql$/, "/about"))).json()) as {
      routes: { path: string }[];
    };
    expect(about.routes.map((r) => r.path)).toContain("/.well-known/jwks.json");
    await first.stop();

    const second = await serve(env);
    const again = (await (
      await fetch(second.url.replace(/\/graphql$/, "/.well-known/jwks.json"))
    ).json()) as JSONWebKeySet;
    expect(again.keys[0]?.kid).toBe(served.keys[0]?.kid);
    await second.stop();

    chmodSync(join(dir, "signing-key.jwk"), 0o644);
    await expect(serve(env)).rejects.toThrow(/readable by others/);
  });
});
