/**
 * A throwaway Postgres cluster for fault tests: its own data directory, port and socket, so a test may
 * restart or stop it under a running service without touching the shared server. When the tests run as
 * root, every Postgres program runs as the `postgres` user (initdb and the server refuse root).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { trackChild } from "./children.js";
import { freePort } from "./client-kit.js";

const run = promisify(execFile);

/** The newest installed server's programs (Debian keeps them out of PATH). */
function pgBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => join(root, v, "bin")).find((d) => existsSync(join(d, "pg_ctl")));
  if (!bin) throw new Error(`no Postgres server programs under ${root}`);
  return bin;
}

const asRoot = process.getuid?.() === 0;

/** argv for a Postgres program, as the `postgres` user when running as root. */
function command(bin: string, program: string, args: string[]): [string, string[]] {
  const file = join(bin, program);
  return asRoot ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
}

export interface PgCluster {
  /** URL of the `postgres` database (trust authentication, user `postgres`). */
  url: string;
  port: number;
  /** URL of another database of the cluster. */
  urlOf(database: string): string;
  /** Runs SQL through psql and returns its unaligned output. */
  psql(sql: string, database?: string): Promise<string>;
  /**
   * Starts psql running `sql`, which should not finish by itself (it takes a lock and sleeps, say); the
   * caller polls for its effect. The session ends when the cluster stops or `kill` is called.
   */
  hold(sql: string, database?: string): { child: ChildProcess; kill(): void };
  /** `pg_ctl restart -m fast`: every backend is terminated, open transactions too, then it starts again. */
  restart(): Promise<void>;
  /**
   * The same restart with this process's event loop blocked until it is done: the process cannot notice
   * its connections closing, so its pool still holds them when it next runs a query.
   */
  restartBlocking(): void;
  /** `pg_ctl stop -m fast`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (immediate) if it runs and removes its directory. */
  destroy(): Promise<void>;
}

/** Creates and starts a cluster on a free port; about 3 s on an idle machine. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = pgBin();
  const dir = mkdtempSync(join(tmpdir(), "sb-pgc-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const pg = (program: string, args: string[]) => run(...command(bin, program, args));
  await pg("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-N"]);
  const port = await freePort();
  // fsync off: a clean or fast shutdown still writes everything out, which is all these tests rely on.
  const serverOptions = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const ctlArgs = (args: string[]) => ["-D", data, "-w", "-t", "60", ...args];
  const ctl = (args: string[]) => pg("pg_ctl", ctlArgs(args));
  const start = async () => {
    await ctl(["-o", serverOptions, "-l", log, "start"]);
  };
  await start();
  const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let destroyed = false;
  return {
    url: urlOf("postgres"),
    port,
    urlOf,
    async psql(sql, database = "postgres") {
      const { stdout } = await run("psql", [
        "-X",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        sql,
        urlOf(database),
      ]);
      return stdout.trim();
    },
    hold(sql, database = "postgres") {
      const child = spawn("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", urlOf(database)], {
        stdio: ["pipe", "ignore", "ignore"],
      });
      trackChild(child);
      child.stdin!.end(sql);
      return {
        child,
        kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        },
      };
    },
    async restart() {
      await ctl(["-m", "fast", "-o", serverOptions, "-l", log, "restart"]);
    },
    restartBlocking() {
      execFileSync(
        ...command(bin, "pg_ctl", ctlArgs(["-m", "fast", "-o", serverOptions, "-l", log, "restart"])),
      );
    },
    async stop() {
      await ctl(["-m", "fast", "stop"]);
    },
    start,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await ctl(["-m", "immediate", "stop"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
