import { type Logger, ValidationError } from "@paybridge/core/ledger-kit";

/**
 * The pool size when none is given: 10 connections, sized for a small machine (a few cores,
 * PostgreSQL possibly on the same host). A refund holds a connection only for its reserve
 * transaction and its one outcome statement, never across the provider call, so a few
 * connections serve many concurrent refunders, and every extra backend costs the server memory
 * and, past its core count, only context switches. docs/performance.md has the measurements.
 */
export const DEFAULT_POOL_SIZE = 10;

/**
 * How `connectPostgres` talks to the server. Every wait is bounded, so a database that stops
 * answering turns into a StoreUnavailableError within seconds instead of a refund that hangs.
 * The server-side settings are sent as startup parameters on each connection
 * (https://www.postgresql.org/docs/current/runtime-config-client.html); the pool settings are
 * node-postgres's (https://node-postgres.com/apis/pool).
 *
 * Checked by hand rather than with a zod schema like core's inputs: zod alone takes about 0.7x of
 * `pg`'s own import time, and this package is to import in at most 1.5x of what `pg` takes.
 */
export interface PostgresOptions {
  /** Most connections the pool opens (default DEFAULT_POOL_SIZE, 1-1000). */
  readonly max?: number;
  /** Longest time to open a connection, TCP and authentication included (default 5000 ms). */
  readonly connectionTimeoutMs?: number;
  /** Server-side statement_timeout: the server cancels a statement running longer (SQLSTATE 57014; default 15000 ms). */
  readonly statementTimeoutMs?: number;
  /** Server-side lock_timeout: longest wait for a row lock, such as an order's (SQLSTATE 55P03; default 5000 ms). */
  readonly lockTimeoutMs?: number;
  /**
   * Server-side idle_in_transaction_session_timeout: a session left inside a transaction (a
   * stuck process holding an order's lock) is ended by the server (default 60000 ms).
   */
  readonly idleInTransactionTimeoutMs?: number;
  /**
   * Client-side bound on one query's answer, for a network that can drop packets silently (the
   * server cannot even cancel): the query fails and its connection is discarded. Off by default;
   * keep it above statementTimeoutMs, and above the longest migration when migrate() uses this
   * client.
   */
  readonly queryTimeoutMs?: number | undefined;
  /** How long an unused connection stays in the pool before it is closed (default 10000 ms). */
  readonly idleTimeoutMs?: number;
  /**
   * application_name of every connection, shown in pg_stat_activity (default "paybridge"):
   * lets an operator (or a test) find, watch or terminate exactly these connections.
   */
  readonly applicationName?: string;
  /**
   * How often a transaction runs again after a serialization failure or a deadlock (40001,
   * 40P01), or after its connection turned out dead before its first statement (default 3, 0-10).
   * Past that the caller gets a retryable StoreUnavailableError.
   */
  readonly transactionRetries?: number;
  /** Where lost connections are reported (through PayBridge's redacting wrapper); default silent. */
  readonly logger?: Logger | undefined;
}

export interface ResolvedPostgresOptions {
  max: number;
  connectionTimeoutMs: number;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
  queryTimeoutMs?: number | undefined;
  idleTimeoutMs: number;
  applicationName: string;
  transactionRetries: number;
  logger?: Logger | undefined;
}

type Issue = { path: string; message: string };

/** Milliseconds: a whole number from 1 to `max` (every wait is bounded). */
function ms(issues: Issue[], field: string, value: unknown, max: number, fallback: number): number;
function ms(issues: Issue[], field: string, value: unknown, max: number): number | undefined;
function ms(
  issues: Issue[],
  field: string,
  value: unknown,
  max: number,
  fallback?: number,
): number | undefined {
  if (value === undefined) return fallback;
  const path = `postgres.${field}`;
  if (typeof value !== "number" || Number.isNaN(value))
    issues.push({ path, message: "must be a number of milliseconds" });
  else if (!Number.isInteger(value)) issues.push({ path, message: "must be a whole number of milliseconds" });
  else if (value < 1) issues.push({ path, message: "must be at least 1 ms (every wait is bounded)" });
  else if (value > max) issues.push({ path, message: `must be at most ${max} ms` });
  return value as number;
}

