import {
  applyRefundUpdate,
  type BeginAttemptOutcome,
  ConflictError,
  type Currency,
  decideReserve,
  describeRefundState,
  isRefundState,
  isTradeState,
  type LedgerOrder,
  type LedgerRefund,
  mergeKnownOrder,
  type NewLedgerOrder,
  NotFoundError,
  parseLedgerOrder,
  type RefundLedger,
  type RefundPolicy,
  RefundRuleError,
  RefundState,
  type RefundUpdate,
  type ReserveOutcome,
  type ReserveRefundInput,
  refundEvent,
  sameOrder,
  submitWaitMs,
  tradeStateAfterRefund,
  UnknownStatusError,
} from "@paybridge/core";
import { DEFAULT_SCHEMA, quoteSchema } from "./migrate.js";
import { appendEvent, outboxTable, PostgresOutbox } from "./postgres-outbox.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";

type Row = Record<string, unknown>;

/**
 * The refund ledger on PostgreSQL (or PGlite), for backends with several instances.
 *
 * Every operation that reads refunds of an order to decide something runs in one transaction that
 * first locks the order's row (SELECT ... FOR UPDATE). Two instances reserving refunds of one
 * order therefore take turns: the second sees the first one's refund (READ COMMITTED takes a new
 * snapshot per statement) before its own sum, count and interval checks. Locks are always taken
 * order first, then refund, so operations cannot deadlock each other. The rules themselves are
 * core's (`decideReserve`, `applyRefundUpdate`), shared with the in-memory ledger.
 */
