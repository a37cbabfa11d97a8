import {
  checkRepeat,
  type LedgerPayment,
  mergeReport,
  type NewPayment,
  NotFoundError,
  type PaymentChange,
  type PaymentLedger,
  type PaymentListQuery,
  paymentEvents,
  type RecordOutcome,
  type TradeReport,
  type UnpaidQuery,
} from "@paybridge/core/ledger-kit";
import { DEFAULT_SCHEMA, quoteSchema } from "./migrate.js";
import { toPayment } from "./payment-rows.js";
import { appendEvent, outboxTable, PostgresOutbox } from "./postgres-outbox.js";
import type { SqlClient, SqlExecutor } from "./sql-client.js";

/**
 * The payment ledger on PostgreSQL (or PGlite), table `payments` (migration 0004), in the same
 * schema as the refund ledger. A report is merged with the payment's row locked (SELECT ... FOR
 * UPDATE), so of several instances applying the same notification at once exactly one sees the
 * state change; the merge rules are core's (`mergeReport`), shared with MemoryPaymentLedger.
 */
export class PostgresPaymentLedger implements PaymentLedger {
  protected readonly table: string;
  protected readonly schema: string;
  /** Each change's event is written to this outbox in the change's transaction. */
  readonly outbox: PostgresOutbox;

  constructor(
    protected readonly db: SqlClient,
    options: { schema?: string } = {},
  ) {
    this.schema = options.schema ?? DEFAULT_SCHEMA;
    this.table = `${quoteSchema(this.schema)}.payments`;
    this.outbox = new PostgresOutbox(db, { schema: this.schema });
  }

  async recordPayment(input: NewPayment, now: Date): Promise<RecordOutcome> {
    const { rows } = await this.db.query(
      `INSERT INTO ${this.table} (out_trade_no, provider, merchant_id, method, currency, amount_fen, expires_at, state,
         created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8) ON CONFLICT (out_trade_no) DO NOTHING RETURNING *`,
      [
        input.outTradeNo,
        input.provider,
        input.merchantId,
        input.method ?? null,
        input.currency,
        input.amountFen,
        input.expiresAt ?? null,
        now,
      ],
    );
    if (rows[0]) return { payment: toPayment(rows[0]), created: true };
    const existing = await this.getPayment(input.outTradeNo);
    if (!existing) throw new NotFoundError(`payment ${input.outTradeNo} vanished while being recorded`);
    checkRepeat(existing, input);
    return { payment: existing, created: false };
  }

  async getPayment(outTradeNo: string): Promise<LedgerPayment | undefined> {
    const { rows } = await this.db.query(`SELECT * FROM ${this.table} WHERE out_trade_no = $1`, [outTradeNo]);
    return rows[0] ? toPayment(rows[0]) : undefined;
  }

  async discardUnsent(outTradeNo: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `DELETE FROM ${this.table} WHERE out_trade_no = $1 AND state = 0 AND raw_status IS NULL RETURNING 1`,
      [outTradeNo],
    );
    return rows.length > 0;
  }

  async applyReport(outTradeNo: string, report: TradeReport, now: Date): Promise<PaymentChange> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query(`SELECT * FROM ${this.table} WHERE out_trade_no = $1 FOR UPDATE`, [
        outTradeNo,
      ]);
      const row = rows[0];
      if (!row) throw new NotFoundError(`payment ${outTradeNo} is not in the payment ledger`);
      const change = mergeReport(toPayment(row), report, now);
      if (!change.changed) return change;
      const p = change.payment;
      await tx.query(
        `UPDATE ${this.table} SET state = $2, raw_status = $3, provider_trade_no = $4, paid_fen = $5, paid_at = $6,
           paid_after_close_at = $7, updated_at = $8 WHERE out_trade_no = $1`,
        [
          outTradeNo,
          p.state,
          p.rawStatus ?? null,
          p.providerTradeNo ?? null,
          p.paidFen ?? null,
          p.paidAt ?? null,
          p.paidAfterCloseAt ?? null,
          now,
        ],
      );
      await this.afterChange(tx, change, report, now);
      return change;
    });
  }

  /** Runs inside the change's transaction: the change's events (migration 0005's outbox). */
  protected async afterChange(
    tx: SqlExecutor,
    change: PaymentChange,
    _report: TradeReport,
    now: Date,
  ): Promise<void> {
    const table = outboxTable(this.schema);
    for (const event of paymentEvents(change, now)) await appendEvent(tx, table, event, now);
  }

  async listPayments(query: PaymentListQuery): Promise<LedgerPayment[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.table} WHERE merchant_id = $1 AND created_at >= $2 AND created_at < $3
       ORDER BY created_at, out_trade_no LIMIT $4`,
      [query.merchantId, query.from, query.to, query.limit ?? 10_000],
    );
    return rows.map(toPayment);
  }

  async listUnpaid(query: UnpaidQuery): Promise<LedgerPayment[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.table} WHERE state = 0
         AND ($1::timestamptz IS NULL OR created_at < $1)
         AND ($2::timestamptz IS NULL OR expires_at < $2)
         AND ($4::timestamptz IS NULL OR created_at >= $4)
       ORDER BY created_at, out_trade_no LIMIT $3`,
      [query.createdBefore ?? null, query.expiresBefore ?? null, query.limit, query.createdAfter ?? null],
    );
    return rows.map(toPayment);
  }

  async listPaidAfterClose(limit: number): Promise<LedgerPayment[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM ${this.table} WHERE paid_after_close_at IS NOT NULL AND state = 3
       ORDER BY paid_after_close_at, out_trade_no LIMIT $1`,
      [limit],
    );
    return rows.map(toPayment);
  }
}
