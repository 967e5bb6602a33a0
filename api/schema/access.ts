import { Scopes } from "../../contract/enums.js";
import type { Context } from "../context.js";
import { unauthenticated } from "../errors.js";

/** Whether the caller may read command text (audit:read, or admin). */
export const canAudit = (ctx: Context) => {
  const s = ctx.identity?.scopes;
  return Boolean(s && (s.has(Scopes.AUDIT) || s.has(Scopes.ADMIN)));
};

/** The caller's identity; fields that need one are guarded by scopes, so this only fails without a token. */
export function requireIdentity(ctx: Context) {
  if (!ctx.identity) throw unauthenticated(ctx.authFailure?.message, ctx.authFailure?.code);
  return ctx.identity;
}
