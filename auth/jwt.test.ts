import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenFailures } from "../contract/errors.js";
import { createVerifier, mintToken } from "./jwt.js";

const secret = "unit-test-secret-0123456789-abcdefghijklmnop";

describe("createVerifier", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("accepts a token until it expires, also once it has been verified before", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-24T10:00:00Z"));
    const verify = createVerifier({ secret });
    const token = await mintToken({ secret, sub: "alice", scopes: ["sessions:read"], ttlSeconds: 60 });
    await expect(verify(token)).resolves.toMatchObject({ sub: "alice" });
    await expect(verify(token)).resolves.toMatchObject({ sub: "alice" });
    vi.setSystemTime(new Date("2026-11-24T10:02:00Z"));
    await expect(verify(token)).rejects.toMatchObject({ code: TokenFailures.EXPIRED });
    await expect(verify(token)).rejects.toMatchObject({ code: TokenFailures.EXPIRED });
  });

  it("refuses a token signed with another secret, every time", async () => {
    const verify = createVerifier({ secret });
    const forged = await mintToken({
      secret: `${secret}-other`,
      sub: "mallory",
      scopes: ["admin"],
      ttlSeconds: 60,
    });
    await expect(verify(forged)).rejects.toMatchObject({ code: TokenFailures.INVALID });
    await expect(verify(forged)).rejects.toMatchObject({ code: TokenFailures.INVALID });
  });
});
