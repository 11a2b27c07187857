/**
 * A throwaway PostgreSQL cluster for tests and benchmarks, from Debian's `postgresql` package:
 * `initdb` + `pg_ctl` in a temp dir (as the `postgres` user when we are root: initdb refuses root),
 * trust authentication, a free port, the socket in the temp dir, listening on 127.0.0.1 only.
 * `stop()` shuts it down and removes the dir; a process exit does the same as a last resort.
 *
 * Where the package is missing, `startPostgres()` returns null after printing one line saying what
 * to install — except under `CI=true`, where it throws: CI never skips these tests.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.js";

export interface PostgresServer {
  port: number;
  /** A connection URL for `database` (default `postgres`). */
  url(database?: string): string;
  /** Creates an empty database with a fresh name; returns its URL. */
  createDatabase(): Promise<string>;
  stop(): void;
}

export const POSTGRES_MISSING = "PostgreSQL not installed: apt-get install -y postgresql";

export function postgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "pg_ctl")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" });
  const path = which.stdout.trim();
  return which.status === 0 && path ? path.slice(0, path.lastIndexOf("/")) : null;
}

/** True when tests needing PostgreSQL can run here; otherwise prints why (and throws under CI=true). */
export function postgresAvailable(): boolean {
  if (postgresBinDir()) return true;
  if (process.env.CI === "true") throw new Error(`${POSTGRES_MISSING} (CI never skips the PostgreSQL tests)`);
  console.warn(`skipping PostgreSQL tests: ${POSTGRES_MISSING}`);
  return false;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const root = mkdtempSync(join(tmpdir(), "mlops-pg-"));
  const asRoot = process.getuid?.() === 0;
  const runAs = asRoot ? postgresUser() : null;
  if (runAs) chownSync(root, runAs.uid, runAs.gid);
  chmodSync(root, 0o700);
  const data = join(root, "data");
  const run = (tool: string, args: string[]): void => {
    const command = runAs ? "runuser" : join(bin, tool);
    const argv = runAs ? ["-u", "postgres", "--", join(bin, tool), ...args] : args;
    const result = spawnSync(command, argv, { encoding: "utf8", cwd: root });
    if (result.status !== 0) throw new Error(`${tool} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  };
  let port = 0;
  try {
    run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync"]);
    writeFileSync(
      join(data, "postgresql.auto.conf"),
      ["listen_addresses = '127.0.0.1'", `unix_socket_directories = '${root}'`, "fsync = off", "max_connections = 200", ""].join("\n"),
    );
    if (runAs) chownSync(join(data, "postgresql.auto.conf"), runAs.uid, runAs.gid);
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      try {
        run("pg_ctl", ["-D", data, "-o", `-p ${port}`, "-l", join(root, "server.log"), "-w", "-t", "60", "start"]);
        break;
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    process.off("exit", stop);
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  process.on("exit", stop);
  const url = (database = "postgres"): string => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  let databases = 0;
  return {
    port,
    url,
    stop,
    async createDatabase() {
      const name = `t${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}
