import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/** Runs SQL with $1-style parameters; what the ledger needs from a connection or a transaction. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

/** A database the ledger can use: PostgreSQL through a `pg` pool, or embedded PGlite. */
export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A client on a `pg` pool; each transaction takes one pooled connection for its whole length. */
export function pgClient(pool: pg.Pool, options: { ownsPool?: boolean } = {}): SqlClient {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await pool.query(text, params as unknown[]);
      return { rows: result.rows as Row[] };
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const conn = await pool.connect();
      try {
        await conn.query("BEGIN");
        const tx: SqlExecutor = {
          async query<Row>(text: string, params: readonly unknown[] = []) {
            const result = await conn.query(text, params as unknown[]);
            return { rows: result.rows as Row[] };
          },
        };
        const value = await fn(tx);
        await conn.query("COMMIT");
        return value;
      } catch (error) {
        await conn.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        conn.release();
      }
    },
    async close() {
      if (options.ownsPool !== false) await pool.end();
    },
  };
}

/** Opens a `pg` pool on `connectionString` (postgres://user@host:port/db). */
export function connectPostgres(connectionString: string, options: { max?: number } = {}): SqlClient {
  return pgClient(new pg.Pool({ connectionString, max: options.max ?? 10 }));
}

/**
 * A client on embedded PGlite (one process, one connection). PGlite runs one transaction at a
 * time, which serializes refunds of an order as a row lock would.
 */
export function pgliteClient(db: PGlite): SqlClient {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(text, params as unknown[]);
      return { rows: result.rows };
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) =>
        fn({
          async query<Row>(text: string, params: readonly unknown[] = []) {
            const result = await tx.query<Row>(text, params as unknown[]);
            return { rows: result.rows };
          },
        }),
      );
    },
    async close() {
      await db.close();
    },
  };
}

/** Starts embedded PGlite, in memory or in `dataDir`, and returns a client on it. */
export async function openPglite(dataDir?: string): Promise<SqlClient> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return pgliteClient(db);
}
