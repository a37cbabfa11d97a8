import { NotFoundError, RefundRuleError } from "../errors/errors.js";
import { describeRefundState, RefundState } from "../states/refund-state.js";
import {
  type BeginAttemptOutcome,
  type LedgerOrder,
  type LedgerRefund,
  type NewLedgerOrder,
  policyForOrder,
  type RefundLedger,
  type RefundUpdate,
  type ReserveOutcome,
  type ReservePolicy,
  type ReserveRefundInput,
} from "./ledger.js";
import { mergeKnownOrder, newOrderRecord } from "./ledger-order-rules.js";
import { parseLedgerOrder } from "./ledger-order-schema.js";
import { decideReserve, newReservedRefund, submitWaitMs } from "./policy.js";
import { applyRefundUpdate, tradeStateAfterRefund } from "./record-update.js";

/**
 * The default ledger: one process, nothing durable. Every operation runs synchronously between
 * two awaits, which makes it atomic in a single Node process. Use @paybridge/postgres when more
 * than one process refunds, or when a crash must not forget a refund.
 */
export class MemoryRefundLedger implements RefundLedger {
  private readonly orders = new Map<string, LedgerOrder>();
  private readonly refunds = new Map<string, LedgerRefund>();

  async saveOrder(order: NewLedgerOrder): Promise<LedgerOrder> {
    const checked = parseLedgerOrder(order);
    const existing = this.orders.get(checked.outTradeNo);
    // A known order keeps its money fields; paid, date and trade state only move one way.
    const saved = existing ? mergeKnownOrder(existing, checked) : newOrderRecord(checked);
    this.orders.set(saved.outTradeNo, saved);
    return saved;
  }

  async getOrder(outTradeNo: string): Promise<LedgerOrder | undefined> {
    return this.orders.get(outTradeNo);
  }

  async reserveRefund(input: ReserveRefundInput, policy: ReservePolicy, now: Date): Promise<ReserveOutcome> {
    const order = this.orders.get(input.outTradeNo);
    const existing = this.refunds.get(input.outRefundNo);
    if (!order) throw new NotFoundError(`order ${input.outTradeNo} is not in the refund ledger`);
    const rules = policyForOrder(policy, order);
    const decision = decideReserve(order, this.siblings(input.outTradeNo), existing, input, rules, now);
    if (decision.kind === "existing") return { refund: decision.refund, created: false, order };
    const { refund, attemptBegun } = newReservedRefund(order, input, now);
    this.refunds.set(refund.outRefundNo, refund);
    return { refund, created: true, attemptBegun, order };
  }

  async beginAttempt(outRefundNo: string, minIntervalMs: number, now: Date): Promise<BeginAttemptOutcome> {
    const refund = this.mustGet(outRefundNo);
    if (refund.state !== RefundState.CONFIRMED && refund.state !== RefundState.NOT_SUBMITTED) {
      throw new RefundRuleError(
        "state",
        `refund ${outRefundNo} is ${describeRefundState(refund.state)}; only 1 or 2 can be submitted`,
      );
    }
    const waitMs = submitWaitMs(refund, this.siblings(refund.outTradeNo), minIntervalMs, now);
    if (waitMs > 0) return { ok: false, waitMs, refund };
    const next: LedgerRefund = {
      ...refund,
      attempts: refund.attempts + 1,
      submittedAt: now,
      updatedAt: now,
    };
    this.refunds.set(outRefundNo, next);
    return { ok: true, refund: next };
  }

  async updateRefund(outRefundNo: string, update: RefundUpdate, now: Date): Promise<LedgerRefund> {
    const next = applyRefundUpdate(this.mustGet(outRefundNo), update, now);
    this.refunds.set(outRefundNo, next);
    const order = this.orders.get(next.outTradeNo);
    if (order)
      this.orders.set(order.outTradeNo, { ...order, tradeState: tradeStateAfterRefund(order, next) });
    return next;
  }

  async getRefund(outRefundNo: string): Promise<LedgerRefund | undefined> {
    return this.refunds.get(outRefundNo);
  }

  async listRefunds(outTradeNo: string): Promise<LedgerRefund[]> {
    return this.siblings(outTradeNo);
  }

  async listByState(states: readonly RefundState[], limit: number): Promise<LedgerRefund[]> {
    return [...this.refunds.values()]
      .filter((r) => states.includes(r.state))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
  }

  async listOutcomeUnknown(limit: number): Promise<LedgerRefund[]> {
    return [...this.refunds.values()]
      .filter((r) => r.outcomeUnknown)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
  }

  private siblings(outTradeNo: string): LedgerRefund[] {
    return [...this.refunds.values()]
      .filter((r) => r.outTradeNo === outTradeNo)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  private mustGet(outRefundNo: string): LedgerRefund {
    const refund = this.refunds.get(outRefundNo);
    if (!refund) throw new NotFoundError(`refund ${outRefundNo} is not in the refund ledger`);
    return refund;
  }
}
