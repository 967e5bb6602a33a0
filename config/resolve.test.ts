import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, displayValue, resolveConfig } from "./resolve.js";

describe("resolveConfig", () => {
  let cwd: string;
  let home: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), "cfg-cwd-"));
    home = mkdtempSync(join(tmpdir(), "cfg-home-"));
  });
  afterEach(() => {
    rmSync(cwd, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it("uses built-in defaults and says so", () => {
    const { settings, provenance } = resolveConfig({ env: {}, cwd, homeDir: home });
    expect(settings.url).toBe("http://127.0.0.1:8678/graphql");
    expect(settings.port).toBe(8678);
    expect(settings.dataDir).toBe(join(home, ".session-buddy"));
    expect(settings.capture).toBe("buffered");
    expect(settings.heartbeatInterval).toBe(30);
    expect(settings.abandonAfter).toBe(90);
    expect(settings.tracking).toBe(true);
    expect(provenance.port).toEqual({ layer: "default", source: "built-in" });
  });

  it("applies project file, user file, environment and flags in that order, recording the layer", () => {
    writeFileSync(
      join(cwd, "oneiric.yaml"),
      "port: 9001\nheartbeatInterval: 10\nabandonAfter: 40\ncapture: strict\n",
    );
    mkdirSync(join(home, ".config", "oneiric"), { recursive: true });
    writeFileSync(
      join(home, ".config", "oneiric", "config.yaml"),
      "heartbeatInterval: 12\nabandonAfter: 45\n",
    );
    const { settings, provenance, files } = resolveConfig({
      env: { SESSION_BUDDY_ABANDON_AFTER: "50", SESSION_BUDDY_TRACKING: "off" },
      cwd,
      homeDir: home,
      flags: { capture: "buffered" },
    });
    expect(files).toHaveLength(2);
    expect(settings.port).toBe(9001);
    expect(provenance.port.layer).toBe("project");
    expect(settings.heartbeatInterval).toBe(12);
    expect(provenance.heartbeatInterval.layer).toBe("user");
    expect(settings.abandonAfter).toBe(50);
    expect(provenance.abandonAfter).toEqual({ layer: "env", source: "SESSION_BUDDY_ABANDON_AFTER" });
    expect(settings.tracking).toBe(false);
    expect(settings.capture).toBe("buffered");
    expect(provenance.capture.layer).toBe("flag");
    // The client URL follows a port set elsewhere when it was not set itself.
    expect(settings.url).toBe("http://127.0.0.1:9001/graphql");
  });

  it("reads JSON project files and workflows", () => {
    writeFileSync(
      join(cwd, "oneiric.json"),
      JSON.stringify({ workflows: { release: [{ name: "lint", run: "npm run lint" }] } }),
    );
    const { settings } = resolveConfig({ env: {}, cwd, homeDir: home });
    expect(settings.workflows.release?.[0]).toEqual({ name: "lint", run: "npm run lint" });
  });

  it("reports every invalid key once, with where it came from", () => {
    writeFileSync(join(cwd, "oneiric.yaml"), "port: 99999\nbogus: 1\n");
    let error: ConfigError | undefined;
    try {
      resolveConfig({
        env: {
          SESSION_BUDDY_SECRET: "changeme-changeme-changeme-changeme",
          SESSION_BUDDY_CAPTURE: "sometimes",
          DATABASE_URL: "mysql://x",
          SESSION_BUDDY_HEARTBEAT_INTERVAL: "soon",
        },
        cwd,
        homeDir: home,
      });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.code).toBe("CONFIG_INVALID");
    const lines = error!.problems;
    expect(lines).toHaveLength(6);
    expect(lines.find((l) => l.startsWith("port"))).toMatch(/oneiric\.yaml/);
    expect(lines.find((l) => l.includes("bogus"))).toMatch(/unknown key/);
    expect(lines.find((l) => l.startsWith("secret"))).toMatch(/default or example value/);
    // Secrets are never echoed back.
    expect(lines.join("\n")).not.toContain("changeme");
    expect(lines.find((l) => l.startsWith("capture"))).toMatch(/buffered or strict/);
    expect(lines.find((l) => l.startsWith("databaseUrl"))).toMatch(/postgres/);
    expect(lines.find((l) => l.startsWith("heartbeatInterval"))).toMatch(/SESSION_BUDDY_HEARTBEAT_INTERVAL/);
  });

  it("reads retention per component from a file, the default from the environment, and refuses a bad period", () => {
    expect(resolveConfig({ env: {}, cwd, homeDir: home }).settings.retention).toEqual({
      default: 365 * 86_400,
      components: {},
    });
    writeFileSync(
      join(cwd, "oneiric.yaml"),
      "retention:\n  default: 52w\n  components:\n    crackerjack: 90d\n    akosha: never\n    oneiric: 400\n",
    );
    const { settings } = resolveConfig({
      env: { SESSION_BUDDY_RETENTION_MIN_DAYS: "7" },
      cwd,
      homeDir: home,
    });
    expect(settings.retention).toEqual({
      default: 52 * 7 * 86_400,
      components: { crackerjack: 90 * 86_400, akosha: null, oneiric: 400 * 86_400 },
    });
    expect(settings.retentionMinDays).toBe(7);
    expect(
      resolveConfig({ env: { SESSION_BUDDY_RETENTION: "30d" }, cwd: home, homeDir: home }).settings.retention,
    ).toEqual({ default: 30 * 86_400, components: {} });
    expect(() =>
      resolveConfig({ env: { SESSION_BUDDY_RETENTION: "soon" }, cwd: home, homeDir: home }),
    ).toThrow(/retention.*must be a duration such as 365d, 52w or 90d, or never/s);
  });

  it("reads alert webhooks from a file, refuses a bad one by its key, and never shows their secrets", () => {
    const secret = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c";
    writeFileSync(
      join(cwd, "oneiric.yaml"),
      `alerts:\n  - url: https://hooks.example.com/sb\n    events: [session_abandoned, strict_refused]\n    secret: ${secret}\n`,
    );
    const { settings } = resolveConfig({ env: {}, cwd, homeDir: home });
    expect(settings.alerts).toEqual([
      { url: "https://hooks.example.com/sb", events: ["session_abandoned", "strict_refused"], secret },
    ]);
    const shown = displayValue("alerts", settings.alerts);
    expect(shown).toContain("https://hooks.example.com/sb");
    expect(shown).not.toContain(secret);
    for (const [bad, message] of [
      [
        `- url: ftp://x\n  events: [anomaly]\n  secret: ${secret}`,
        /must be a http or https URL \(alerts\.0\.url\)/,
      ],
      [`- url: http://x\n  events: [lunch]\n  secret: ${secret}`, /alerts\.0\.events\.0/],
      [`- url: http://x\n  events: []\n  secret: ${secret}`, /must name at least one alert kind/],
      [
        "- url: http://x\n  events: [anomaly]\n  secret: changeme-changeme-changeme-changeme",
        /looks like a default/,
      ],
    ] as const) {
      writeFileSync(join(cwd, "oneiric.yaml"), `alerts:\n  ${bad.replaceAll("\n", "\n  ")}\n`);
      let error: unknown;
      try {
        resolveConfig({ env: {}, cwd, homeDir: home });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it("refuses short secrets and reports unparsable files", () => {
    writeFileSync(join(cwd, "oneiric.yaml"), "port: [1, 2\n");
    expect(() => resolveConfig({ env: { SESSION_BUDDY_SECRET: "short" }, cwd, homeDir: home })).toThrow(
      /cannot parse[\s\S]*at least 32 characters/,
    );
  });

  it("reports an unknown YAML tag as a configuration error, not a process warning", () => {
    writeFileSync(join(cwd, "oneiric.yaml"), "port: !!set 8678\n");
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      expect(() => resolveConfig({ env: {}, cwd, homeDir: home })).toThrow(
        /oneiric\.yaml: cannot parse: .*tag/i,
      );
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it("masks secrets and passwords in URLs for display", () => {
    expect(displayValue("secret", "a".repeat(40))).toBe("**** (40 chars)");
    expect(displayValue("databaseUrl", "postgres://u:hunter2@db/x")).toBe("postgres://u:****@db/x");
    expect(displayValue("port", 8678)).toBe("8678");
  });
});
