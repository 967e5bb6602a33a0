import { spawn } from "node:child_process";
import { isAbsolute, resolve } from "node:path";
import pc from "picocolors";
import type { SessionBuddyClientApi } from "../../client/types.js";
import type { WorkflowStep } from "../../config/settings.js";
import { END_SIGNALS, type EndSignal } from "../../contract/enums.js";
import { processFacts } from "../core/runtime.js";

export interface StepResult {
  name: string;
  run: string;
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  stderrTail: string;
}

export interface WorkflowResult {
  /** The tracking session id of the run (absent when tracking is off). */
  runId?: string;
  workflow: string;
  ok: boolean;
  steps: StepResult[];
  /** Steps not run because an earlier one failed. */
  skipped: string[];
  durationMs: number;
}

export interface RunWorkflowOptions {
  name: string;
  steps: readonly WorkflowStep[];
  /** Where relative step `cwd`s resolve from. */
  cwd: string;
  client?: SessionBuddyClientApi | undefined;
  output?: NodeJS.WritableStream;
  color?: boolean;
  /** Extra environment for every step (the step's own `env` wins). */
  env?: Record<string, string>;
  /** Grace period between SIGTERM and SIGKILL when a step times out. */
  killGraceMs?: number;
  /**
   * Stops the run: the running step's process group gets SIGTERM and the session ends with the abort
   * reason when it is an end reason (`"SIGINT"`, `"SIGTERM"`, `"SIGHUP"`), else ERROR.
   */
  signal?: AbortSignal;
}

const TAIL_BYTES = 4096;

function tail(text: string): string {
  return text.length > TAIL_BYTES ? text.slice(-TAIL_BYTES) : text;
}

/**
 * Runs a workflow's steps in order as child processes (`sh -c`), stopping at the first failure. The run is
 * tracked as a session of type `workflow` (component `mahavishnu`) with one `workflow_step` event per step:
 * recorded before it starts, completed with outcome, duration, exit code and stderr tail.
 *
 * @example
 * const result = await runWorkflow({ name: "release", steps, cwd: process.cwd(), client });
 * process.exitCode = result.ok ? 0 : 1;
 */
