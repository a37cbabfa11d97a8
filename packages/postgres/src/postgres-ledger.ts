import {
  applyRefundUpdate,
  type BeginAttemptOutcome,
  ConflictError,
  type Currency,
  checkLedgerOrder,
  decideReserveFromTotals,
  describeRefundState,
  isRefundState,
  isTradeState,
  type LedgerOrder,
  type LedgerRefund,
  mergeKnownOrder,
  type NewLedgerOrder,
  NotFoundError,
  newReservedRefund,
  policyForOrder,
  type RefundLedger,
  RefundRuleError,
  RefundState,
  type RefundTotals,
  type RefundUpdate,
  type ReserveOutcome,
  type ReservePolicy,
  type ReserveRefundInput,
  refundEvent,
  sameOrder,
  submitWaitAfter,
  TRADE_STATES,
  tradeStateAfterRefundState,
  UnknownStatusError,
} from "@paybridge/core/ledger-kit";
import { DEFAULT_SCHEMA, quoteSchema } from "./migrate.js";
import { NEW_EVENT_DUE, outboxTable, PostgresOutbox } from "./postgres-outbox.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";

type Row = Record<string, unknown>;

/** The hot statements of a refund (they name every column) run as prepared statements on `pg`. */
const PREPARED = { prepare: true } as const;

/** The columns a LedgerOrder is read from (named, so a column added later costs nothing here). */
const ORDER_COLUMNS = [
  "out_trade_no",
  "provider",
  "merchant_id",
  "currency",
  "total_fen",
  "paid_fen",
  "paid_at",
  "trade_state",
  "provider_trade_no",
] as const;

/** The columns a LedgerRefund is read from. */
const REFUND_COLUMNS = [
  "out_refund_no",
  "out_trade_no",
  "provider",
  "merchant_id",
  "currency",
  "amount_fen",
  "state",
  "raw_status",
  "provider_refund_id",
  "reason",
  "attempts",
  "created_at",
  "updated_at",
  "submitted_at",
  "success_at",
  "last_error",
  "outcome_unknown",
  "recovery_failures",
  "retry_at",
] as const;

const columns = (names: readonly string[], alias?: string) =>
  names.map((c) => (alias ? `${alias}.${c}` : c)).join(", ");

// The reserve's totals in SQL, mirroring core's refundTotals: a refund is withdrawn (isWithdrawn)
// when closed before any attempt, and holds money (holdsMoney) unless closed.
const CLOSED = RefundState.CLOSED;
const COUNTED = `NOT (state = ${CLOSED} AND attempts = 0)`;
const HOLDS_MONEY = `state <> ${CLOSED}`;

/** The texts of a refund's four hot statements on these tables (see their callers for what each does). */
function hotStatements(orders: string, refunds: string, events: string) {
  return {
    lockOrder: `SELECT ${columns(ORDER_COLUMNS)} FROM ${orders} WHERE out_trade_no = $1 FOR UPDATE`,
    totals: `SELECT count(*) FILTER (WHERE ${COUNTED}) AS counted,
         coalesce(sum(amount_fen) FILTER (WHERE ${HOLDS_MONEY}), 0) AS held_fen,
         max(coalesce(submitted_at, created_at)) FILTER (WHERE ${COUNTED}) AS last_at,
         (SELECT jsonb_build_object(${REFUND_COLUMNS.map((c) => `'${c}', e.${c}`).join(", ")})
            FROM ${refunds} e WHERE e.out_refund_no = $2) AS existing
       FROM ${refunds} WHERE out_trade_no = $1`,
    insertRefund: `INSERT INTO ${refunds} (out_refund_no, out_trade_no, provider, merchant_id, currency, amount_fen, state, reason,
           attempts, created_at, updated_at, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $9, $9, $11)
         ON CONFLICT (out_refund_no) DO NOTHING RETURNING out_refund_no`,
    outcome: `WITH o AS (
         SELECT out_trade_no FROM ${orders} WHERE out_trade_no = $2 FOR UPDATE
       ), r AS (
         UPDATE ${refunds} f SET state = $3, raw_status = $4, provider_refund_id = $5, success_at = $6,
           last_error = $7, updated_at = $8, outcome_unknown = $9, recovery_failures = $10, retry_at = $11
         FROM o
         WHERE f.out_refund_no = $1 AND f.out_trade_no = o.out_trade_no
           AND f.state = $12 AND f.attempts = $13 AND f.updated_at = $14
           AND f.submitted_at IS NOT DISTINCT FROM $15::timestamptz AND f.raw_status IS NOT DISTINCT FROM $16::text
           AND f.provider_refund_id IS NOT DISTINCT FROM $17::text AND f.success_at IS NOT DISTINCT FROM $18::timestamptz
           AND f.last_error IS NOT DISTINCT FROM $19::text AND f.outcome_unknown = $20 AND f.recovery_failures = $21
           AND f.retry_at IS NOT DISTINCT FROM $22::timestamptz
         RETURNING f.out_refund_no, f.out_trade_no
       ), e AS (
         INSERT INTO ${events} (event_id, stream, type, payload, created_at, next_attempt_at)
         SELECT $23::text, r.out_trade_no, $24::text, $25::jsonb, $8, ${NEW_EVENT_DUE} FROM r WHERE $23::text IS NOT NULL
         ON CONFLICT (event_id) DO NOTHING
       ), t AS (
         UPDATE ${orders} d SET trade_state = ($26::smallint[])[d.trade_state + 1], updated_at = now()
         FROM r WHERE d.out_trade_no = r.out_trade_no AND d.trade_state <> ($26::smallint[])[d.trade_state + 1]
       )
       SELECT out_refund_no FROM r`,
  } as const;
}

