/**
 * The hash chain of a session's record, shared by the client (which computes it at capture) and the
 * service (which recomputes it at ingest and when verifying).
 *
 * Every hash is SHA-256, hex, over `previous hash + "\n" + canonical JSON of the content` (RFC 8785, the
 * JSON Canonicalization Scheme: sorted keys, ES number form), so any implementation that can produce
 * RFC 8785 can reproduce it. The chain of a session is
 *
 *   startHash = H("", start content)            the root: what the shell sent when it started
 *   hash(1)   = H(startHash, event 1 content)
 *   hash(n)   = H(hash(n - 1), event n content)
 *   endHash   = H(hash(lastSeq) or startHash, end content, which names lastSeq)
 *
 * A command's outcome arrives after later events were captured, so the command's hash covers it as
 * captured (no outcome, no duration) and its completion carries a hash of its own, chained to the
 * command's: `completionHash = H(hash(n), completion)`. A completion cannot be altered without breaking
 * that link, nor moved to another command. Times are hashed in their UTC ISO 8601 form with
 * milliseconds (`Date.prototype.toISOString`), absent values as `null`.
 *
 * The service adds one hash of its own per session, {@link sessionHash}: over the identity it stored
 * (the actor comes from the token, not from the shell) and the root, so an edited actor or start time
 * is detected too.
 */

import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { CaptureMode, EndReason } from "./enums.js";
import { CaptureModes } from "./enums.js";
import { DEFAULT_SESSION_TYPE, PATTERNS } from "./limits.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A time in its hashed form: UTC ISO 8601 with milliseconds; null when absent. */
export const iso = (value: Date | string | null | undefined): string | null => {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
};

/** `undefined` as `null`, as hashed content spells an absent value. */
export const orNull = <T>(value: T | null | undefined): T | null => (value === undefined ? null : value);

/** SHA-256 (hex) over the previous hash and the canonical form of `content`. */
export function chainHash(previous: string, content: Json | Record<string, unknown>): string {
  const text = canonicalize(content);
  if (text === undefined) throw new TypeError("chain content must be JSON");
  return createHash("sha256").update(previous).update("\n").update(text).digest("hex");
}

/** What of a session's start the shell hashes (and the service recomputes from what it received). */
export interface StartContent {
  id: string;
  type?: string | null;
  component: string;
  componentType?: string | null;
  componentVersion?: string | null;
  shellType?: string | null;
  adapters?: readonly string[] | null;
  startedAt?: Date | string | null;
  pid?: number | null;
  username?: string | null;
  hostname?: string | null;
  environment?: unknown;
  metadata?: unknown;
  captureMode?: CaptureMode | string | null;
  /** Why it was started; hashed only when given, so chains of sessions without one keep their form. */
  reason?: { text: string; ticketRef?: string | null } | null;
  /** Who the shell detected at the prompt; hashed only when given, like the reason. */
  actorKind?: string | null;
}

/** The root of a session's chain. */
export function startHash(s: StartContent): string {
  return chainHash("", {
    id: s.id.toLowerCase(),
    type: s.type ?? DEFAULT_SESSION_TYPE,
    component: s.component,
    componentType: orNull(s.componentType),
    componentVersion: orNull(s.componentVersion),
    shellType: orNull(s.shellType),
    adapters: [...(s.adapters ?? [])],
    startedAt: iso(s.startedAt),
    pid: orNull(s.pid),
    username: orNull(s.username),
    hostname: orNull(s.hostname),
    environment: (s.environment ?? {}) as Json,
    metadata: (s.metadata ?? {}) as Json,
    captureMode: s.captureMode ?? CaptureModes.BUFFERED,
    ...(s.reason ? { reason: { text: s.reason.text, ticketRef: orNull(s.reason.ticketRef) } } : {}),
    ...(s.actorKind ? { actorKind: s.actorKind } : {}),
  });
}

/** A ticket reference inside a text: {@link PATTERNS.ticketRef} without its anchors, on word bounds. */
const TICKET_IN_TEXT = new RegExp(`\\b(${PATTERNS.ticketRef.slice(1, -1)})\\b`);

/**
 * A session's reason from what the operator typed: the text as given (trimmed), and the first ticket
 * reference in it (`OPS-1234`), if any. Null for an empty answer.
 *
 * @example
 * parseReason("restart the queue, OPS-1234"); // { text: "restart the queue, OPS-1234", ticketRef: "OPS-1234" }
 */
