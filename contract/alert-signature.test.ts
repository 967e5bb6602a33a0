import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signAlert, verifyAlertSignature } from "./alert-signature.js";

const secret = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d";
const body = '{"id":"sensitive_begin:1","type":"sensitive_begin"}';
const t = 1_796_500_000;
const now = new Date(t * 1000);

describe("alert signatures", () => {
  it("is an HMAC-SHA256 over `<t>.<body>`, as a receiver computes it by hand", () => {
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(signAlert(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(verifyAlertSignature(secret, body, signAlert(secret, body, t), { now })).toEqual({ ok: true, t });
  });

  it("refuses an altered body, another secret, a stale or missing timestamp, and no header", () => {
    const header = signAlert(secret, body, t);
    expect(verifyAlertSignature(secret, body.replace("1", "2"), header, { now })).toEqual({
      ok: false,
      reason: "no v1 signature matches the body",
    });
    expect(verifyAlertSignature(`${secret}x`, body, header, { now }).ok).toBe(false);
    expect(verifyAlertSignature(secret, body, header, { now: new Date((t + 301) * 1000) })).toEqual({
      ok: false,
      reason: "the signature's timestamp is outside the tolerance",
    });
    expect(verifyAlertSignature(secret, body, header.replace(/^t=\d+,/, ""), { now }).ok).toBe(false);
    expect(verifyAlertSignature(secret, body, undefined, { now })).toEqual({
      ok: false,
      reason: "no signature header",
    });
    expect(verifyAlertSignature(secret, body, "t=1,v1=zz", { now }).ok).toBe(false);
  });

  it("accepts any one of several v1 signatures (a secret being rotated)", () => {
    const old = signAlert("an-old-secret-of-enough-length-000000", body, t).split("v1=")[1];
    const header = `${signAlert(secret, body, t)},v1=${old}`;
    expect(verifyAlertSignature(secret, body, header, { now }).ok).toBe(true);
  });
});
