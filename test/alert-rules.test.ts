/**
 * The shipped Prometheus rules (ops/prometheus) speak of series the service really exports, with the labels
 * it really sets: a renamed metric or label would otherwise leave an alert that can never fire.
 * (`promtool check rules` / `promtool test rules` validate their syntax and behaviour in CI.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { parse } from "yaml";
import { openPubSub } from "../api/pubsub.js";
import { createServices } from "../api/services/index.js";
import { it } from "./fixture.js";
import { openTestDatabase, REPO } from "./harness.js";

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}

const rules = (): Rule[] => {
  const file = parse(readFileSync(join(REPO, "ops", "prometheus", "session-buddy.rules.yml"), "utf8"));
  return file.groups.flatMap((g: { rules: Rule[] }) => g.rules);
};

/**
 * Series names an expression reads: what is left once grouping clauses, label matchers, ranges, strings
 * and numbers are taken out, minus function calls (a name before `(`) and PromQL's operators.
 */
function seriesOf(expr: string): string[] {
  const bare = expr
    .replace(/\b(by|without)\s*\([^)]*\)/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/"[^"]*"/g, " ");
  const operators = new Set(["and", "or", "unless", "on", "ignoring", "bool"]);
  const names = [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter((m) => m[2] === undefined)
    .map((m) => m[1]!);
  return [...new Set(names.filter((n) => !operators.has(n)))];
}

describe("Prometheus alerting rules", () => {
  it("read only series the service exports (or the rules record), with its labels", async ({ defer }) => {
    const db = await openTestDatabase("pglite");
    defer(() => db.close());
    // The services as the service assembles them: some metrics (alerts, reads) register themselves there.
    const pubsub = await openPubSub();
    defer(() => pubsub.close());
    const { metrics } = createServices(db.database.db, pubsub.pubsub);
    const exported = new Map(
      metrics.registry
        .getMetricsAsArray()
        .map((m) => [m.name, (m as unknown as { labelNames: string[] }).labelNames]),
    );
    const all = rules();
    const recorded = new Set(all.flatMap((r) => (r.record ? [r.record] : [])));
    expect(all.filter((r) => r.alert).length).toBeGreaterThanOrEqual(5);
    for (const rule of all) {
      for (const name of seriesOf(rule.expr)) {
        if (name === "up" || recorded.has(name)) continue;
        expect(
          exported.has(name),
          `${rule.alert ?? rule.record} reads ${name}, which /metrics does not export`,
        ).toBe(true);
        for (const label of rule.expr.matchAll(new RegExp(`${name}\\{([^}]*)\\}`, "g"))) {
          for (const [, key] of label[1]!.matchAll(/([a-z_]+)\s*=/g))
            expect(exported.get(name), `${name} has no label ${key}`).toContain(key);
        }
      }
      for (const [, label] of rule.expr.matchAll(/by \(([a-z_]+)\)/g)) expect(label).toBe("component_name");
    }
  });
});
