import { type Logger, parseInput } from "@paybridge/core";
import { z } from "zod";

/**
 * The pool size when none is given: 10 connections, sized for a small machine (a few cores,
 * PostgreSQL possibly on the same host). A refund holds a connection only for its reserve
 * transaction and its one outcome statement, never across the provider call, so a few
 * connections serve many concurrent refunders, and every extra backend costs the server memory
 * and, past its core count, only context switches. docs/performance.md has the measurements.
 */
export const DEFAULT_POOL_SIZE = 10;

const ms = (max: number) =>
  z
    .number({ error: "must be a number of milliseconds" })
    .int({ error: "must be a whole number of milliseconds" })
    .min(1, { error: "must be at least 1 ms (every wait is bounded)" })
    .max(max, { error: `must be at most ${max} ms` });

/**
 * How `connectPostgres` talks to the server. Every wait is bounded, so a database that stops
 * answering turns into a StoreUnavailableError within seconds instead of a refund that hangs.
 * The server-side settings are sent as startup parameters on each connection
 * (https://www.postgresql.org/docs/current/runtime-config-client.html); the pool settings are
 * node-postgres's (https://node-postgres.com/apis/pool).
 */
export const postgresOptionsSchema = z.strictObject({
  /** Most connections the pool opens (default DEFAULT_POOL_SIZE). */
  max: z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(1000, { error: "must be at most 1000" })
    .default(DEFAULT_POOL_SIZE),
  /** Longest time to open a connection, TCP and authentication included (default 5000 ms). */
  connectionTimeoutMs: ms(600_000).default(5_000),
  /** Server-side statement_timeout: the server cancels a statement running longer (SQLSTATE 57014; default 15000 ms). */
  statementTimeoutMs: ms(3_600_000).default(15_000),
  /** Server-side lock_timeout: longest wait for a row lock, such as an order's (SQLSTATE 55P03; default 5000 ms). */
  lockTimeoutMs: ms(3_600_000).default(5_000),
  /**
   * Server-side idle_in_transaction_session_timeout: a session left inside a transaction (a
   * stuck process holding an order's lock) is ended by the server (default 60000 ms).
   */
  idleInTransactionTimeoutMs: ms(86_400_000).default(60_000),
  /**
   * Client-side bound on one query's answer, for a network that can drop packets silently (the
   * server cannot even cancel): the query fails and its connection is discarded. Off by default;
   * keep it above statementTimeoutMs, and above the longest migration when migrate() uses this
   * client.
   */
  queryTimeoutMs: ms(3_600_000).optional(),
  /** How long an unused connection stays in the pool before it is closed (default 10000 ms). */
  idleTimeoutMs: ms(86_400_000).default(10_000),
  /**
   * application_name of every connection, shown in pg_stat_activity (default "paybridge"):
   * lets an operator (or a test) find, watch or terminate exactly these connections.
   */
  applicationName: z
    .string({ error: "must be a string" })
    .regex(/^[\x20-\x7e]{1,63}$/, { error: "must be 1-63 printable ASCII characters" })
    .default("paybridge"),
  /**
   * How often a transaction runs again after a serialization failure or a deadlock (40001,
   * 40P01), or after its connection turned out dead before its first statement (default 3).
   * Past that the caller gets a retryable StoreUnavailableError.
   */
  transactionRetries: z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(0, { error: "must not be negative" })
    .max(10, { error: "must be at most 10" })
    .default(3),
  /** Where lost connections are reported (through PayBridge's redacting wrapper); default silent. */
  logger: z
    .custom<Logger>((v) => typeof v === "object" && v !== null && typeof (v as Logger).warn === "function", {
      error: "must be a Logger (pino-shaped: warn(obj, msg))",
    })
    .optional(),
});

export type PostgresOptions = z.input<typeof postgresOptionsSchema>;
export type ResolvedPostgresOptions = z.output<typeof postgresOptionsSchema>;

/** The options with every default filled in, or a ValidationError naming the field ("postgres.lockTimeoutMs: ..."). */
export function resolvePostgresOptions(options: PostgresOptions = {}): ResolvedPostgresOptions {
  return parseInput(postgresOptionsSchema, options, "postgres");
}
