import { NotFoundError, RefundRuleError } from "../errors/errors.js";
import type { PaymentProvider } from "../provider/contract.js";
import type { RefundRules } from "../provider/refund-rules.js";
import { parseInput } from "../schemas/parse.js";
import { RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";
import type { LedgerOrder, LedgerRefund, RefundLedger } from "./ledger.js";
import { ledgerOrderFromTrade } from "./ledger-order.js";
import { policyFromRules } from "./policy.js";
import type { RateLimiter } from "./rate-limiter.js";
import { type RecordOrderInput, recordOrderInputSchema } from "./record-order-input.js";
import { type RefundInput, refundInputSchema } from "./refund-input.js";
import { mustGetRefund } from "./refund-lookup.js";
import {
  notifyUrlFor,
  notifyUrlForAccount,
  type RefundContext,
  type RefundServiceOptions,
  resolveRefundOptions,
  rulesFor,
} from "./refund-options.js";
import { type ResumeOptions, type ResumeReport, resumePending, syncRefund } from "./refund-recovery.js";
import { submitBegunRefund, submitRefund } from "./refund-submission.js";

// The public names this module always exported (and @paybridge/core with it), now defined beside their code.
export {
  DEFAULT_RATE_LIMITS,
  type RefundRuleOverrides,
  type RefundServiceOptions,
} from "./refund-options.js";
export type { ResumeOptions, ResumeReport } from "./refund-recovery.js";

/**
 * The refund engine every provider goes through. It stores each refund (with its refund number)
 * before calling the provider, checks the refund rules in the ledger's reserve transaction, keeps
 * to the merchant's call budget, retries only what may be retried and always with the same
 * refund number and amount, and asks the provider before resending anything that may have arrived.
 */
export class RefundService {
  readonly ledger: RefundLedger;
  readonly limiter: RateLimiter;
  private readonly ctx: RefundContext;

  constructor(options: RefundServiceOptions) {
    this.ctx = resolveRefundOptions(options);
    // A bad URL for any merchant is a configuration error now, not a refund stuck at 2 later.
    for (const account of this.ctx.gateway.merchants)
      notifyUrlForAccount(
        this.ctx.notifyUrl,
        account,
        this.ctx.gateway.refundNotifyUrlSchema(account.provider),
      );
    this.ledger = this.ctx.ledger;
    this.limiter = this.ctx.limiter;
  }

  /** The refund rules in force for a merchant: the provider's, then per-provider and per-merchant overrides. */
  rulesFor(provider: PaymentProvider): RefundRules {
    return rulesFor(this.ctx.overrides, provider);
  }

  /**
   * Records a paid order the backend already knows about (from its own paid notification
   * handling). Validated first (a ValidationError names the field). Recording a known order again
   * with the same values changes nothing; a different total, currency, merchant or provider is a
   * ConflictError naming the field; a larger paid amount (up to the total) is kept.
   */
  async recordOrder(input: RecordOrderInput): Promise<LedgerOrder> {
    const parsed = parseInput(recordOrderInputSchema, input, "order");
    const account = this.ctx.gateway.merchantFor({
      outTradeNo: parsed.outTradeNo,
      ...(parsed.merchantId ? { merchantId: parsed.merchantId } : {}),
      ...(parsed.provider ? { provider: parsed.provider } : {}),
    });
    const paid = parsed.paid ?? parsed.total;
    return this.ledger.saveOrder({
      outTradeNo: parsed.outTradeNo,
      provider: account.provider,
      merchantId: account.id,
      currency: parsed.total.currency,
      totalFen: parsed.total.fen,
      paidFen: paid.fen,
      paidAt: parsed.paidAt,
      tradeState: TradeState.PAID,
      providerTradeNo: parsed.providerTradeNo,
    });
  }

  /** Asks the provider for the order and records it; refuses an order that is not paid. */
  async importOrder(route: {
    outTradeNo: string;
    merchantId?: string;
    provider?: string;
  }): Promise<LedgerOrder> {
    const provider = this.ctx.gateway.forOrder(route);
    const trade = await provider.queryPayment({ outTradeNo: route.outTradeNo });
    if (trade.state !== TradeState.PAID && trade.state !== TradeState.REFUND) {
      throw new RefundRuleError(
        "state",
        `order ${route.outTradeNo} is ${trade.rawStatus} (trade state ${trade.state}) at ${provider.id}; only a paid order can be refunded`,
      );
    }
    return this.ledger.saveOrder(
      ledgerOrderFromTrade(
        trade,
        { provider: provider.id, merchantId: provider.merchantId },
        this.ctx.clock(),
      ),
    );
  }

  /**
   * Stores a refund request after checking every rule (state 0, or 1 when `approved`). Nothing is
   * sent. Repeating a request with the same refund number and amount returns the stored refund.
   */
  async request(input: RefundInput, options: { approved?: boolean } = {}): Promise<LedgerRefund> {
    return (await this.store(input, options.approved === true, false)).refund;
  }

  /** request(), and with `markFirstAttempt` the first attempt counted in the same transaction. */
  private async store(
    input: RefundInput,
    approved: boolean,
    markFirstAttempt: boolean,
  ): Promise<{ refund: LedgerRefund; order: LedgerOrder; attemptBegun: boolean }> {
    const parsed = parseInput(refundInputSchema, input, "refund");
    // Decided on the order the reserve locks, so the order is read once (RefundLedger.reserveRefund).
    const policy = (order: LedgerOrder) => {
      const provider = this.ctx.gateway.forMerchant(order.merchantId);
      // The provider's own field rules (WeChat reason in bytes, Alipay amounts, notify URL rules),
      // before the refund is stored: a refund the provider must refuse is never recorded.
      provider.fieldRules?.refund(
        {
          outTradeNo: parsed.outTradeNo,
          outRefundNo: parsed.outRefundNo,
          amount: parsed.amount,
          reason: parsed.reason,
          notifyUrl: notifyUrlFor(this.ctx, provider),
        },
        "refund",
      );
      return policyFromRules(this.rulesFor(provider));
    };
    let outcome: Awaited<ReturnType<RefundLedger["reserveRefund"]>>;
    try {
      outcome = await this.ledger.reserveRefund(
        {
          outTradeNo: parsed.outTradeNo,
          outRefundNo: parsed.outRefundNo,
          amountFen: parsed.amount.fen,
          currency: parsed.amount.currency,
          reason: parsed.reason,
          initialState: approved ? RefundState.CONFIRMED : RefundState.PENDING_CONFIRM,
          ...(markFirstAttempt ? { markFirstAttempt: true } : {}),
        },
        policy,
        this.ctx.clock(),
      );
    } catch (error) {
      if (error instanceof NotFoundError && !(await this.ledger.getOrder(parsed.outTradeNo))) {
        throw new NotFoundError(
          `order ${parsed.outTradeNo} is not in the refund ledger; record it with recordOrder() or importOrder() first`,
        );
      }
      throw error;
    }
    const { refund, created, attemptBegun } = outcome;
    // A ledger that does not hand back the order it locked costs one read here.
    const order = outcome.order ?? (await this.ledger.getOrder(parsed.outTradeNo));
    if (!order) throw new NotFoundError(`order ${parsed.outTradeNo} vanished after its refund was stored`);
    this.ctx.logger.info(
      { outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo, fen: refund.amountFen, created },
      created ? "refund stored" : "refund request repeated",
    );
    return { refund, order, attemptBegun: attemptBegun === true };
  }

  /** Approves a pending refund (0 -> 1) and submits it. Approving again resumes the submission. */
  async approve(outRefundNo: string): Promise<LedgerRefund> {
    const refund = await mustGetRefund(this.ledger, outRefundNo);
    if (refund.state === RefundState.PENDING_CONFIRM) {
      await this.ledger.updateRefund(
        outRefundNo,
        { mode: "transition", state: RefundState.CONFIRMED, expectStates: [RefundState.PENDING_CONFIRM] },
        this.ctx.clock(),
      );
    }
    return this.submit(outRefundNo);
  }

  /** Rejects a pending refund (0 -> 6); nothing was sent, and its amount is released. */
  async reject(outRefundNo: string, reason: string): Promise<LedgerRefund> {
    return this.ledger.updateRefund(
      outRefundNo,
      {
        mode: "transition",
        state: RefundState.CLOSED,
        expectStates: [RefundState.PENDING_CONFIRM],
        lastError: `rejected by the merchant: ${reason}`,
        close: { kind: "merchant_reject" },
      },
      this.ctx.clock(),
    );
  }

  /**
   * Stores an approved refund and submits it: `request(input, { approved: true })` then `submit`.
   * A new refund is stored with its first attempt counted in the reserve's transaction and sent
   * at once, so a paid refund costs two ledger transactions: the reserve and the outcome.
   */
  async refund(input: RefundInput): Promise<LedgerRefund> {
    const { refund, order, attemptBegun } = await this.store(input, true, true);
    if (refund.state === RefundState.PENDING_CONFIRM) {
      throw new RefundRuleError(
        "state",
        `refund ${refund.outRefundNo} exists and awaits approval; call approve()`,
      );
    }
    if (attemptBegun) return submitBegunRefund(this.ctx, refund, order);
    return this.submit(refund.outRefundNo);
  }

  /**
   * Sends an approved refund (1) or one not accepted yet (2) to its provider, until the provider
   * accepts it (3-6) or an error that retrying cannot fix; a refund at 3-6 is returned as is.
   * Throws the last PaymentError (the refund stays at 2, or 6 when refused for good); the loop is
   * submitRefund in refund-submission.ts.
   */
  async submit(outRefundNo: string): Promise<LedgerRefund> {
    return submitRefund(this.ctx, outRefundNo);
  }

  /** Asks the provider for a submitted (3) or abnormal (5) refund and records what it says. */
  async sync(outRefundNo: string): Promise<LedgerRefund> {
    return syncRefund(this.ctx, outRefundNo);
  }

  /**
   * After a crash or restart: submits what is left at 1 or 2 and queries what is at 3, with the
   * stored refund numbers and amounts; see resumePending in refund-recovery.ts.
   */
  async resumePending(options: ResumeOptions = {}): Promise<ResumeReport> {
    return resumePending(this.ctx, options);
  }

  /** Open refunds whose outcome at the provider is unknown: alert on a non-empty answer. */
  listOutcomeUnknown(limit = 1000): Promise<LedgerRefund[]> {
    return this.ledger.listOutcomeUnknown(limit);
  }

  getRefund(outRefundNo: string): Promise<LedgerRefund | undefined> {
    return this.ledger.getRefund(outRefundNo);
  }

  listRefunds(outTradeNo: string): Promise<LedgerRefund[]> {
    return this.ledger.listRefunds(outTradeNo);
  }
}
