import { ConfigurationError } from "@paybridge/core";
import { isMissingPackage } from "./missing-package.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";
import { toStoreError } from "./store-errors.js";

/** What pgliteClient runs SQL through: a PGlite instance, or one of its transactions. */
export interface PgliteQueryable {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/**
 * The part of a PGlite instance pgliteClient uses. Structural on purpose: naming PGlite's own class
 * here would make every app that imports this package compile PGlite's declarations, which need
 * the Emscripten globals (@types/emscripten) and fail under `skipLibCheck: false`.
 */
export interface PgliteDatabase extends PgliteQueryable {
  transaction<T>(callback: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A client on embedded PGlite (one process, one connection). PGlite runs one transaction at a
 * time, which serializes refunds of an order as a row lock would.
 */
export function pgliteClient(db: PgliteDatabase): SqlClient {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      try {
        const result = await db.query<Row>(text, params as unknown[]);
        return { rows: result.rows };
      } catch (error) {
        throw toStoreError(error, "a query");
      }
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      try {
        return await db.transaction(async (tx) =>
          fn({
            async query<Row>(text: string, params: readonly unknown[] = []) {
              const result = await tx.query<Row>(text, params as unknown[]);
              return { rows: result.rows };
            },
          }),
        );
      } catch (error) {
        throw toStoreError(error, "a transaction");
      }
    },
    async close() {
      await db.close();
    },
  };
}

/** The package openPglite loads: an optional peer dependency, so PostgreSQL users never install it. */
export const PGLITE_PACKAGE = "@electric-sql/pglite";

/**
 * Starts embedded PGlite, in memory or in `dataDir`, and returns a client on it. PGlite (about 27
 * MiB installed, hundreds of MiB of RSS once open) is loaded here, on first use, and only here;
 * without it installed this throws a ConfigurationError naming the package to install.
 */
export async function openPglite(dataDir?: string): Promise<SqlClient> {
  const { PGlite } = await loadPglite();
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return pgliteClient(db);
}

async function loadPglite(): Promise<typeof import("@electric-sql/pglite")> {
  try {
    return await import("@electric-sql/pglite");
  } catch (error) {
    if (!isMissingPackage(error, PGLITE_PACKAGE)) throw error;
    throw new ConfigurationError(
      `openPglite needs the optional peer dependency ${PGLITE_PACKAGE}, which is not installed: ` +
        `run \`npm install ${PGLITE_PACKAGE}\` (or use connectPostgres for a PostgreSQL server)`,
      { cause: error },
    );
  }
}
