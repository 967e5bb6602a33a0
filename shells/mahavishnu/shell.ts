import { hostname } from "node:os";
import type { SessionFieldsFragment } from "../../client/gql/graphql.js";
import { EndSessionMutation } from "../../client/operations/client.js";
import { ListSessionsQuery, ShowSessionQuery } from "../../client/operations/sessions.js";
import { RecentEventsQuery } from "../../client/operations/shells.js";
import { ConfigError, loadConfig, type ResolvedConfig } from "../../config/resolve.js";
import { EndReasons, SessionStatuses } from "../../contract/enums.js";
import { QUERY_LIMITS } from "../../contract/limits.js";
import { shortId } from "../../contract/short-id.js";
import { AdminShell, type AdminShellOptions } from "../core/admin-shell.js";
import type { ArgSpec } from "../core/args.js";
import { formatDuration } from "../core/output.js";
import { fields, summarised } from "../core/result.js";
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

interface RunMetadata {
  workflow?: string;
  steps?: string[];
  failedStep?: string;
}

const meta = (s: { metadata: unknown }) => (s.metadata ?? {}) as RunMetadata;

/** Where a run is: the steps finished, and the step running now (recorded, not yet completed). */
interface Progress {
  done: number;
  total: number;
  running?: string;
}

const LIMIT = (max: number): ArgSpec => ({ name: "limit", kind: "int", min: 1, max });

