import { NotFoundError } from "../errors/errors.js";
import type { MemoryOutbox } from "../events/memory-outbox.js";
import { TradeState } from "../states/trade-state.js";
import type {
  LedgerPayment,
  NewPayment,
  PaymentChange,
  PaymentLedger,
  PaymentListQuery,
  RecordOutcome,
  TradeReport,
  UnpaidQuery,
} from "./payment-ledger.js";
import { checkRepeat, mergeReport, newPaymentRecord, paymentEvents } from "./payment-record.js";

/**
 * The default payment ledger: one process, nothing durable. Each operation runs synchronously
 * between two awaits, which makes it atomic in one Node process. Use PostgresPaymentLedger
 * (@paybridge/postgres) when a crash must not forget a payment or several instances share orders.
 */
export class MemoryPaymentLedger implements PaymentLedger {
  private readonly payments = new Map<string, LedgerPayment>();
  /** Given one, each change's event is appended to it in the same synchronous step as the change. */
  readonly outbox: MemoryOutbox | undefined;

  constructor(options: { outbox?: MemoryOutbox } = {}) {
    this.outbox = options.outbox;
  }

  async recordPayment(input: NewPayment, now: Date): Promise<RecordOutcome> {
    const existing = this.payments.get(input.outTradeNo);
    if (existing) {
      checkRepeat(existing, input);
      return { payment: existing, created: false };
    }
    const payment = newPaymentRecord(input, now);
    this.payments.set(payment.outTradeNo, payment);
    return { payment, created: true };
  }

  async getPayment(outTradeNo: string): Promise<LedgerPayment | undefined> {
    return this.payments.get(outTradeNo);
  }

  async discardUnsent(outTradeNo: string): Promise<boolean> {
    const p = this.payments.get(outTradeNo);
    if (!p || p.state !== TradeState.UNPAID || p.rawStatus !== undefined) return false;
    return this.payments.delete(outTradeNo);
  }

  async applyReport(outTradeNo: string, report: TradeReport, now: Date): Promise<PaymentChange> {
    const current = this.payments.get(outTradeNo);
    if (!current) throw new NotFoundError(`payment ${outTradeNo} is not in the payment ledger`);
    const change = mergeReport(current, report, now);
    if (change.changed) {
      this.payments.set(outTradeNo, change.payment);
      for (const event of paymentEvents(change, now)) this.outbox?.appendNow(event, now);
    }
    return change;
  }

  async listPayments(query: PaymentListQuery): Promise<LedgerPayment[]> {
    return this.sorted()
      .filter(
        (p) =>
          p.merchantId === query.merchantId &&
          p.createdAt.getTime() >= query.from.getTime() &&
          p.createdAt.getTime() < query.to.getTime(),
      )
      .slice(0, query.limit ?? 10_000);
  }

  async listUnpaid(query: UnpaidQuery): Promise<LedgerPayment[]> {
    return this.sorted()
      .filter(
        (p) =>
          p.state === TradeState.UNPAID &&
          (!query.createdBefore || p.createdAt.getTime() < query.createdBefore.getTime()) &&
          (!query.createdAfter || p.createdAt.getTime() >= query.createdAfter.getTime()) &&
          (!query.expiresBefore ||
            (p.expiresAt !== undefined && p.expiresAt.getTime() < query.expiresBefore.getTime())),
      )
      .slice(0, query.limit);
  }

  async listPaidAfterClose(limit: number): Promise<LedgerPayment[]> {
    return this.sorted()
      .filter((p) => p.paidAfterCloseAt !== undefined && p.state === TradeState.PAID)
      .slice(0, limit);
  }

  private sorted(): LedgerPayment[] {
    return [...this.payments.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }
}
