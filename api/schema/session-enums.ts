import { settingDefinitions } from "../../config/settings.js";
import {
  ACTOR_KIND_SOURCES,
  ACTOR_KINDS,
  CAPTURE_MODES,
  COMMAND_OUTCOMES,
  COMPLETENESS,
  END_REASONS,
  SESSION_STATUSES,
} from "../../contract/enums.js";
import { builder } from "../builder.js";

/**
 * Pothos enum values from a contract tuple, each with its description: a value of the tuple without a
 * description (or a description of no value) fails to compile.
 */
export function describedValues<const T extends readonly string[]>(
  values: T,
  descriptions: { readonly [K in T[number]]: string },
): { [K in T[number]]: { value: K; description: string } } {
  return Object.fromEntries(
    values.map((v) => [v, { value: v, description: descriptions[v as T[number]] }]),
  ) as { [K in T[number]]: { value: K; description: string } };
}

const abandonAfter = `${settingDefinitions.abandonAfter.env}, default ${settingDefinitions.abandonAfter.default} s`;

export const ActorKind = builder.enumType("ActorKind", {
  description: "Who was at the prompt.",
  values: describedValues(ACTOR_KINDS, {
    HUMAN: "A person at a terminal.",
    AI_AGENT: "An AI coding agent (acting for delegatedBy when the token says who).",
    AUTOMATION: "An unattended job: CI, cron, a script without a terminal.",
  }),
});
export const ActorKindSource = builder.enumType("ActorKindSource", {
  description: "What decided a session's actor kind.",
  values: describedValues(ACTOR_KIND_SOURCES, {
    TOKEN: "The token's actor_kind claim (it decides over what a shell detects).",
    SHELL: "What the shell detected: no terminal, or the environment markers AI agents and CI systems set.",
  }),
});

export const SessionStatus = builder.enumType("SessionStatus", {
  description: "Where a session is in its life: ACTIVE, then ENDED or ABANDONED.",
  values: describedValues(SESSION_STATUSES, {
    ACTIVE: "Started and not ended; heartbeats and events keep it alive (and bring an ABANDONED one back).",
    ENDED: "An end was received (also a late end after the session was abandoned).",
    ABANDONED: `Nothing heard for the abandon timeout (${abandonAfter}); set by the reaper. A late end turns it into ENDED; a heartbeat, or an event captured after the abandon, makes it ACTIVE again (see Session.interruptions).`,
  }),
});
export const EndReason = builder.enumType("EndReason", {
  description: "How a session ended, as its producer reported it (ABANDONED: as the reaper decided).",
  values: describedValues(END_REASONS, {
    EXIT: "A clean exit: .exit, Ctrl-D or exit() in a shell, a successful run.",
    SIGINT: "Interrupted by SIGINT (in a shell: Ctrl-C twice).",
    SIGTERM: "Terminated by SIGTERM.",
    SIGHUP: "Its terminal hung up (SIGHUP).",
    ERROR: "Failed: an uncaught exception, a failed workflow step or check.",
    ABANDONED: "Set by the reaper when heartbeats stopped; never sent by a well-behaved client.",
  }),
});
export const CaptureMode = builder.enumType("CaptureMode", {
  description: "How the producer treats the service while the session runs; stamped on the session at start.",
  values: describedValues(CAPTURE_MODES, {
    BUFFERED: "Never block the operator: records are journaled on disk and delivered later, exactly once.",
    STRICT:
      "The producer refuses to start, or to run a command, until the service has acknowledged its record.",
  }),
});
export const CommandOutcome = builder.enumType("CommandOutcome", {
  description: "How a command (or another event with an outcome) finished.",
  values: describedValues(COMMAND_OUTCOMES, {
    ok: "It completed without an error.",
    error: "It failed; counted in the session's errorCount.",
    interrupted:
      "The operator cancelled it before it finished (Ctrl-C in a shell); not an error: counted in neither errorCount nor any failure rate.",
  }),
});

export const Completeness = builder.enumType("Completeness", {
  description:
    "How complete a session's record is, the worst that applies (BROKEN, then GAPPED). See the README's Trust section.",
  values: describedValues(COMPLETENESS, {
    IN_PROGRESS: "ACTIVE, and nothing is missing so far.",
    COMPLETE: "ENDED; every seq up to the end's lastSeq is stored and every chain link matches.",
    GAPPED: "A seq is missing (missingSeqRanges names them): not delivered yet, or lost.",
    TRUNCATED: "ABANDONED: the end is unknown, so events after the last one stored may exist.",
    BROKEN:
      "A chain link does not match (brokenSeq names the first: 0 the start, -1 the end): a record is not what the shell hashed, or events lie beyond the end.",
  }),
});
