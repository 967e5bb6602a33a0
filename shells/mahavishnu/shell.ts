import { hostname } from "node:os";
import { EndSessionMutation } from "../../client/operations/client.js";
import { ListSessionsQuery } from "../../client/operations/sessions.js";
import { RecentEventsQuery } from "../../client/operations/shells.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import { formatDuration } from "../core/output.js";
import type { ShellRuntime } from "../core/runtime.js";
import { runWorkflow, type WorkflowResult } from "./workflows.js";

function pidAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Mahavishnu (orchestrator): workflows from the configuration, run as tracked sessions of type `workflow`.
 */
export class MahavishnuShell extends AdminShell {
  constructor(
    protected readonly runtime: ShellRuntime,
    options: AdminShellOptions = {},
  ) {
    super(
      { name: "mahavishnu", componentType: "orchestrator", adapters: ["workflows", "child_process"] },
      options,
    );
    const workflows = () => runtime.settings.workflows;

    this.helper("workflows", "workflows()", "The workflows defined in the configuration", () =>
      this.table(
        Object.entries(workflows()).map(([name, steps]) => ({
          workflow: name,
          steps: steps.map((s) => s.name).join(" → "),
          from: runtime.config.provenance.workflows.source,
        })),
      ),
    );
    this.helper(
      "run",
      "run(name)",
      "Run a workflow now, step by step, tracked as its own session",
      async (name: string) => {
        const steps = workflows()[name];
        if (!steps) {
          throw new Error(
            `no workflow "${name}"; defined: ${Object.keys(workflows()).join(", ") || "none (add workflows to oneiric.yaml)"}`,
          );
        }
        const result: WorkflowResult = await runWorkflow({
          name,
          steps,
          cwd: process.cwd(),
          client: runtime.client,
          output: this.output,
          color: this.color,
        });
        return result;
      },
    );
    this.helper("ps", "ps(limit = 20)", "All workflow runs, newest first", async (limit = 20) => {
      const data = await runtime.query(ListSessionsQuery, {
        filter: { type: "workflow", component: "mahavishnu" },
        first: Number(limit),
      });
      if (data.sessions.edges.length === 0)
        this.print("no workflow runs yet — run(name) or `mahavishnu run NAME`");
      return this.table(
        data.sessions.edges.map(({ node: s }) => ({
          run: s.id.slice(0, 8),
          workflow: String((s.metadata as { workflow?: string })?.workflow ?? "?"),
          status: s.status === "ENDED" ? (s.endReason === "EXIT" ? "ok" : "failed") : s.status.toLowerCase(),
          started: s.startedAt.slice(0, 19).replace("T", " "),
          duration: formatDuration(s.durationSeconds ?? (Date.now() - Date.parse(s.startedAt)) / 1000),
          steps: s.eventCount,
          "failed step": String((s.metadata as { failedStep?: string })?.failedStep ?? ""),
          host: s.hostname ?? "",
        })),
      );
    });
    this.helper("top", "top()", "Runs in progress, with elapsed time", async () => {
      const data = await runtime.query(ListSessionsQuery, {
        filter: { type: "workflow", component: "mahavishnu", status: "ACTIVE" },
        first: 100,
      });
      if (data.sessions.edges.length === 0) this.print("no workflow is running");
      return this.table(
        data.sessions.edges.map(({ node: s }) => ({
          run: s.id.slice(0, 8),
          workflow: String((s.metadata as { workflow?: string })?.workflow ?? "?"),
          elapsed: formatDuration((Date.now() - Date.parse(s.startedAt)) / 1000),
          "steps done": s.eventCount,
          host: s.hostname ?? "",
          pid: s.pid ?? "",
        })),
      );
    });
    this.helper("errors", "errors(limit = 10)", "Failed workflow steps, newest first", async (limit = 10) => {
      const data = await runtime.query(RecentEventsQuery, {
        component: "mahavishnu",
        type: "workflow",
        kind: "workflow_step",
        outcome: "error",
        limit: Number(limit),
      });
      if (data.recentEvents.length === 0) this.print("no failed steps");
      return this.table(
        data.recentEvents.map((e) => {
          const p = e.payload as { workflow?: string; step?: string; exitCode?: number; stderrTail?: string };
          return {
            at: e.at.slice(0, 19).replace("T", " "),
            workflow: p.workflow ?? "",
            step: p.step ?? e.text ?? "",
            error: e.errorClass ?? "",
            exit: p.exitCode ?? "",
            "stderr (last line)": (p.stderrTail ?? "").trim().split("\n").at(-1)?.slice(0, 80) ?? "",
            run: e.sessionId.slice(0, 8),
          };
        }),
      );
    });
    this.helper(
      "sync",
      "sync()",
      "Flush the journal and close runs whose process died on this host",
      async () => {
        const flushed = runtime.client ? await runtime.client.flush() : { delivered: 0, pending: 0 };
        const data = await runtime.query(ListSessionsQuery, {
          filter: { type: "workflow", component: "mahavishnu", status: "ACTIVE", hostname: hostname() },
          first: 500,
        });
        const stale = data.sessions.edges
          .map((e) => e.node)
          .filter((s) => s.pid !== process.pid && !pidAlive(s.pid));
        for (const s of stale) {
          await runtime.query(EndSessionMutation, {
            input: { id: s.id, endReason: "ABANDONED", metadata: { reconciledBy: "mahavishnu sync()" } },
          });
        }
        this.print(
          `journal: ${flushed.delivered} delivered, ${flushed.pending} pending; stale runs closed: ${stale.length}`,
        );
        return { delivered: flushed.delivered, pending: flushed.pending, staleRuns: stale.map((s) => s.id) };
      },
    );
  }
}
