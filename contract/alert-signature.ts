/**
 * How alert webhooks are signed, the way Stripe and GitHub sign theirs: the `Session-Buddy-Signature`
 * header carries the time of signing and an HMAC-SHA256 (hex) over `<t>.<body>` with the target's secret:
 * `t=1733450000,v1=5257a869…`. A receiver recomputes it over the raw body, compares in constant time and
 * refuses a timestamp too far from its clock (a replayed delivery). Deliveries are at least once: the
 * `Session-Buddy-Event-Id` header names the alert, the same across retries, for the receiver to dedupe.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const ALERT_SIGNATURE_HEADER = "session-buddy-signature";
export const ALERT_EVENT_ID_HEADER = "session-buddy-event-id";
export const ALERT_EVENT_HEADER = "session-buddy-event";

/** How far a signature's timestamp may be from the receiver's clock, by default. */
export const ALERT_SIGNATURE_TOLERANCE_SECONDS = 300;

function mac(secret: string, t: number, body: string): string {
  return createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
}

/** The `Session-Buddy-Signature` value for `body` signed at `t` (Unix seconds). */
export function signAlert(secret: string, body: string, t: number): string {
  return `t=${t},v1=${mac(secret, t, body)}`;
}

/**
 * Whether `header` is a valid signature of `body` with `secret`, made within `toleranceSeconds` of `now`.
 * Returns the reason when it is not.
 */
export function verifyAlertSignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  options: { now?: Date; toleranceSeconds?: number } = {},
): { ok: true; t: number } | { ok: false; reason: string } {
  if (!header) return { ok: false, reason: "no signature header" };
  const parts = new Map<string, string[]>();
  for (const part of header.split(",")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    parts.set(k, [...(parts.get(k) ?? []), part.slice(i + 1).trim()]);
  }
  const t = Number(parts.get("t")?.[0]);
  if (!Number.isInteger(t)) return { ok: false, reason: "no timestamp (t=) in the signature" };
  const now = (options.now ?? new Date()).getTime() / 1000;
  if (Math.abs(now - t) > (options.toleranceSeconds ?? ALERT_SIGNATURE_TOLERANCE_SECONDS))
    return { ok: false, reason: "the signature's timestamp is outside the tolerance" };
  const expected = Buffer.from(mac(secret, t, body), "hex");
  for (const v of parts.get("v1") ?? []) {
    const given = Buffer.from(v, "hex");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, t };
  }
  return { ok: false, reason: "no v1 signature matches the body" };
}