/**
 * The refund ledger on PostgreSQL (or PGlite), for backends with several instances.
 *
 * Every operation that reads refunds of an order to decide something runs in one transaction that
 * first locks the order's row (SELECT ... FOR UPDATE). Two instances reserving refunds of one
 * order therefore take turns: the second sees the first one's refund before its own sum, count
 * and interval checks, because those are read by a statement after the lock (READ COMMITTED takes
 * a new snapshot per statement). Locks are always taken order first, then refund, so operations
 * cannot deadlock each other. The rules themselves are core's (`decideReserveFromTotals`,
 * `applyRefundUpdate`), shared with the in-memory ledger; the order's refund totals are computed
 * by the database, so a reserve reads one row however many refunds the order has.
 *
 * A paid refund through RefundService.refund costs two commits: the reserve (which stores the
 * refund with its first attempt counted) and the outcome, written by one statement that locks the
 * order and updates the refund only if it is still the record the caller holds (`basis`).
 */
export class PostgresRefundLedger implements RefundLedger {
  private readonly orders: string;
  private readonly refunds: string;
  private readonly events: string;
  /**
   * The hot statements' texts, built once: one string object per statement, so the driver's
   * prepared-statement lookup hashes it once and finds the same text without comparing it again.
   */
  private readonly sql: ReturnType<typeof hotStatements>;
  /** Each refund state change's event is written to this outbox in the change's transaction. */
  readonly outbox: PostgresOutbox;

  constructor(
    private readonly db: SqlClient,
    options: { schema?: string } = {},
  ) {
    const q = quoteSchema(options.schema ?? DEFAULT_SCHEMA);
    this.orders = `${q}.refund_orders`;
    this.refunds = `${q}.refunds`;
    this.events = outboxTable(options.schema);
    this.sql = hotStatements(this.orders, this.refunds, this.events);
    this.outbox = new PostgresOutbox(db, options.schema ? { schema: options.schema } : {});
  }

  async saveOrder(order: NewLedgerOrder): Promise<LedgerOrder> {
    // Checked before any SQL: a bad field is a ValidationError naming it, not a DatabaseError.
    const checked = await checkLedgerOrder(order);
    // A first recording is one statement; a concurrent first recording of the same number waits
    // on the primary key for the other's commit and then inserts nothing.
    const inserted = await this.db.query(
      `INSERT INTO ${this.orders} (out_trade_no, provider, merchant_id, currency, total_fen, paid_fen, paid_at, trade_state, provider_trade_no)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (out_trade_no) DO NOTHING RETURNING ${columns(ORDER_COLUMNS)}`,
      [
        checked.outTradeNo,
        checked.provider,
        checked.merchantId,
        checked.currency,
        checked.totalFen,
        checked.paidFen,
        checked.paidAt,
        checked.tradeState,
        checked.providerTradeNo ?? null,
      ],
    );
    const fresh = inserted.rows[0];
    if (fresh) return toOrder(fresh);
    return this.db.transaction(async (tx) => {
      // A known order: core's rule (mergeKnownOrder) decides under the order's row lock, so two
      // writers cannot both pass it, and a conflict is a ConflictError naming the field.
      const current = await this.lockOrder(tx, checked.outTradeNo);
      if (!current) throw new NotFoundError(`order ${checked.outTradeNo} vanished while being saved`);
      const merged = mergeKnownOrder(current, checked);
      if (sameOrder(merged, current)) return current;
      // The statement repeats the rule, so it can only move paid, date and state one way and can
      // never touch an order whose money fields differ from what the check saw.
      const { rows } = await tx.query(
        `UPDATE ${this.orders} SET paid_fen = GREATEST(paid_fen, $6), paid_at = LEAST(paid_at, $7), trade_state = $8,
           provider_trade_no = COALESCE(provider_trade_no, $9), updated_at = now()
         WHERE out_trade_no = $1 AND provider = $2 AND merchant_id = $3 AND currency = $4 AND total_fen = $5
           AND $6 <= total_fen AND (provider_trade_no IS NULL OR $9::text IS NULL OR provider_trade_no = $9::text)
         RETURNING ${columns(ORDER_COLUMNS)}`,
        [
          merged.outTradeNo,
          current.provider,
          current.merchantId,
          current.currency,
          current.totalFen,
          merged.paidFen,
          merged.paidAt,
          merged.tradeState,
          merged.providerTradeNo ?? null,
        ],
      );
      const row = rows[0];
      if (!row) throw new ConflictError("order", `order ${checked.outTradeNo} changed while being saved`);
      return toOrder(row);
    });
  }

