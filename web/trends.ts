/** Client-side trend arithmetic: hourly buckets of session starts and per-component averages. */
import { type SessionStatus, SessionStatuses } from "../contract/enums.js";

export const HOUR_MS = 3_600_000;

export interface StartedSession {
  component: string;
  startedAt: string;
}

export interface EndedSession extends StartedSession {
  status: SessionStatus;
  durationSeconds?: number | null;
}

/** Hourly series per component over a fixed window of whole hours ending with the current one. */
export class HourlyStarts {
  readonly hours: number;
  /** Start of each bucket, oldest first (epoch ms). */
  buckets: number[] = [];
  readonly counts = new Map<string, number[]>();

  constructor(now: number, hours = 24) {
    this.hours = hours;
    this.buckets = HourlyStarts.bucketsAt(now, hours);
  }

  static bucketsAt(now: number, hours: number): number[] {
    const current = Math.floor(now / HOUR_MS) * HOUR_MS;
    return Array.from({ length: hours }, (_, i) => current - (hours - 1 - i) * HOUR_MS);
  }

  /** The earliest instant the window covers: what to ask the API for. */
  get since(): number {
    return this.buckets[0]!;
  }

  /** Counts one start; false when it falls outside the window. */
  add(s: StartedSession): boolean {
    const at = Date.parse(s.startedAt);
    const i = Math.floor((at - this.since) / HOUR_MS);
    if (!Number.isFinite(i) || i < 0 || i >= this.hours) return false;
    let series = this.counts.get(s.component);
    if (!series) {
      series = new Array(this.hours).fill(0);
      this.counts.set(s.component, series);
    }
    series[i]! += 1;
    return true;
  }

  /** Moves the window so it ends with the hour of `now`; true when it moved. */
  advance(now: number): boolean {
    const next = HourlyStarts.bucketsAt(now, this.hours);
    const shift = Math.round((next[0]! - this.since) / HOUR_MS);
    if (shift <= 0) return false;
    this.buckets = next;
    for (const [component, series] of this.counts) {
      const moved = series.slice(Math.min(shift, this.hours));
      const padded = moved.concat(new Array(this.hours - moved.length).fill(0));
      if (padded.some((n) => n > 0)) this.counts.set(component, padded);
      else this.counts.delete(component);
    }
    return true;
  }

  total(component: string): number {
    return (this.counts.get(component) ?? []).reduce((a, b) => a + b, 0);
  }

  /**
   * The `limit` busiest components by name, then the rest summed as `other`, so a chart stays readable
   * with many components.
   */
  series(limit = 8): { label: string; data: number[] }[] {
    const ranked = [...this.counts.keys()].sort(
      (a, b) => this.total(b) - this.total(a) || a.localeCompare(b),
    );
    const shown = ranked.slice(0, limit).sort((a, b) => a.localeCompare(b));
    const out = shown.map((label) => ({ label, data: [...this.counts.get(label)!] }));
    const rest = ranked.slice(limit);
    if (rest.length > 0) {
      const data = new Array(this.hours).fill(0);
      for (const c of rest) {
        this.counts.get(c)!.forEach((n, i) => {
          data[i] += n;
        });
      }
      out.push({ label: `other (${rest.length})`, data });
    }
    return out;
  }

  /** `13:00`-style labels in the viewer's time zone. */
  labels(): string[] {
    return this.buckets.map((b) => {
      const d = new Date(b);
      return `${String(d.getHours()).padStart(2, "0")}:00`;
    });
  }
}

/** Average duration of the ended (or abandoned) sessions per component, longest first. */
export function averageDurations(
  sessions: EndedSession[],
): { component: string; avgSeconds: number; sessions: number }[] {
  const acc = new Map<string, { sum: number; n: number }>();
  for (const s of sessions) {
    if (s.status === SessionStatuses.ACTIVE || s.durationSeconds == null) continue;
    const a = acc.get(s.component) ?? { sum: 0, n: 0 };
    a.sum += s.durationSeconds;
    a.n += 1;
    acc.set(s.component, a);
  }
  return [...acc]
    .map(([component, a]) => ({ component, avgSeconds: a.sum / a.n, sessions: a.n }))
    .sort((a, b) => b.avgSeconds - a.avgSeconds || a.component.localeCompare(b.component));
}