function count(
  issues: Issue[],
  field: string,
  value: unknown,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const path = `postgres.${field}`;
  if (typeof value !== "number" || Number.isNaN(value)) issues.push({ path, message: "must be a number" });
  else if (!Number.isInteger(value)) issues.push({ path, message: "must be a whole number" });
  else if (value < min)
    issues.push({ path, message: min === 0 ? "must not be negative" : `must be at least ${min}` });
  else if (value > max) issues.push({ path, message: `must be at most ${max}` });
  return value as number;
}

const KNOWN = new Set([
  "max",
  "connectionTimeoutMs",
  "statementTimeoutMs",
  "lockTimeoutMs",
  "idleInTransactionTimeoutMs",
  "queryTimeoutMs",
  "idleTimeoutMs",
  "applicationName",
  "transactionRetries",
  "logger",
]);

/**
 * The options with every default filled in, or a ValidationError naming each bad field
 * ("postgres.lockTimeoutMs: must be at least 1 ms ..."); an unknown option is refused, so a
 * misspelt timeout is not silently left at its default.
 */
export function resolvePostgresOptions(options: PostgresOptions = {}): ResolvedPostgresOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ValidationError("postgres", "postgres: must be an object of options");
  }
  const o = options as Record<string, unknown>;
  const issues: Issue[] = [];
  const unknown = Object.keys(o).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) {
    issues.push({
      path: "postgres",
      message: `Unrecognized key${unknown.length > 1 ? "s" : ""}: ${unknown.map((k) => JSON.stringify(k)).join(", ")}`,
    });
  }
  const resolved: ResolvedPostgresOptions = {
    max: count(issues, "max", o.max, 1, 1000, DEFAULT_POOL_SIZE),
    connectionTimeoutMs: ms(issues, "connectionTimeoutMs", o.connectionTimeoutMs, 600_000, 5_000),
    statementTimeoutMs: ms(issues, "statementTimeoutMs", o.statementTimeoutMs, 3_600_000, 15_000),
    lockTimeoutMs: ms(issues, "lockTimeoutMs", o.lockTimeoutMs, 3_600_000, 5_000),
    idleInTransactionTimeoutMs: ms(
      issues,
      "idleInTransactionTimeoutMs",
      o.idleInTransactionTimeoutMs,
      86_400_000,
      60_000,
    ),
    idleTimeoutMs: ms(issues, "idleTimeoutMs", o.idleTimeoutMs, 86_400_000, 10_000),
    applicationName: "paybridge",
    transactionRetries: count(issues, "transactionRetries", o.transactionRetries, 0, 10, 3),
  };
  const queryTimeoutMs = ms(issues, "queryTimeoutMs", o.queryTimeoutMs, 3_600_000);
  if (queryTimeoutMs !== undefined) resolved.queryTimeoutMs = queryTimeoutMs;
  if (o.applicationName !== undefined) {
    if (typeof o.applicationName !== "string") {
      issues.push({ path: "postgres.applicationName", message: "must be a string" });
    } else if (!/^[\x20-\x7e]{1,63}$/.test(o.applicationName)) {
      issues.push({ path: "postgres.applicationName", message: "must be 1-63 printable ASCII characters" });
    } else resolved.applicationName = o.applicationName;
  }
  if (o.logger !== undefined) {
    const l = o.logger as Logger;
    if (typeof l !== "object" || l === null || typeof l.warn !== "function") {
      issues.push({ path: "postgres.logger", message: "must be a Logger (pino-shaped: warn(obj, msg))" });
    } else resolved.logger = l;
  }
  const first = issues[0];
  if (first)
    throw new ValidationError(first.path, issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  return resolved;
}