  async getOrder(outTradeNo: string): Promise<LedgerOrder | undefined> {
    const { rows } = await this.db.query(
      `SELECT ${columns(ORDER_COLUMNS)} FROM ${this.orders} WHERE out_trade_no = $1`,
      [outTradeNo],
    );
    return rows[0] ? toOrder(rows[0]) : undefined;
  }

  async reserveRefund(
    input: ReserveRefundInput,
    reservePolicy: ReservePolicy,
    now: Date,
  ): Promise<ReserveOutcome> {
    return this.db.transaction(async (tx) => {
      const order = await this.lockOrder(tx, input.outTradeNo);
      if (!order) throw new NotFoundError(`order ${input.outTradeNo} is not in the refund ledger`);
      const policy = policyForOrder(reservePolicy, order);
      // After the lock: this statement's snapshot holds every refund committed before it was taken.
      const { totals, existing } = await this.totalsAndExisting(tx, input.outTradeNo, input.outRefundNo);
      const decision = decideReserveFromTotals(order, totals, existing, input, policy, now);
      if (decision.kind === "existing") return { refund: decision.refund, created: false, order };
      const { refund, attemptBegun: begun } = newReservedRefund(order, input, now);
      // The row is exactly `refund` (the other columns take their defaults: false, 0, NULL), so
      // only the key comes back: it says whether this statement inserted it.
      const { rows } = await tx.query(
        this.sql.insertRefund,
        [
          refund.outRefundNo,
          refund.outTradeNo,
          refund.provider,
          refund.merchantId,
          refund.currency,
          refund.amountFen,
          refund.state,
          refund.reason ?? null,
          now,
          refund.attempts,
          refund.submittedAt ?? null,
        ],
        PREPARED,
      );
      if (rows[0]) return { refund, created: true, attemptBegun: begun, order };
      // The same number was inserted meanwhile for another order (this order's lock does not cover it).
      const raced = await this.get(tx, input.outRefundNo);
      const again = decideReserveFromTotals(order, totals, raced, input, policy, now);
      if (again.kind === "existing") return { refund: again.refund, created: false, order };
      throw new RefundRuleError("duplicate", `refund number ${input.outRefundNo} was taken concurrently`);
    });
  }

  async beginAttempt(outRefundNo: string, minIntervalMs: number, now: Date): Promise<BeginAttemptOutcome> {
    return this.db.transaction(async (tx) => {
      await this.lockOrderOf(tx, outRefundNo);
      // After the order's lock, with the refund's own: when another refund of the order was last sent.
      const { rows } = await tx.query(
        `SELECT ${columns(REFUND_COLUMNS, "r")},
           (SELECT max(s.submitted_at) FROM ${this.refunds} s
             WHERE s.out_trade_no = r.out_trade_no AND s.out_refund_no <> r.out_refund_no) AS last_other_submitted_at
         FROM ${this.refunds} r WHERE r.out_refund_no = $1 FOR UPDATE OF r`,
        [outRefundNo],
      );
      const row = one(rows);
      const refund = toRefund(row);
      if (refund.state !== RefundState.CONFIRMED && refund.state !== RefundState.NOT_SUBMITTED) {
        throw new RefundRuleError(
          "state",
          `refund ${outRefundNo} is ${describeRefundState(refund.state)}; only 1 or 2 can be submitted`,
        );
      }
      const waitMs = submitWaitAfter(refund, optionalDate(row.last_other_submitted_at), minIntervalMs, now);
      if (waitMs > 0) return { ok: false, waitMs, refund };
      const updated = await tx.query(
        `UPDATE ${this.refunds} SET attempts = attempts + 1, submitted_at = $2, updated_at = $2
         WHERE out_refund_no = $1 RETURNING ${columns(REFUND_COLUMNS)}`,
        [outRefundNo, now],
      );
      return { ok: true, refund: toRefund(one(updated.rows)) };
    });
  }