/**
 * Mahavishnu (orchestrator): workflows from the configuration, run as tracked sessions of type `workflow`.
 * The configuration is read again on each use, so workflows added to oneiric.yaml after the shell opened
 * are there at once.
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
    const workflowNames = () => Object.keys(this.config().settings.workflows);

    this.helper(
      "workflows",
      "workflows()",
      "The workflows defined in the configuration",
      () => {
        const config = this.config();
        const all = Object.entries(config.settings.workflows);
        if (all.length === 0) this.print("no workflows: define them under `workflows:` in oneiric.yaml");
        return this.table(
          all.map(([name, steps]) => ({
            workflow: name,
            steps: steps.map((s) => s.name).join(" → "),
            from: config.provenance.workflows.source,
          })),
        );
      },
      { args: [] },
    );
    this.helper(
      "run",
      "run(name)",
      "Run a workflow now, step by step, tracked as its own session",
      async (name: string) => {
        const steps = this.config().settings.workflows[name]!;
        const result: WorkflowResult = await runWorkflow({
          name,
          steps,
          cwd: process.cwd(),
          client: runtime.client,
          output: this.out,
          color: this.color,
          // Ctrl-C stops the running step (its whole process group) and the steps after it.
          signal: this.signal,
        });
        return result;
      },
      {
        args: [
          {
            name: "name",
            kind: "string",
            required: true,
            what: "the name of a workflow",
            oneOf: workflowNames,
            none: "none is defined yet (add them under workflows: in oneiric.yaml)",
          },
        ],
      },
    );
    this.helper(
      "ps",
      "ps(limit = 20)",
      "All workflow runs, newest first",
      async (limit = 20) => {
        const data = await runtime.query(ListSessionsQuery, {
          filter: { type: "workflow", component: "mahavishnu" },
          first: limit,
        });
        if (data.sessions.edges.length === 0)
          this.print("no workflow runs yet — run(name) or `mahavishnu run NAME`");
        return this.table(
          data.sessions.edges.map(({ node: s }) => ({
            run: shortId(s.id),
            workflow: meta(s).workflow ?? "?",
            status:
              s.status === SessionStatuses.ENDED
                ? s.endReason === EndReasons.EXIT
                  ? "ok"
                  : s.endReason === EndReasons.ERROR
                    ? "failed"
                    : s.endReason === EndReasons.ABANDONED
                      ? "abandoned"
                      : `interrupted (${s.endReason})`
                : s.status.toLowerCase(),
            started: s.startedAt.slice(0, 19).replace("T", " "),
            duration: formatDuration(s.durationSeconds ?? (Date.now() - Date.parse(s.startedAt)) / 1000),
            steps: s.eventCount,
            "failed step": meta(s).failedStep ?? "",
            host: s.hostname ?? "",
          })),
        );
      },
      { args: [LIMIT(1000)] },
    );
    this.helper(
      "top",
      "top()",
      "Runs in progress, with elapsed time and the step running now",
      async () => {
        const data = await runtime.query(ListSessionsQuery, {
          filter: { type: "workflow", component: "mahavishnu", status: SessionStatuses.ACTIVE },
          first: 100,
        });
        const runs = data.sessions.edges.map((e) => e.node);
        if (runs.length === 0) this.print("no workflow is running");
        const progress = await Promise.all(runs.map((s) => this.progress(s)));
        return this.table(
          runs.map((s, i) => {
            const p = progress[i]!;
            return {
              run: shortId(s.id),
              workflow: meta(s).workflow ?? "?",
              elapsed: formatDuration((Date.now() - Date.parse(s.startedAt)) / 1000),
              "steps done": `${p.done}/${p.total}`,
              running: p.running ?? "",
              host: s.hostname ?? "",
              pid: s.pid ?? "",
            };
          }),
        );
      },
      { args: [] },
    );
    this.helper(
      "errors",
      "errors(limit = 10)",
      "Failed workflow steps, newest first",
      async (limit = 10) => {
        const data = await runtime.query(RecentEventsQuery, {
          component: "mahavishnu",
          type: "workflow",
          kind: "workflow_step",
          outcome: "error",
          limit,
        });
        if (data.recentEvents.length === 0) this.print("no failed steps");
        return this.table(
          data.recentEvents.map((e) => {
            const p = e.payload as {
              workflow?: string;
              step?: string;
              exitCode?: number;
              stderrTail?: string;
            };
            return {
              at: e.at.slice(0, 19).replace("T", " "),
              workflow: p.workflow ?? "",
              step: p.step ?? e.text ?? "",
              error: e.errorClass ?? "",
              exit: p.exitCode ?? "",
              "stderr (last line)": (p.stderrTail ?? "").trim().split("\n").at(-1)?.slice(0, 80) ?? "",
              run: shortId(e.sessionId),
            };
          }),
        );
      },
      { args: [LIMIT(1000)] },
    );
    this.helper(
      "sync",
      "sync()",
      "Flush the journal and close runs whose process died on this host",
      async () => {
        const flushed = runtime.client ? await runtime.client.flush() : { delivered: 0, pending: 0 };
        const data = await runtime.query(ListSessionsQuery, {
          filter: {
            type: "workflow",
            component: "mahavishnu",
            status: SessionStatuses.ACTIVE,
            hostname: hostname(),
          },
          first: 500,
        });
        const stale = data.sessions.edges
          .map((e) => e.node)
          .filter((s) => s.pid !== process.pid && !pidAlive(s.pid));
        for (const s of stale) {
          // The step that was running when the process died is the run's failed step.
          const p = await this.progress(s);
          const failedStep = p.running ?? meta(s).steps?.[p.done];
          await runtime.query(EndSessionMutation, {
            input: {
              id: s.id,
              endReason: EndReasons.ABANDONED,
              metadata: { reconciledBy: "mahavishnu sync()", ...(failedStep ? { failedStep } : {}) },
            },
          });
        }
        this.print(
          `journal: ${flushed.delivered} delivered, ${flushed.pending} pending; stale runs closed: ${stale.length}`,
        );
        return summarised(
          { delivered: flushed.delivered, pending: flushed.pending, staleRuns: stale.map((s) => s.id) },
          (r) =>
            `sync: ${r.delivered} delivered, ${r.pending} pending, ${r.staleRuns.length} stale run(s) closed — ${fields("staleRuns")}`,
        );
      },
      { args: [] },
    );
  }

  /** The configuration as it is now: workflows added since the shell opened are seen at once. */
  private config(): ResolvedConfig {
    try {
      return loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        throw new Error(`the configuration is invalid:\n  ${err.problems.join("\n  ")}`);
      }
      throw err;
    }
  }

  /** A run's progress from its step events: completed ones have an outcome, the running one has none. */
  private async progress(s: SessionFieldsFragment): Promise<Progress> {
    const total = meta(s).steps?.length ?? s.eventCount;
    const data = await this.runtime.query(ShowSessionQuery, { id: s.id, first: QUERY_LIMITS.page });
    const steps = (data.session?.events.edges ?? [])
      .map((e) => e.node)
      .filter((e) => e.kind === "workflow_step");
    const done = steps.filter((e) => e.outcome != null).length;
    const open = steps.find((e) => e.outcome == null);
    const running = open
      ? (meta(s).steps?.[steps.indexOf(open)] ?? (open.text ?? "").split(":")[0] ?? "")
      : undefined;
    return { done, total, ...(running ? { running } : {}) };
  }
}