export class PostgresRefundLedger implements RefundLedger {
  private readonly orders: string;
  private readonly refunds: string;
  private readonly events: string;
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
    this.outbox = new PostgresOutbox(db, options.schema ? { schema: options.schema } : {});
  }

  async saveOrder(order: NewLedgerOrder): Promise<LedgerOrder> {
    // Checked before any SQL: a bad field is a ValidationError naming it, not a DatabaseError.
    const checked = parseLedgerOrder(order);
    return this.db.transaction(async (tx) => {
      // A concurrent first recording of the same number waits here for the other's commit.
      const inserted = await tx.query(
        `INSERT INTO ${this.orders} (out_trade_no, provider, merchant_id, currency, total_fen, paid_fen, paid_at, trade_state, provider_trade_no)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (out_trade_no) DO NOTHING RETURNING *`,
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
         RETURNING *`,
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
    const { rows } = await this.db.query(`SELECT * FROM ${this.orders} WHERE out_trade_no = $1`, [
      outTradeNo,
    ]);
    return rows[0] ? toOrder(rows[0]) : undefined;
  }

  async reserveRefund(input: ReserveRefundInput, policy: RefundPolicy, now: Date): Promise<ReserveOutcome> {
    return this.db.transaction(async (tx) => {
      const order = await this.lockOrder(tx, input.outTradeNo);
      if (!order) throw new NotFoundError(`order ${input.outTradeNo} is not in the refund ledger`);
      const siblings = await this.siblings(tx, input.outTradeNo);
      const existing =
        siblings.find((r) => r.outRefundNo === input.outRefundNo) ?? (await this.get(tx, input.outRefundNo));
      const decision = decideReserve(order, siblings, existing, input, policy, now);
      if (decision.kind === "existing") return { refund: decision.refund, created: false };
      const { rows } = await tx.query(
        `INSERT INTO ${this.refunds} (out_refund_no, out_trade_no, provider, merchant_id, currency, amount_fen, state, reason,
           attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9)
         ON CONFLICT (out_refund_no) DO NOTHING RETURNING *`,
        [
          input.outRefundNo,
          input.outTradeNo,
          order.provider,
          order.merchantId,
          input.currency,
          input.amountFen,
          input.initialState,
          input.reason ?? null,
          now,
        ],
      );
      if (rows[0]) return { refund: toRefund(rows[0]), created: true };
      // The same number was inserted meanwhile for another order (this order's lock does not cover it).
      const raced = await this.get(tx, input.outRefundNo);
      const again = decideReserve(order, siblings, raced, input, policy, now);
      if (again.kind === "existing") return { refund: again.refund, created: false };
      throw new RefundRuleError("duplicate", `refund number ${input.outRefundNo} was taken concurrently`);
    });
  }

  async beginAttempt(outRefundNo: string, minIntervalMs: number, now: Date): Promise<BeginAttemptOutcome> {
    return this.db.transaction(async (tx) => {
      const refund = await this.lockRefundWithOrder(tx, outRefundNo);
      if (refund.state !== RefundState.CONFIRMED && refund.state !== RefundState.NOT_SUBMITTED) {
        throw new RefundRuleError(
          "state",
          `refund ${outRefundNo} is ${describeRefundState(refund.state)}; only 1 or 2 can be submitted`,
        );
      }
      const waitMs = submitWaitMs(refund, await this.siblings(tx, refund.outTradeNo), minIntervalMs, now);
      if (waitMs > 0) return { ok: false, waitMs, refund };
      const { rows } = await tx.query(
        `UPDATE ${this.refunds} SET attempts = attempts + 1, submitted_at = $2, updated_at = $2
         WHERE out_refund_no = $1 RETURNING *`,
        [outRefundNo, now],
      );
      return { ok: true, refund: toRefund(one(rows)) };
    });
  }

  async updateRefund(outRefundNo: string, update: RefundUpdate, now: Date): Promise<LedgerRefund> {
    return this.db.transaction(async (tx) => {
      const current = await this.lockRefundWithOrder(tx, outRefundNo);
      const next = applyRefundUpdate(current, update, now);
      const { rows } = await tx.query(
        `UPDATE ${this.refunds} SET state = $2, raw_status = $3, provider_refund_id = $4, success_at = $5, last_error = $6,
           updated_at = $7, outcome_unknown = $8, recovery_failures = $9, retry_at = $10 WHERE out_refund_no = $1 RETURNING *`,
        [
          outRefundNo,
          next.state,
          next.rawStatus ?? null,
          next.providerRefundId ?? null,
          next.successAt ?? null,
          next.lastError ?? null,
          now,
          next.outcomeUnknown,
          next.recoveryFailures,
          next.retryAt ?? null,
        ],
      );
      const saved = toRefund(one(rows));
      if (saved.state !== current.state) {
        const event = refundEvent(
          { ...saved, amount: { fen: saved.amountFen, currency: saved.currency } },
          now,
        );
        if (event) await appendEvent(tx, this.events, event, now);
      }
      const order = await this.getOrderIn(tx, saved.outTradeNo);
      if (order) {
        const tradeState = tradeStateAfterRefund(order, saved);
        if (tradeState !== order.tradeState) {
          await tx.query(
            `UPDATE ${this.orders} SET trade_state = $2, updated_at = now() WHERE out_trade_no = $1`,
            [order.outTradeNo, tradeState],
          );
        }
      }
      return saved;
    });
  }

  async getRefund(outRefundNo: string): Promise<LedgerRefund | undefined> {
    return this.get(this.db, outRefundNo);
  }

  async listRefunds(outTradeNo: string): Promise<LedgerRefund[]> {
    return this.siblings(this.db, outTradeNo);
  }

  async listByState(states: readonly RefundState[], limit: number): Promise<LedgerRefund[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.refunds} WHERE state = ANY($1::smallint[]) ORDER BY created_at, out_refund_no LIMIT $2`,
      [[...states], limit],
    );
    return rows.map(toRefund);
  }

  async listOutcomeUnknown(limit: number): Promise<LedgerRefund[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.refunds} WHERE outcome_unknown ORDER BY created_at, out_refund_no LIMIT $1`,
      [limit],
    );
    return rows.map(toRefund);
  }

  private async lockOrder(tx: SqlExecutor, outTradeNo: string): Promise<LedgerOrder | undefined> {
    const { rows } = await tx.query(`SELECT * FROM ${this.orders} WHERE out_trade_no = $1 FOR UPDATE`, [
      outTradeNo,
    ]);
    return rows[0] ? toOrder(rows[0]) : undefined;
  }

  private async getOrderIn(tx: SqlExecutor, outTradeNo: string): Promise<LedgerOrder | undefined> {
    const { rows } = await tx.query(`SELECT * FROM ${this.orders} WHERE out_trade_no = $1`, [outTradeNo]);
    return rows[0] ? toOrder(rows[0]) : undefined;
  }

  /** Locks the refund's order, then the refund (the one lock order every operation follows). */
  private async lockRefundWithOrder(tx: SqlExecutor, outRefundNo: string): Promise<LedgerRefund> {
    const { rows } = await tx.query<{ out_trade_no: string }>(
      `SELECT out_trade_no FROM ${this.refunds} WHERE out_refund_no = $1`,
      [outRefundNo],
    );
    const head = rows[0];
    if (!head) throw new NotFoundError(`refund ${outRefundNo} is not in the refund ledger`);
    await this.lockOrder(tx, head.out_trade_no);
    const locked = await tx.query(`SELECT * FROM ${this.refunds} WHERE out_refund_no = $1 FOR UPDATE`, [
      outRefundNo,
    ]);
    return toRefund(one(locked.rows));
  }

  private async get(tx: SqlExecutor, outRefundNo: string): Promise<LedgerRefund | undefined> {
    const { rows } = await tx.query(`SELECT * FROM ${this.refunds} WHERE out_refund_no = $1`, [outRefundNo]);
    return rows[0] ? toRefund(rows[0]) : undefined;
  }

  private async siblings(tx: SqlExecutor, outTradeNo: string): Promise<LedgerRefund[]> {
    const { rows } = await tx.query(
      `SELECT * FROM ${this.refunds} WHERE out_trade_no = $1 ORDER BY created_at, out_refund_no`,
      [outTradeNo],
    );
    return rows.map(toRefund);
  }
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