  async updateRefund(outRefundNo: string, update: RefundUpdate, now: Date): Promise<LedgerRefund> {
    const basis = update.basis;
    if (basis && basis.outRefundNo === outRefundNo) {
      // One statement, no transaction around it: applied only if the stored refund is still
      // `basis`, so the record it writes is exactly what the locked path below would write.
      let next: LedgerRefund | undefined;
      try {
        next = applyRefundUpdate(basis, update, now);
      } catch {
        // Decided on a stale copy the rule may differ: the locked path decides on the stored one.
      }
      if (next) {
        const saved = await this.writeUpdate(this.db, basis, next, now);
        if (saved) return saved;
      }
    }
    return this.db.transaction(async (tx) => {
      await this.lockOrderOf(tx, outRefundNo);
      const locked = await tx.query(
        `SELECT ${columns(REFUND_COLUMNS)} FROM ${this.refunds} WHERE out_refund_no = $1 FOR UPDATE`,
        [outRefundNo],
      );
      const current = toRefund(one(locked.rows));
      const saved = await this.writeUpdate(tx, current, applyRefundUpdate(current, update, now), now);
      if (!saved) throw new NotFoundError(`refund ${outRefundNo} changed while locked`);
      return saved;
    });
  }

  async getRefund(outRefundNo: string): Promise<LedgerRefund | undefined> {
    return this.get(this.db, outRefundNo);
  }

  async listRefunds(outTradeNo: string): Promise<LedgerRefund[]> {
    const { rows } = await this.db.query(
      `SELECT ${columns(REFUND_COLUMNS)} FROM ${this.refunds} WHERE out_trade_no = $1 ORDER BY created_at, out_refund_no`,
      [outTradeNo],
    );
    return rows.map(toRefund);
  }

  async listByState(states: readonly RefundState[], limit: number): Promise<LedgerRefund[]> {
    const { rows } = await this.db.query(
      `SELECT ${columns(REFUND_COLUMNS)} FROM ${this.refunds} WHERE state = ANY($1::smallint[]) ORDER BY created_at, out_refund_no LIMIT $2`,
      [[...states], limit],
    );
    return rows.map(toRefund);
  }

  async listOutcomeUnknown(limit: number): Promise<LedgerRefund[]> {
    const { rows } = await this.db.query(
      `SELECT ${columns(REFUND_COLUMNS)} FROM ${this.refunds} WHERE outcome_unknown ORDER BY created_at, out_refund_no LIMIT $1`,
      [limit],
    );
    return rows.map(toRefund);
  }

  /**
   * Writes `next` over `current` in one statement: locks the order first (the one lock order),
   * updates the refund only while every field still equals `current`, appends the state change's
   * event, and moves the order's trade state by core's rule. Undefined when the refund is no
   * longer `current` (another writer came first): nothing was written.
   */
  private async writeUpdate(
    exec: SqlExecutor,
    current: LedgerRefund,
    next: LedgerRefund,
    now: Date,
  ): Promise<LedgerRefund | undefined> {
    const event =
      next.state !== current.state
        ? refundEvent({ ...next, amount: { fen: next.amountFen, currency: next.currency } }, now)
        : undefined;
    // Core's trade-state rule for each trade state the order may be in, indexed by that state.
    const tradeAfter = TRADE_STATES.map((s) => tradeStateAfterRefundState(s, next.state));
    const { rows } = await exec.query(
      this.sql.outcome,
      [
        current.outRefundNo,
        current.outTradeNo,
        next.state,
        next.rawStatus ?? null,
        next.providerRefundId ?? null,
        next.successAt ?? null,
        next.lastError ?? null,
        now,
        next.outcomeUnknown,
        next.recoveryFailures,
        next.retryAt ?? null,
        current.state,
        current.attempts,
        current.updatedAt,
        current.submittedAt ?? null,
        current.rawStatus ?? null,
        current.providerRefundId ?? null,
        current.successAt ?? null,
        current.lastError ?? null,
        current.outcomeUnknown,
        current.recoveryFailures,
        current.retryAt ?? null,
        event?.id ?? null,
        event?.type ?? null,
        event ? JSON.stringify(event) : null,
        tradeAfter,
      ],
      PREPARED,
    );
    // The row now holds exactly `next`: every column the statement did not set was checked equal
    // to `current`, whose fixed columns (number, order, merchant, amount, dates) never change.
    return rows[0] ? next : undefined;
  }

