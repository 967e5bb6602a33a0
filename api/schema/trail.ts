import type { CheckpointRow } from "../../db/schema.js";
import { builder } from "../builder.js";
import { badInput } from "../errors.js";
import { CHECKPOINT_PAGE_MAX, checkpointPage } from "../trust/checkpoints.js";

/** The signed checkpoints of the trail (README, "Trust"): the same pages as GET /checkpoints. */

const Checkpoint = builder.objectRef<CheckpointRow>("Checkpoint").implement({
  description:
    "A signed checkpoint: the Merkle root of the records stored since the previous one, chained to that one's hash, signed by the service (EdDSA; keys at /.well-known/jwks.json).",
  fields: (t) => ({
    seq: t.exposeInt("seq", { description: "Its place in the chain, from 1." }),
    at: t.field({
      type: "String",
      description: "When it was signed (ISO 8601).",
      resolve: (c) => c.at.toISOString(),
    }),
    kid: t.exposeString("kid", {
      description: "The signing key's id (RFC 7638 thumbprint), as in the JWKS.",
    }),
    prevHash: t.exposeString("prevHash", {
      description: "SHA-256 (hex) of the previous checkpoint's JWS; empty for the first.",
    }),
    root: t.exposeString("root", { description: "RFC 6962 Merkle root (hex) of the records it signed." }),
    size: t.exposeInt("size", { description: "How many records (leaves) it signed." }),
    sessions: t.exposeInt("sessions", { description: "Sessions whose identity it signed." }),
    events: t.exposeInt("events", { description: "Events it signed." }),
    completions: t.exposeInt("completions", {
      description: "Command completions it signed after their events.",
    }),
    ends: t.exposeInt("ends", { description: "Session ends it signed." }),
    jws: t.exposeString("jws", {
      description: "The compact JWS over the canonical JSON of the fields above.",
    }),
    hash: t.exposeString("hash", {
      description: "SHA-256 (hex) of jws: what the next checkpoint chains to.",
    }),
  }),
});

const CheckpointPage = builder
  .objectRef<{ checkpoints: CheckpointRow[]; next: number | null }>("CheckpointPage")
  .implement({
    description: "A page of checkpoints, oldest first.",
    fields: (t) => ({
      checkpoints: t.field({
        type: [Checkpoint],
        description: "The checkpoints of this page, oldest first.",
        resolve: (p) => p.checkpoints,
      }),
      next: t.exposeInt("next", {
        nullable: true,
        description: "The after of the next page; null when this is the last.",
      }),
    }),
  });

builder.queryFields((t) => ({
  checkpoints: t.field({
    type: CheckpointPage,
    description:
      "The trail's signed checkpoints, oldest first, a page at a time (as GET /checkpoints). Verify them with `session-buddy verify --all`. Needs sessions:read.",
    authScopes: { read: true },
    args: {
      after: t.arg.int({
        defaultValue: 0,
        description: "Checkpoints after this seq (default 0: from the first).",
      }),
      first: t.arg.int({
        defaultValue: 100,
        description: `Checkpoints per page, 1 … ${CHECKPOINT_PAGE_MAX} (default 100).`,
      }),
    },
    resolve: (_root, args, ctx) => {
      const after = args.after ?? 0;
      const first = args.first ?? 100;
      if (after < 0) throw badInput("after must be 0 or more");
      if (first < 1 || first > CHECKPOINT_PAGE_MAX)
        throw badInput(`first must be 1 … ${CHECKPOINT_PAGE_MAX}`);
      return checkpointPage(ctx.services.db, after, first);
    },
  }),
}));
