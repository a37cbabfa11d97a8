import {
  type Logger,
  PaymentError,
  redactingLogger,
  SecretRegistry,
  silentLogger,
} from "@paybridge/core/ledger-kit";
import pg from "pg";
import {
  type PostgresOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from "./postgres-options.js";
import { isTransientStoreError, RERUNNABLE_SQLSTATES, sqlStateOf, toStoreError } from "./store-errors.js";

/** Runs SQL with $1-style parameters; what the ledger needs from a connection or a transaction. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<{ rows: Row[] }>;
}

export interface QueryOptions {
  /**
   * Run as a named prepared statement on `pg` (parsed and planned once per connection, then only
   * bound): for a hot statement whose result columns are all named, since a prepared `SELECT *`
   * fails with "cached plan must not change result type" once a migration adds a column.
   */
  readonly prepare?: boolean;
}

/** One name per statement text in the process, so a connection never sees one name for two texts. */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `pb_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name;
}

/** pg's query config: a named statement when asked, else the text. */
function pgQuery(text: string, params: readonly unknown[], options: QueryOptions | undefined) {
  return options?.prepare
    ? { name: statementName(text), text, values: params as unknown[] }
    : { text, values: params as unknown[] };
}

/**
 * A database the ledger can use: PostgreSQL through a `pg` pool, or embedded PGlite. Every
 * database failure surfaces as a StoreUnavailableError (see store-errors.ts).
 */
export interface SqlClient extends SqlExecutor {
  /**
   * Runs `fn` in one transaction: committed when it returns, rolled back when it throws. `fn` may
   * run more than once (after a serialization failure or deadlock the server rolled back), so it
   * must do nothing but SQL on `tx`.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

type Settings = Pick<ResolvedPostgresOptions, "transactionRetries"> & { readonly logger: Logger };

/**
 * A client on a `pg` pool; each transaction takes one pooled connection for its whole length.
 * A connection that fails while checked out is discarded, never handed out again; the pool opens
 * a new one on the next checkout, which is how the client reconnects after a server restart.
 */
export function pgClient(
  pool: pg.Pool,
  options: { ownsPool?: boolean; transactionRetries?: number; logger?: Logger } = {},
): SqlClient {
  const settings: Settings = {
    transactionRetries: options.transactionRetries ?? 3,
    logger: options.logger ?? silentLogger,
  };
  return {
    async query<Row>(text: string, params: readonly unknown[] = [], options?: QueryOptions) {
      try {
        const result = await pool.query(pgQuery(text, params, options));
        return { rows: result.rows as Row[] };
      } catch (error) {
        throw toStoreError(error, "a query");
      }
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      for (let run = 0; ; run++) {
        try {
          return await transactionOnce(pool, fn, settings.logger);
        } catch (error) {
          if (!(error instanceof TransactionFailure)) throw error;
          if (run < settings.transactionRetries && error.rerunnable) {
            settings.logger.warn(
              { sqlState: sqlStateOf(error.cause), run: run + 1, message: String(error.cause) },
              "PostgreSQL transaction runs again",
            );
            // A short jittered pause lets the other side of a deadlock finish first.
            await new Promise((resolve) =>
              setTimeout(resolve, 5 + Math.floor(Math.random() * 20) * (run + 1)),
            );
            continue;
          }
          throw toStoreError(error.cause, "a transaction");
        }
      }
    },
    async close() {
      if (options.ownsPool !== false) await pool.end();
    },
  };
}

/** A database failure inside one run of a transaction, and whether running it again is safe. */
class TransactionFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly rerunnable: boolean,
  ) {
    super(String(cause));
  }
}

async function transactionOnce<T>(
  pool: pg.Pool,
  fn: (tx: SqlExecutor) => Promise<T>,
  logger: Logger,
): Promise<T> {
  // A checked-out connection has no listener of the pool's: without this one, a backend
  // terminated between two statements would be an unhandled 'error' event and end the process.
  let lost: unknown;
  const onError = (error: unknown) => {
    lost = error;
    logger.warn(
      { sqlState: sqlStateOf(error), message: String(error) },
      "PostgreSQL connection lost in a transaction",
    );
  };
  let conn: pg.PoolClient;
  try {
    conn = await checkout(pool, onError);
  } catch (error) {
    // Nothing ran: trying again (on a new connection) is safe.
    throw new TransactionFailure(error, true);
  }
  let started = false;
  let discard: unknown;
  try {
    await conn.query("BEGIN");
    started = true;
    const tx: SqlExecutor = {
      async query<Row>(text: string, params: readonly unknown[] = [], options?: QueryOptions) {
        const result = await conn.query(pgQuery(text, params, options));
        return { rows: result.rows as Row[] };
      },
    };
    const value = await fn(tx);
    await conn.query("COMMIT");
    return value;
  } catch (error) {
    if (lost === undefined) await conn.query("ROLLBACK").catch(() => {});
    // PayBridge's own errors (a refund rule, a conflict) come from `fn`: the connection is fine.
    if (error instanceof PaymentError) throw error;
    discard = error;
    // Before BEGIN answered nothing ran; after a serialization failure or deadlock the server
    // rolled the whole transaction back. Either way running it again cannot apply anything twice.
    const state = sqlStateOf(error);
    const rerunnable =
      (!started && isTransientStoreError(error)) || (state !== undefined && RERUNNABLE_SQLSTATES.has(state));
    throw new TransactionFailure(error, rerunnable);
  } finally {
    conn.off("error", onError);
    // A connection that failed is removed from the pool (release with an error), never reused.
    conn.release(discard !== undefined || lost !== undefined ? ((discard ?? lost) as Error) : undefined);
  }
}

/**
 * Checks a connection out with `onError` attached before anything else can run. With the promise
 * form of pool.connect() the listener would be attached a microtask late: when one socket read
 * carries a query's last answer and then the server's FATAL 57P01, pg-pool hands the connection
 * to the next waiter on the first message and emits 'error' on the second, before any microtask,
 * on a connection with no listener at all.
 */
function checkout(pool: pg.Pool, onError: (error: unknown) => void): Promise<pg.PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((error, client) => {
      if (error || !client) return reject(error ?? new Error("the pool gave no connection"));
      client.on("error", onError);
      resolve(client);
    });
  });
}

/**
 * Opens a `pg` pool on `connectionString` (postgres://user@host:port/db) with bounded connection,
 * statement, lock and query times (see postgres-options.ts for each default). Options are
 * validated: a bad one is a ValidationError naming it. The pool listens for 'error' (a backend
 * terminated while idle: restart, failover, pg_terminate_backend), logs it and carries on; the
 * next checkout opens a new connection.
 */
export function connectPostgres(connectionString: string, options: PostgresOptions = {}): SqlClient {
  const resolved = resolvePostgresOptions(options);
  const logger = connectionLogger(connectionString, resolved);
  const pool = new pg.Pool({
    connectionString,
    max: resolved.max,
    connectionTimeoutMillis: resolved.connectionTimeoutMs,
    idleTimeoutMillis: resolved.idleTimeoutMs,
    statement_timeout: resolved.statementTimeoutMs,
    lock_timeout: resolved.lockTimeoutMs,
    idle_in_transaction_session_timeout: resolved.idleInTransactionTimeoutMs,
    query_timeout: resolved.queryTimeoutMs,
    application_name: resolved.applicationName,
  });
  pool.on("error", (error: unknown) => {
    logger.warn(
      { sqlState: sqlStateOf(error), message: String(error) },
      "PostgreSQL closed an idle connection; the pool opens a new one on next use",
    );
  });
  return pgClient(pool, { transactionRetries: resolved.transactionRetries, logger });
}

/** The configured logger, redacted: the connection string's password never reaches a log line. */
function connectionLogger(connectionString: string, options: ResolvedPostgresOptions): Logger {
  const secrets = new SecretRegistry();
  try {
    const password = decodeURIComponent(new URL(connectionString).password);
    if (password) secrets.add(password);
  } catch {
    // Not a URL (a libpq key=value string): nothing to pick out, the generic redaction still runs.
  }
  secrets.add(connectionString);
  return redactingLogger(options.logger ?? silentLogger, secrets).child({
    component: "postgres",
    applicationName: options.applicationName,
  });
}
