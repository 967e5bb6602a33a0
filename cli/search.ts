/**
 * `session-buddy search QUERY [--index sessions|commands|all] [--component X] [--actor A] [--since 7d]
 * [--limit N] [--format table|json]`: full-text search over sessions and command text, best first, each hit
 * with its snippet (the matched words highlighted), the session's short id, actor, component and time.
 */
import { type Command, Option } from "commander";
import pc from "picocolors";
import type { SearchIndex } from "../client/gql/graphql.js";
import { request } from "../client/graphql-http.js";
import { CliSearchQuery } from "../client/operations/cli.js";
import type { SettingKey, Settings } from "../config/settings.js";
import { QUERY_LIMITS } from "../contract/limits.js";
import { shortId } from "../contract/short-id.js";
import { shortTime, table } from "../shells/core/output.js";
import { resolveToken } from "./auth.js";
import { since, wholeNumber } from "./options.js";

/** What the search command borrows from the CLI around it. */
export interface SearchCommandHelpers {
  config(flags?: Partial<Record<SettingKey, unknown>>): Settings;
  out(text: string): void;
  /** Whether stdout is a terminal that shows colour (the highlight is bold there, «marks» elsewhere). */
  color: boolean;
}

const INDEXES = ["all", "sessions", "commands"] as const;

/** A snippet on one line, its «marks» bold on a terminal (and kept as marks elsewhere, so they show). */
export function highlight(snippet: string, color: boolean): string {
  const line = snippet.replace(/\s+/g, " ").trim();
  return color ? line.replace(/«([^»]*)»/g, (_m, word: string) => pc.bold(pc.yellow(word))) : line;
}

/**
 * Adds `search`.
 *
 * @example
 * ```ts
 * registerSearchCommand(program, { config, out, color: process.stdout.isTTY });
 * ```
 */
export function registerSearchCommand(program: Command, helpers: SearchCommandHelpers): Command {
  return program
    .command("search")
    .description("full-text search over sessions and command text, best first")
    .argument("<query>", 'what to look for: words, "a phrase", or, -not (English stemming)')
    .addOption(
      new Option("--index <index>", "where to look (commands need audit:read)")
        .choices(INDEXES)
        .default("all"),
    )
    .option("--component <name>", "only sessions of this component")
    .option("--actor <subject>", "only sessions of this actor (the token subject that opened them)")
    .option("--since <when>", "only sessions started since: a duration back (7d) or a date", (v) => since(v))
    .option(
      "--limit <n>",
      `at most this many hits, 1–${QUERY_LIMITS.searchHits}`,
      wholeNumber(1, QUERY_LIMITS.searchHits),
      20,
    )
    .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
    .action(
      async (
        query: string,
        opts: {
          index: (typeof INDEXES)[number];
          component?: string;
          actor?: string;
          since?: Date;
          limit: number;
          format: "table" | "json";
        },
      ) => {
        const settings = helpers.config();
        const token = await resolveToken(settings);
        const filter = {
          ...(opts.component ? { component: opts.component } : {}),
          ...(opts.actor ? { actor: opts.actor } : {}),
          ...(opts.since ? { startedAfter: opts.since.toISOString() } : {}),
        };
        const data = await request({ url: settings.url, token }, CliSearchQuery, {
          query,
          index: opts.index.toUpperCase() as SearchIndex,
          limit: opts.limit,
          filter: Object.keys(filter).length > 0 ? filter : null,
        });
        const hits = data.searchSessions;
        if (opts.format === "json") return helpers.out(JSON.stringify({ query, hits }, null, 2));
        if (hits.length === 0) return helpers.out(pc.dim(`no match for ${JSON.stringify(query)}`));
        helpers.out(
          table(hits, [
            ["session", (h) => shortId(h.sessionId)],
            ["in", (h) => (h.index === "COMMANDS" ? "command" : "session")],
            ["component", (h) => pc.bold(h.session.component)],
            ["actor", (h) => h.session.actor],
            ["at", (h) => shortTime(h.at)],
            ["match", (h) => highlight(h.snippet, helpers.color)],
          ]),
        );
        helpers.out(
          pc.dim(
            `${hits.length} hit${hits.length === 1 ? "" : "s"}, best first; show one with: session-buddy show-session ${shortId(hits[0]!.sessionId)}`,
          ),
        );
      },
    );
}