  /**
   * The order's refund totals (core's RefundTotals, computed by the database over the order's
   * refunds) and the refund stored under `outRefundNo`, whichever order it belongs to.
   */
  private async totalsAndExisting(
    tx: SqlExecutor,
    outTradeNo: string,
    outRefundNo: string,
  ): Promise<{ totals: RefundTotals; existing: LedgerRefund | undefined }> {
    const { rows } = await tx.query(this.sql.totals, [outTradeNo, outRefundNo], PREPARED);
    const row = one(rows);
    return {
      totals: {
        counted: Number(row.counted),
        heldFen: fen(row.held_fen, "held_fen"),
        lastAt: optionalDate(row.last_at),
      },
      // The stored refund, as one jsonb value (or null): a reserve of a new number, the usual
      // case, then reads four columns, not the refund's nineteen.
      existing:
        row.existing === null || row.existing === undefined ? undefined : toRefund(jsonRow(row.existing)),
    };
  }

  private async lockOrder(tx: SqlExecutor, outTradeNo: string): Promise<LedgerOrder | undefined> {
    const { rows } = await tx.query(this.sql.lockOrder, [outTradeNo], PREPARED);
    return rows[0] ? toOrder(rows[0]) : undefined;
  }

  /**
   * Locks the order a refund belongs to, in one statement (a refund never changes order), before
   * the refund itself is locked: the one lock order every operation follows.
   */
  private async lockOrderOf(tx: SqlExecutor, outRefundNo: string): Promise<void> {
    const { rows } = await tx.query(
      `SELECT out_trade_no FROM ${this.orders}
       WHERE out_trade_no = (SELECT out_trade_no FROM ${this.refunds} WHERE out_refund_no = $1) FOR UPDATE`,
      [outRefundNo],
    );
    if (!rows[0]) throw new NotFoundError(`refund ${outRefundNo} is not in the refund ledger`);
  }

  private async get(tx: SqlExecutor, outRefundNo: string): Promise<LedgerRefund | undefined> {
    const { rows } = await tx.query(
      `SELECT ${columns(REFUND_COLUMNS)} FROM ${this.refunds} WHERE out_refund_no = $1`,
      [outRefundNo],
    );
    return rows[0] ? toRefund(rows[0]) : undefined;
  }
}

/** A row read as one jsonb value: parsed by both drivers, or text from an older one. */
function jsonRow(value: unknown): Row {
  return (typeof value === "string" ? JSON.parse(value) : value) as Row;
}

function one(rows: Row[]): Row {
  const row = rows[0];
  if (!row) throw new NotFoundError("the row to update is gone");
  return row;
}

/** bigint columns arrive as strings from `pg` and as numbers or bigints from PGlite. */
function fen(value: unknown, field: string): number {
  const n = typeof value === "bigint" ? Number(value) : typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new UnknownStatusError(field, value);
  return n;
}

function date(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function optionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : date(value);
}

function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function toOrder(row: Row): LedgerOrder {
  const tradeState = Number(row.trade_state);
  if (!isTradeState(tradeState)) throw new UnknownStatusError("trade_state", row.trade_state);
  return {
    outTradeNo: String(row.out_trade_no),
    provider: String(row.provider),
    merchantId: String(row.merchant_id),
    currency: String(row.currency) as Currency,
    totalFen: fen(row.total_fen, "total_fen"),
    paidFen: fen(row.paid_fen, "paid_fen"),
    paidAt: date(row.paid_at),
    tradeState,
    providerTradeNo: optionalText(row.provider_trade_no),
  };
}

function toRefund(row: Row): LedgerRefund {
  const state = Number(row.state);
  if (!isRefundState(state)) throw new UnknownStatusError("refund state", row.state);
  return {
    outRefundNo: String(row.out_refund_no),
    outTradeNo: String(row.out_trade_no),
    provider: String(row.provider),
    merchantId: String(row.merchant_id),
    currency: String(row.currency) as Currency,
    amountFen: fen(row.amount_fen, "amount_fen"),
    state,
    rawStatus: optionalText(row.raw_status),
    providerRefundId: optionalText(row.provider_refund_id),
    reason: optionalText(row.reason),
    attempts: Number(row.attempts),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
    submittedAt: optionalDate(row.submitted_at),
    successAt: optionalDate(row.success_at),
    lastError: optionalText(row.last_error),
    outcomeUnknown: row.outcome_unknown === true,
    recoveryFailures: Number(row.recovery_failures ?? 0),
    retryAt: optionalDate(row.retry_at),
  };
}