export function parseReason(typed: string): { text: string; ticketRef: string | null } | null {
  const text = typed.trim();
  if (text === "") return null;
  const ticket = TICKET_IN_TEXT.exec(text);
  return { text, ticketRef: ticket?.[1] ?? null };
}

/** What of an event is hashed: everything the shell captured. */
export interface EventContent {
  eventId: string;
  sessionId: string;
  seq: number;
  kind: string;
  at: Date | string;
  text?: string | null;
  durationMs?: number | null;
  outcome?: string | null;
  errorClass?: string | null;
  redactions?: number | null;
  payload?: unknown;
}

/** The hash of event `e`, chained to `previous` (the start's hash for seq 1). */
export function eventHash(previous: string, e: EventContent): string {
  return chainHash(previous, {
    eventId: e.eventId.toLowerCase(),
    sessionId: e.sessionId.toLowerCase(),
    seq: e.seq,
    kind: e.kind,
    at: iso(e.at),
    text: orNull(e.text),
    durationMs: orNull(e.durationMs),
    outcome: orNull(e.outcome),
    errorClass: orNull(e.errorClass),
    redactions: e.redactions ?? 0,
    payload: (e.payload ?? {}) as Json,
  });
}

/** What completes a command after capture: its outcome and duration, sent later with the same eventId. */
export interface CompletionContent {
  outcome: string;
  durationMs?: number | null;
  errorClass?: string | null;
  /** What the completion adds to the command's payload (e.g. a check's summary); null when nothing. */
  result?: unknown;
}

/** The hash of a command's completion, chained to the command's own hash. */
export function completionHash(commandHash: string, c: CompletionContent): string {
  return chainHash(commandHash, {
    outcome: c.outcome,
    durationMs: orNull(c.durationMs),
    errorClass: orNull(c.errorClass),
    result: (c.result ?? null) as Json,
  });
}

/** What of a session's end is hashed. */
export interface EndContent {
  id: string;
  endedAt?: Date | string | null;
  endReason?: EndReason | string | null;
  exitCode?: number | null;
  metadata?: unknown;
  /** The last seq the shell recorded: the chain's length (0 when it recorded nothing). */
  lastSeq: number;
}

/** The hash of a session's end, chained to its last event's hash (the start's when there was none). */
export function endHash(previous: string, e: EndContent): string {
  return chainHash(previous, {
    id: e.id.toLowerCase(),
    endedAt: iso(e.endedAt),
    endReason: orNull(e.endReason),
    exitCode: orNull(e.exitCode),
    metadata: (e.metadata ?? {}) as Json,
    lastSeq: e.lastSeq,
  });
}

/** The identity of a session as the service stored it. */
export interface SessionIdentity {
  id: string;
  component: string;
  type: string;
  actor: string;
  startedAt: Date | string;
  username?: string | null;
  hostname?: string | null;
  pid?: number | null;
  /** The client's root, or null for a session that did not send one. */
  startHash?: string | null;
  /** Why it was started (`Session.reason`), when it was given. */
  reasonText?: string | null;
  reasonTicket?: string | null;
  /** Who was at the prompt, what decided it, and who delegated (when known). */
  actorKind?: string | null;
  actorKindSource?: string | null;
  delegatedBy?: string | null;
}

/**
 * A stored session's identity as hashed and signed: id, component, type, actor, start, user, host, pid,
 * and its reason when it has one (sessions without keep the form they had before reasons existed).
 */
export const identityFields = (s: SessionIdentity) => ({
  id: s.id.toLowerCase(),
  component: s.component,
  type: s.type,
  actor: s.actor,
  startedAt: iso(s.startedAt),
  username: orNull(s.username),
  hostname: orNull(s.hostname),
  pid: orNull(s.pid),
  ...(s.reasonText != null ? { reason: { text: s.reasonText, ticketRef: orNull(s.reasonTicket) } } : {}),
  ...(s.actorKind != null ? { actorKind: s.actorKind, actorKindSource: orNull(s.actorKindSource) } : {}),
  ...(s.delegatedBy != null ? { delegatedBy: s.delegatedBy } : {}),
});

/** The service's hash of a stored session: what checkpoints sign for it. */
export function sessionHash(s: SessionIdentity): string {
  return chainHash(s.startHash ?? "", identityFields(s));
}
