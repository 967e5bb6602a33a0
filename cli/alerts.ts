/**
 * `session-buddy alerts [--status S] [--kind K] [--session REF]` (README, "Alerts"): what the alert
 * webhooks were told and how each delivery went, through the service's alertDeliveries (admin).
 */
import { type Command, Option } from "commander";
import pc from "picocolors";
import type { AlertDeliveriesQuery as AlertDeliveriesResult } from "../client/gql/graphql.js";
import { request } from "../client/graphql-http.js";
import { AlertDeliveriesQuery } from "../client/operations/cli.js";
import type { SettingKey, Settings } from "../config/settings.js";
import {
  ALERT_DELIVERY_STATUSES,
  ALERT_KINDS,
  type AlertDeliveryStatus,
  AlertDeliveryStatuses,
  type AlertKind,
  Scopes,
} from "../contract/enums.js";
import { shortId } from "../contract/short-id.js";
import { shortTime, table } from "../shells/core/output.js";
import { resolveToken } from "./auth.js";
import { oneSessionId, SESSION_REF_FORMS } from "./session-ref.js";

export interface AlertCommandHelpers {
  config(flags?: Partial<Record<SettingKey, unknown>>): Settings;
  out(text: string): void;
  /** An error the user can act on: printed as one line, exit 1. */
  fail(message: string): Error;
}

type Delivery = AlertDeliveriesResult["alertDeliveries"]["deliveries"][number];

const PAGE = 500;

const statusText = (d: Delivery) =>
  d.status === AlertDeliveryStatuses.DELIVERED
    ? pc.green("delivered")
    : d.status === AlertDeliveryStatuses.FAILED
      ? pc.red("failed")
      : pc.yellow(d.attempts ? "retrying" : "queued");

export function registerAlertCommands(program: Command, helpers: AlertCommandHelpers) {
  program
    .command("alerts")
    .description(
      "the alert webhooks posted or waiting, newest first, and how each delivery went (needs admin)",
    )
    .addOption(
      new Option("--status <status>", "only deliveries in this state").choices([...ALERT_DELIVERY_STATUSES]),
    )
    .addOption(new Option("--kind <kind>", "only alerts of this kind").choices([...ALERT_KINDS]))
    .option("--session <ref>", `only alerts about this session: ${SESSION_REF_FORMS}`)
    .option("--limit <n>", "at most this many (default 50)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw helpers.fail("--limit must be 1 … 10000");
      return n;
    })
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(
      async (opts: {
        status?: AlertDeliveryStatus;
        kind?: AlertKind;
        session?: string;
        limit?: number;
        format: "table" | "json";
      }) => {
        const settings = helpers.config();
        const http = { url: settings.url, token: await resolveToken(settings, [Scopes.READ, Scopes.ADMIN]) };
        const sessionId = opts.session ? await oneSessionId(http, opts.session, helpers.fail) : null;
        const limit = opts.limit ?? 50;
        const filter = { status: opts.status ?? null, kind: opts.kind ?? null, sessionId };
        const rows: Delivery[] = [];
        let after: string | null = null;
        for (;;) {
          const { alertDeliveries: page }: AlertDeliveriesResult = await request(http, AlertDeliveriesQuery, {
            filter,
            first: Math.min(PAGE, limit - rows.length),
            after,
          });
          rows.push(...page.deliveries);
          if (!page.hasNextPage || rows.length >= limit || !page.endCursor) break;
          after = page.endCursor;
        }
        if (opts.format === "json") return helpers.out(JSON.stringify(rows, null, 2));
        if (rows.length === 0)
          return helpers.out(
            pc.dim(
              settings.alerts.length || opts.status || opts.kind || opts.session
                ? "no alert deliveries match"
                : "no alert deliveries (no alerts are configured here: see README, Alerts)",
            ),
          );
        helpers.out(
          table(rows, [
            ["queued", (d) => shortTime(d.createdAt)],
            ["kind", (d) => pc.bold(d.kind)],
            ["session", (d) => (d.sessionId ? shortId(d.sessionId) : null)],
            ["component", (d) => d.component],
            ["target", (d) => d.target],
            ["status", statusText],
            ["tries", (d) => String(d.attempts)],
            [
              "last",
              (d) =>
                d.deliveredAt
                  ? `${d.lastStatus ?? ""} at ${shortTime(d.deliveredAt)}`
                  : d.lastError
                    ? pc.red(d.lastError) +
                      (d.nextAttemptAt ? pc.dim(` (next ${shortTime(d.nextAttemptAt)})`) : "")
                    : null,
            ],
          ]),
        );
        const failed = rows.filter((d) => d.status === AlertDeliveryStatuses.FAILED).length;
        helpers.out(
          pc.dim(
            `${rows.length} ${rows.length === 1 ? "delivery" : "deliveries"}${failed ? `, ${failed} given up on` : ""}`,
          ),
        );
      },
    );
}
