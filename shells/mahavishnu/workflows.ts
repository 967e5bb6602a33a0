import { isAbsolute, resolve } from "node:path";
import pc from "picocolors";
import type { SessionBuddyClientApi } from "../../client/types.js";
import type { WorkflowStep } from "../../config/settings.js";
import { formatDuration } from "../../contract/duration.js";
import { CommandOutcomes, END_SIGNALS, EndReasons, type EndSignal, ExitCodes } from "../../contract/enums.js";
import { shortId } from "../../contract/short-id.js";
import { signalGroup, spawnWatched } from "../core/child.js";
import { fields, summarised } from "../core/result.js";
import { processFacts } from "../core/runtime.js";

export interface StepResult {
  name: string;
  run: string;
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Stopped by the run's signal (Ctrl-C, SIGINT/SIGTERM/SIGHUP of `mahavishnu run`). */
  interrupted: boolean;
  /** Whole milliseconds. */
  durationMs: number;
  stderrTail: string;
}

export interface WorkflowResult {
  /** The tracking session id of the run (absent when tracking is off). */
  runId?: string;
  workflow: string;
  ok: boolean;
  steps: StepResult[];
  /** Steps not run because an earlier one failed or the run was interrupted. */
  skipped: string[];
  /** Why the run stopped early: the end reason (`SIGINT`, …) of an interruption. */
  interrupted?: EndSignal;
  /** Whole milliseconds. */
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
   * Stops the run: the running step's process group gets SIGTERM (SIGKILL after `killGraceMs`), no further
   * step starts, and the session ends with the abort reason when it is an end reason (`"SIGINT"`,
   * `"SIGTERM"`, `"SIGHUP"`), else SIGINT (Ctrl-C in a shell).
   */
  signal?: AbortSignal;
}

/** The end reason an aborted run reports. */
function abortReason(signal: AbortSignal | undefined): EndSignal | undefined {
  if (!signal?.aborted) return undefined;
  const reason = signal.reason as unknown;
  return typeof reason === "string" && (END_SIGNALS as readonly string[]).includes(reason)
    ? (reason as EndSignal)
    : EndReasons.SIGINT;
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
        outcome: result.interrupted ? CommandOutcomes.interrupted : result.ok ? "ok" : "error",
        ...(result.ok || result.interrupted
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
    const took = c.dim(formatDuration(result.durationMs));
    if (result.ok) out.write(`${c.green("✓")} ${step.name} ${took}\n`);
    else if (result.interrupted) {
      out.write(`${c.yellow("■")} ${step.name} ${took} interrupted (${abortReason(o.signal)})\n`);
      break;
    } else {
      out.write(
        `${c.red("✗")} ${step.name} ${took} ${
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
  const ran = results.filter((r) => !r.interrupted).length;
  const skipped = o.steps.slice(results.length).map((s) => s.name);
  const interrupted = abortReason(o.signal);
  const ok = !failed && !interrupted;
  const stoppedAt = results.find((r) => r.interrupted)?.name;
  session?.end(
    interrupted ?? (ok ? EndReasons.EXIT : EndReasons.ERROR),
    interrupted ? ExitCodes[interrupted] : ok ? 0 : 1,
    {
      workflow: o.name,
      ...(failed ? { failedStep: failed.name } : {}),
      ...(interrupted ? { aborted: interrupted, ...(stoppedAt ? { failedStep: stoppedAt } : {}) } : {}),
    },
  );
  const durationMs = Math.round(performance.now() - started);
  const verdict = ok
    ? c.green(`workflow ${o.name} succeeded`)
    : interrupted
      ? c.yellow(`workflow ${o.name} interrupted${stoppedAt ? ` at ${stoppedAt}` : ""} (${interrupted})`)
      : c.red(`workflow ${o.name} failed at ${failed?.name}`);
  out.write(
    `${verdict} ${c.dim(
      `(${ran}/${o.steps.length} steps, ${formatDuration(durationMs)}${skipped.length ? `, skipped: ${skipped.join(", ")}` : ""})`,
    )}\n`,
  );
  const result: WorkflowResult = {
    ...(session ? { runId: session.id } : {}),
    workflow: o.name,
    ok,
    steps: results,
    skipped,
    ...(interrupted ? { interrupted } : {}),
    durationMs,
  };
  return summarised(result, (r) => {
    const state = r.ok
      ? "succeeded"
      : r.interrupted
        ? `interrupted (${r.interrupted})`
        : `failed at ${r.steps.find((x) => !x.ok)?.name}`;
    const run = r.runId ? `, run ${shortId(r.runId)}` : "";
    return `workflow ${r.workflow} ${state}: ${r.steps.filter((x) => !x.interrupted).length}/${
      r.steps.length + r.skipped.length
    } steps in ${formatDuration(r.durationMs)}${run} — ${fields("steps", "skipped", "ok")}`;
  });
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
    let interrupted = false;
    // Under a watchdog, in a process group of its own: a timeout or an interruption stops `sh -c` and
    // everything it started, and the step cannot outlive this process, even when it is killed with -9.
    const child = spawnWatched(["/bin/sh", "-c", step.run], {
      cwd,
      env: { ...process.env, ...env },
      graceMs,
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
    const stop = () => {
      signalGroup(child, "SIGTERM");
      killTimer ??= setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
    };
    const timer = step.timeout
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, step.timeout * 1000)
      : undefined;
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (exitCode: number | null, signal_: string | null, spawnError?: Error) => {
      signal?.removeEventListener("abort", onAbort);
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (spawnError) stderr = tail(`${stderr}${spawnError.message}\n`);
      resolveStep({
        name: step.name,
        run: step.run,
        ok: !spawnError && !timedOut && !interrupted && exitCode === 0,
        exitCode,
        signal: signal_,
        timedOut,
        interrupted: interrupted && !timedOut,
        durationMs: Math.round(performance.now() - t0),
        stderrTail: stderr,
      });
    };
    child.once("error", (err) => finish(null, null, err));
    child.once("close", (code, signal) => finish(code, signal));
  });
}
