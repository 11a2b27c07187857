/**
 * A connection pool to one PostgreSQL database, with the two things the stores need from it: one
 * statement (`query`) and one transaction (`transaction`), each counting its round trips. Errors
 * from the server name the statement's purpose, never the connection URL's password.
 */
import pg from "pg";
import { redactUrl } from "../store-config.js";

/** What runs a statement: the pool (its own transaction) or a client inside `transaction`. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export class PgDatabase implements Queryable {
  /** Statements sent (each is one round trip to the server), including BEGIN/COMMIT. */
  roundTrips = 0;
  readonly location: string;
  private readonly pool: pg.Pool;

  constructor(url: string, options: { max?: number } = {}) {
    this.location = redactUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, idleTimeoutMillis: 10_000, application_name: "mlops" });
    // an idle connection the server dropped: the next query reconnects; nothing to do here
    this.pool.on("error", () => {});
  }

  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    this.roundTrips++;
    return this.pool.query<R>(text, values);
  }

  /** Runs `work` in one transaction (READ COMMITTED; callers lock the rows they change with FOR UPDATE). */
  async transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const counted: Queryable = {
      query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
        this.roundTrips++;
        return client.query<R>(text, values);
      },
    };
    try {
      await counted.query("BEGIN");
      const result = await work(counted);
      await counted.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** `timestamptz` values arrive as `Date`; the records carry ISO strings like the SQLite store's. */
export function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
