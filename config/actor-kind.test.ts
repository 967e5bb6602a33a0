import { describe, expect, it } from "vitest";
import { detectActorKind } from "./actor-kind.js";

describe("detectActorKind", () => {
  it("says AI agent, automation or human from the markers and the terminal, and why", () => {
    expect(detectActorKind({ CLAUDECODE: "1" }, true)).toEqual({
      kind: "AI_AGENT",
      why: "CLAUDECODE is set",
    });
    expect(detectActorKind({ GITHUB_ACTIONS: "true" }, true)).toEqual({
      kind: "AUTOMATION",
      why: "GITHUB_ACTIONS is set",
    });
    expect(detectActorKind({}, false)).toEqual({ kind: "AUTOMATION", why: "no terminal" });
    expect(detectActorKind({ CI: "false", CLAUDECODE: "" }, true).kind).toBe("HUMAN");
    // An agent running in CI is an agent; the explicit setting wins over both.
    expect(detectActorKind({ CI: "1", GEMINI_CLI: "1" }, false).kind).toBe("AI_AGENT");
    expect(detectActorKind({ SESSION_BUDDY_ACTOR_KIND: "human", CI: "1" }, false)).toEqual({
      kind: "HUMAN",
      why: "SESSION_BUDDY_ACTOR_KIND",
    });
    expect(detectActorKind({ SESSION_BUDDY_ACTOR_KIND: "robot" }, true).kind).toBe("HUMAN");
  });
});
