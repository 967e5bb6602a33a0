/** Who was at a session's prompt, in the words the CLI, the shells and the dashboard print. */
import { ActorKindSources, ActorKinds } from "./enums.js";

/** Who was at the prompt in words: `AI agent (said by the token), for alice`; null when unknown. */
export function actorKindText(s: {
  actorKind?: string | null;
  actorKindSource?: string | null;
  delegatedBy?: string | null;
}): string | null {
  if (!s.actorKind) return null;
  const word = s.actorKind === ActorKinds.AI_AGENT ? "AI agent" : s.actorKind.toLowerCase();
  const source =
    s.actorKindSource === ActorKindSources.TOKEN
      ? " (said by the token)"
      : s.actorKindSource === ActorKindSources.SHELL
        ? " (detected by the shell)"
        : "";
  return `${word}${source}${s.delegatedBy ? `, for ${s.delegatedBy}` : ""}`;
}