export async function runWorkflow(o: RunWorkflowOptions): Promise<WorkflowResult> {
  const out = o.output ?? process.stdout;
  const c = pc.createColors(o.color ?? false);
  const started = performance.now();
  const session = o.client?.start({
    type: "workflow",
    component: "mahavishnu",
    componentType: "orchestrator",
    ...processFacts(),
    metadata: { workflow: o.name, steps: o.steps.map((s) => s.name) },
  });
  const results: StepResult[] = [];
  let failed: StepResult | undefined;
  for (const [i, step] of o.steps.entries()) {
    if (o.signal?.aborted) break;
    const cwd = step.cwd ? (isAbsolute(step.cwd) ? step.cwd : resolve(o.cwd, step.cwd)) : o.cwd;
    out.write(
      `${c.bold(`▶ [${i + 1}/${o.steps.length}] ${step.name}`)} ${c.dim(`$ ${step.run}${step.cwd ? `  (in ${step.cwd})` : ""}`)}\n`,
    );
    const recorded = await session
      ?.record({
        kind: "workflow_step",
        text: `${step.name}: ${step.run}`,
        payload: { workflow: o.name, step: step.name, index: i + 1, run: step.run, cwd },
      })
      .catch(() => undefined);
    const result = await runStep(
      step,
      cwd,
      { ...o.env, ...step.env },
      out,
      c,
      o.killGraceMs ?? 5000,
      o.signal,
    );
    results.push(result);
    if (session && recorded) {
      session.complete(recorded, {
        durationMs: result.durationMs,
        outcome: result.ok ? "ok" : "error",
        ...(result.ok
          ? {}
          : {
              errorClass: result.timedOut
                ? "Timeout"
                : result.signal
                  ? `Signal${result.signal}`
                  : `Exit${result.exitCode}`,
            }),
        payload: {
          exitCode: result.exitCode,
          signal: result.signal,
          timedOut: result.timedOut,
          stderrTail: result.stderrTail,
        },
      });
    }
    const secs = (result.durationMs / 1000).toFixed(1);
    if (result.ok) out.write(`${c.green("✓")} ${step.name} ${c.dim(`${secs}s`)}\n`);
    else {
      out.write(
        `${c.red("✗")} ${step.name} ${c.dim(`${secs}s`)} ${
          result.timedOut
            ? `timed out after ${step.timeout}s`
            : result.signal
              ? `killed by ${result.signal}`
              : `exit ${result.exitCode}`
        }\n`,
      );
      failed = result;
      break;
    }
  }
  const skipped = o.steps.slice(results.length).map((s) => s.name);
  const aborted = o.signal?.aborted ? String(o.signal.reason) : undefined;
  const ok = !failed && !aborted;
  const reason = (END_SIGNALS as readonly string[]).includes(aborted ?? "")
    ? (aborted as EndSignal)
    : ok
      ? "EXIT"
      : "ERROR";
  session?.end(reason, ok ? 0 : 1, {
    workflow: o.name,
    ...(failed ? { failedStep: failed.name } : {}),
    ...(aborted ? { aborted } : {}),
  });
  const durationMs = performance.now() - started;
  out.write(
    `${ok ? c.green(`workflow ${o.name} succeeded`) : c.red(`workflow ${o.name} failed at ${failed?.name}`)} ${c.dim(
      `(${results.length}/${o.steps.length} steps, ${(durationMs / 1000).toFixed(1)}s${skipped.length ? `, skipped: ${skipped.join(", ")}` : ""})`,
    )}\n`,
  );
  return {
    ...(session ? { runId: session.id } : {}),
    workflow: o.name,
    ok,
    steps: results,
    skipped,
    durationMs,
  };
}

function runStep(
  step: WorkflowStep,
  cwd: string,
  env: Record<string, string>,
  out: NodeJS.WritableStream,
  c: ReturnType<typeof pc.createColors>,
  graceMs: number,
  signal?: AbortSignal,
): Promise<StepResult> {
  return new Promise((resolveStep) => {
    const t0 = performance.now();
    let stderr = "";
    let timedOut = false;
    const child = spawn("/bin/sh", ["-c", step.run], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const prefix = (chunk: Buffer) =>
      chunk
        .toString()
        .split(/(?<=\n)/)
        .map((l) => `${c.dim("│")} ${l}`)
        .join("");
    child.stdout.on("data", (d: Buffer) => out.write(prefix(d)));
    child.stderr.on("data", (d: Buffer) => {
      stderr = tail(stderr + d.toString());
      out.write(prefix(d));
    });
    let killTimer: NodeJS.Timeout | undefined;
    const timer = step.timeout
      ? setTimeout(() => {
          timedOut = true;
          // The whole process group: `sh -c` may have children of its own.
          killGroup(child.pid, "SIGTERM");
          killTimer = setTimeout(() => killGroup(child.pid, "SIGKILL"), graceMs);
        }, step.timeout * 1000)
      : undefined;
    const onAbort = () => killGroup(child.pid, "SIGTERM");
    signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (exitCode: number | null, signal_: string | null, spawnError?: Error) => {
      signal?.removeEventListener("abort", onAbort);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (spawnError) stderr = tail(`${stderr}${spawnError.message}\n`);
      resolveStep({
        name: step.name,
        run: step.run,
        ok: !spawnError && !timedOut && exitCode === 0,
        exitCode,
        signal: signal_,
        timedOut,
        durationMs: performance.now() - t0,
        stderrTail: stderr,
      });
    };
    child.once("error", (err) => finish(null, null, err));
    child.once("close", (code, signal) => finish(code, signal));
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
