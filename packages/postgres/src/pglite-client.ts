import { ConfigurationError } from "@paybridge/core/ledger-kit";
import { isMissingPackage } from "./missing-package.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";
import { toStoreError } from "./store-errors.js";

/** What pgliteClient runs SQL through: a PGlite instance, or one of its transactions. */
export interface PgliteQueryable {
  query<Row>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  /**
   * PGlite's simple-query path (one protocol exchange). When present, pgliteClient runs each
   * parameterised statement as a prepared one through it (see preparedRunner).
   */
  exec?(text: string): Promise<readonly { rows: unknown[] }[]>;
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
  const run = preparedRunner();
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      try {
        return { rows: await run<Row>(db, text, params) };
      } catch (error) {
        throw toStoreError(error, "a query");
      }
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      try {
        return await db.transaction(async (tx) =>
          fn({
            async query<Row>(text: string, params: readonly unknown[] = []) {
              return { rows: await run<Row>(tx, text, params) };
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

/**
 * Runs statements on one PGlite instance, each parameterised one as a prepared statement.
 *
 * PGlite's query() sends every statement through the extended protocol as an unnamed statement:
 * parse, describe, bind, describe, execute and sync, each a pass through the WebAssembly
 * backend, and the statement parsed and planned again every time. Measured on the refund
 * ledger's statements that fixed cost was about 0.5 ms a statement, and planning the outcome's
 * four-part statement about as much again. So the first use of a statement text PREPAREs it
 * (https://www.postgresql.org/docs/current/sql-prepare.html; kept for the session, a rollback does
 * not undo it) and every use runs `EXECUTE name(...)` through PGlite's simple-query exec(), one
 * exchange, with the plan kept. The values are written as quoted literals of unknown type, which
 * PostgreSQL converts to each parameter's type exactly as it converts a bound text value
 * (https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-STRINGS-ESCAPE:
 * E'' strings, a quote and a backslash doubled). A value with no such literal here (an object, a
 * nested array, a string with a NUL) sends that statement through query() as before.
 */
/** Prepared statement names are unique in the process, so clients sharing one PGlite never collide. */
let preparedCount = 0;

function preparedRunner() {
  const names = new Map<string, string>();
  return async <Row>(on: PgliteQueryable, text: string, params: readonly unknown[]): Promise<Row[]> => {
    const literals = params.length > 0 && on.exec ? params.map(literal) : undefined;
    if (!on.exec || !literals || literals.includes(undefined)) {
      return (await on.query<Row>(text, params as unknown[])).rows;
    }
    let name = names.get(text);
    if (!name) {
      preparedCount += 1;
      const fresh = `pb_stmt_${preparedCount}`;
      await on.exec(`PREPARE ${fresh} AS ${text}`);
      names.set(text, fresh);
      name = fresh;
    }
    const results = await on.exec(`EXECUTE ${name}(${literals.join(", ")})`);
    return (results[0]?.rows ?? []) as Row[];
  };
}

/** A parameter as an SQL literal PostgreSQL reads as the parameter's type; undefined when there is none. */
function literal(value: unknown): string | undefined {
  if (value === null || value === undefined) return "NULL";
  const text = literalText(value);
  return text === undefined ? undefined : quote(text);
}

/** The text form PGlite's own serializers send for a value (pglite's types.ts), or undefined. */
function literalText(value: unknown): string | undefined {
  if (typeof value === "string") return value.includes("\0") ? undefined : value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (Array.isArray(value)) {
    // A one-dimensional array in PostgreSQL's array text form, each element double-quoted.
    const items: string[] = [];
    for (const item of value) {
      if (item === null || item === undefined) {
        items.push("NULL");
        continue;
      }
      if (Array.isArray(item)) return undefined;
      const text = literalText(item);
      if (text === undefined) return undefined;
      items.push(`"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
    }
    return `{${items.join(",")}}`;
  }
  return undefined;
}

function quote(text: string): string {
  return `E'${text.replace(/[\\']/g, (c) => (c === "'" ? "''" : "\\\\"))}'`;
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
