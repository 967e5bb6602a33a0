/**
 * Who is at a shell's prompt, as the shell can tell (a token's `actor_kind` claim decides over this): an
 * AI coding agent or a CI system by the environment markers they set, an unattended run by the missing
 * terminal, else a person. `SESSION_BUDDY_ACTOR_KIND` says it outright.
 */
import { ACTOR_KINDS, type ActorKind, ActorKinds } from "../contract/enums.js";

/** Variables AI coding agents set in the processes they run (present and not empty means set). */
export const AI_AGENT_MARKERS = [
  "CLAUDECODE",
  "CLAUDE_CODE_ENTRYPOINT",
  "GEMINI_CLI",
  "CURSOR_AGENT",
  "CODEX_SANDBOX",
];
/** Variables CI systems set. */
export const CI_MARKERS = [
  "CI",
  "GITHUB_ACTIONS",
  "GITLAB_CI",
  "BUILDKITE",
  "CIRCLECI",
  "JENKINS_URL",
  "TF_BUILD",
  "TEAMCITY_VERSION",
];

const set = (env: NodeJS.ProcessEnv, name: string) => {
  const v = env[name];
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
};

/**
 * The actor kind a shell reports, and why.
 *
 * @example
 * detectActorKind({ CLAUDECODE: "1" }, true); // { kind: "AI_AGENT", why: "CLAUDECODE is set" }
 * detectActorKind({}, false);                 // { kind: "AUTOMATION", why: "no terminal" }
 */
export function detectActorKind(env: NodeJS.ProcessEnv, terminal: boolean): { kind: ActorKind; why: string } {
  const said = env.SESSION_BUDDY_ACTOR_KIND?.trim().toUpperCase();
  if (said && (ACTOR_KINDS as readonly string[]).includes(said))
    return { kind: said as ActorKind, why: "SESSION_BUDDY_ACTOR_KIND" };
  const agent = AI_AGENT_MARKERS.find((m) => set(env, m));
  if (agent) return { kind: ActorKinds.AI_AGENT, why: `${agent} is set` };
  const ci = CI_MARKERS.find((m) => set(env, m));
  if (ci) return { kind: ActorKinds.AUTOMATION, why: `${ci} is set` };
  if (!terminal) return { kind: ActorKinds.AUTOMATION, why: "no terminal" };
  return { kind: ActorKinds.HUMAN, why: "a terminal, no agent or CI markers" };
}
