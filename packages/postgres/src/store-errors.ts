import { PaymentError, StoreUnavailableError } from "@paybridge/core/ledger-kit";

/**
 * SQLSTATE classes and codes after which the same work may succeed on a later try: the server
 * or the connection was unavailable, or the server gave up on this transaction alone.
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const TRANSIENT_CLASSES = new Set([
  "08", // connection exception (08000, 08003, 08006, 08001, 08004, ...)
  "53", // insufficient resources (53300 too_many_connections, 53100 disk_full)
  "57", // operator intervention: 57014 query_canceled (statement_timeout), 57P01 admin_shutdown, 57P02, 57P03
  "58", // system error (58030 io_error)
]);
const TRANSIENT_CODES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available (lock_timeout)
  "25P03", // idle_in_transaction_session_timeout
]);

/** The serialization failures after which a whole transaction may simply run again. */
export const RERUNNABLE_SQLSTATES: ReadonlySet<string> = new Set(["40001", "40P01"]);

/**
 * The server's SQLSTATE on a driver error. pg's DatabaseError and PGlite's both carry it as
 * `code` beside the message's `severity`; a socket error's `code` (EPIPE, ECONNRESET) has no
 * severity and is not a SQLSTATE.
 */
export function sqlStateOf(error: unknown): string | undefined {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === "string" && typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)
    ? code
    : undefined;
}

/**
 * True when the database may do the work on another try: a SQLSTATE above, or no SQLSTATE at
 * all (the socket closed, the connection was refused or timed out, the pool could not connect):
 * nothing from the server said the statement itself was wrong.
 */
export function isTransientStoreError(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state === undefined) return true;
  return TRANSIENT_CODES.has(state) || TRANSIENT_CLASSES.has(state.slice(0, 2));
}

/**
 * The one error type a ledger on PostgreSQL or PGlite throws for a database failure: a
 * StoreUnavailableError carrying the driver's error as `cause` and the SQLSTATE. PayBridge's own
 * errors (a refund rule, a conflict, a missing order) pass through unchanged.
 */
export function toStoreError(error: unknown, during: string): unknown {
  if (error instanceof PaymentError) return error;
  const sqlState = sqlStateOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(
    `the ledger database failed during ${during}${sqlState ? ` (SQLSTATE ${sqlState})` : ""}: ${message}`,
    { cause: error, sqlState, retryClass: isTransientStoreError(error) ? "retry" : "final" },
  );
}
