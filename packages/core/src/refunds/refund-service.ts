import {
  AmountMismatchError,
  NotFoundError,
  OutcomeUnknownError,
  PaymentError,
  RefundRuleError,
  UnknownStatusError,
} from "../errors/errors.js";
import type { PaymentGateway } from "../injector/gateway.js";
import { type Logger, silentLogger } from "../logger/logger.js";
import { type Currency, money } from "../money/money.js";
import { type Clock, systemClock } from "../provider/clock.js";
import type { PaymentProvider } from "../provider/contract.js";
import type { RefundRules } from "../provider/refund-rules.js";
import { parseInput } from "../schemas/parse.js";
import type { RefundResult } from "../schemas/refund.js";
import { describeRefundState, RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";
import type { LedgerOrder, LedgerRefund, RefundLedger } from "./ledger.js";
import { ledgerOrderFromTrade } from "./ledger-order.js";
import { MemoryRefundLedger } from "./memory-ledger.js";
import { MemoryRateLimiter } from "./memory-rate-limiter.js";
import { policyFromRules } from "./policy.js";
import type { CallOutcome, RateLimiter, RateLimits } from "./rate-limiter.js";
import { type RefundInput, refundInputSchema } from "./refund-input.js";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import { realSleep, type Sleep } from "./time.js";

/** WeChat's published per-merchant limits, used when a provider declares none (DESIGN.md "Refund rules"). */
export const DEFAULT_RATE_LIMITS: RateLimits = { successPerSecond: 150, failurePerSecond: 6 };

export interface RefundRuleOverrides {
  /** By provider id ("wechatpay"): e.g. `{ minIntervalMs: 0 }` where a contract allows it. */
  readonly byProvider?: Readonly<Record<string, Partial<RefundRules>>>;
  /** By merchant account id; wins over byProvider. */
  readonly byMerchant?: Readonly<Record<string, Partial<RefundRules>>>;
}

export interface RefundServiceOptions {
  readonly gateway: PaymentGateway;
  /** Default: MemoryRefundLedger (one process, not durable). */
  readonly ledger?: RefundLedger;
  /** Default: MemoryRateLimiter (one process). */
  readonly limiter?: RateLimiter;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** In [0, 1); the jitter source. */
  readonly random?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  readonly rules?: RefundRuleOverrides;
  /** Longest wait for rate budget or for the refund interval before giving up with a retryable error. */
  readonly maxWaitMs?: number;
  /** How long INVALID_REQ_TOO_MUCH stops calls to that merchant (WeChat: one minute). */
  readonly throttlePauseMs?: number;
  /**
   * Share of each rate limit left unused (default 0.05: 142 of 150 per second): the provider
   * timestamps a call when it arrives, a little after we granted it, so a budget used to the last
   * call could overflow the provider's window.
   */
  readonly rateHeadroom?: number;
  /** Passed to the provider as the refund notification URL. */
  readonly notifyUrl?: string;
  readonly logger?: Logger;
}

export interface RecordOrderInput {
  readonly outTradeNo: string;
  readonly merchantId?: string;
  readonly provider?: string;
  readonly total: { readonly fen: number; readonly currency: Currency };
  /** What the buyer paid, when less than the total (coupons); defaults to the total. */
  readonly paid?: { readonly fen: number; readonly currency: Currency };
  readonly paidAt: Date;
  readonly providerTradeNo?: string;
}

export interface ResumeReport {
  /** Refunds looked at, with the state each ended in. */
  readonly resumed: readonly LedgerRefund[];
  readonly failed: readonly { readonly outRefundNo: string; readonly error: PaymentError }[];
}

const IN_FLIGHT: readonly RefundState[] = [
  RefundState.CONFIRMED,
  RefundState.NOT_SUBMITTED,
  RefundState.SUBMITTED,
];

/**
 * The refund engine every provider goes through. It stores each refund (with its refund number)
 * before calling the provider, checks the refund rules in the ledger's reserve transaction, keeps
 * to the merchant's call budget, retries only what may be retried and always with the same
 * refund number and amount, and asks the provider before resending anything that may have arrived.
 */
export class RefundService {
  readonly ledger: RefundLedger;
  readonly limiter: RateLimiter;
  private readonly gateway: PaymentGateway;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly overrides: RefundRuleOverrides;
  private readonly maxWaitMs: number;
  private readonly throttlePauseMs: number;
  private readonly headroom: number;
  private readonly notifyUrl: string | undefined;
  private readonly logger: Logger;

  constructor(options: RefundServiceOptions) {
    this.gateway = options.gateway;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.ledger = options.ledger ?? new MemoryRefundLedger();
    this.limiter =
      options.limiter ?? new MemoryRateLimiter({ now: () => this.clock().getTime(), sleep: this.sleep });
    this.random = options.random ?? Math.random;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.overrides = options.rules ?? {};
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    this.throttlePauseMs = options.throttlePauseMs ?? 60_000;
    this.headroom = options.rateHeadroom ?? 0.05;
    this.notifyUrl = options.notifyUrl;
    this.logger = (options.logger ?? silentLogger).child({ component: "refunds" });
  }

  /** The refund rules in force for a merchant: the provider's, then per-provider and per-merchant overrides. */
  rulesFor(provider: PaymentProvider): RefundRules {
    return {
      ...provider.refundRules,
      ...this.overrides.byProvider?.[provider.id],
      ...this.overrides.byMerchant?.[provider.merchantId],
    };
  }

  /** Records a paid order the backend already knows about (from its own paid notification handling). */
  async recordOrder(input: RecordOrderInput): Promise<LedgerOrder> {
    const account = this.gateway.merchantFor({
      outTradeNo: input.outTradeNo,
      ...(input.merchantId ? { merchantId: input.merchantId } : {}),
      ...(input.provider ? { provider: input.provider } : {}),
    });
    const total = money(input.total.fen, input.total.currency, "total");
    const paid = input.paid ? money(input.paid.fen, input.paid.currency, "paid") : total;
    return this.ledger.saveOrder({
      outTradeNo: input.outTradeNo,
      provider: account.provider,
      merchantId: account.id,
      currency: total.currency,
      totalFen: total.fen,
      paidFen: paid.fen,
      paidAt: input.paidAt,
      tradeState: TradeState.PAID,
      providerTradeNo: input.providerTradeNo,
    });
  }

  /** Asks the provider for the order and records it; refuses an order that is not paid. */
  async importOrder(route: {
    outTradeNo: string;
    merchantId?: string;
    provider?: string;
  }): Promise<LedgerOrder> {
    const provider = this.gateway.forOrder(route);
    const trade = await provider.queryPayment({ outTradeNo: route.outTradeNo });
    if (trade.state !== TradeState.PAID && trade.state !== TradeState.REFUND) {
      throw new RefundRuleError(
        "state",
        `order ${route.outTradeNo} is ${trade.rawStatus} (trade state ${trade.state}) at ${provider.id}; only a paid order can be refunded`,
      );
    }
    return this.ledger.saveOrder(
      ledgerOrderFromTrade(trade, { provider: provider.id, merchantId: provider.merchantId }, this.clock()),
    );
  }

  /**
   * Stores a refund request after checking every rule (state 0, or 1 when `approved`). Nothing is
   * sent. Repeating a request with the same refund number and amount returns the stored refund.
   */
  async request(input: RefundInput, options: { approved?: boolean } = {}): Promise<LedgerRefund> {
    const parsed = parseInput(refundInputSchema, input, "refund");
    const order = await this.ledger.getOrder(parsed.outTradeNo);
    if (!order) {
      throw new NotFoundError(
        `order ${parsed.outTradeNo} is not in the refund ledger; record it with recordOrder() or importOrder() first`,
      );
    }
    const provider = this.gateway.forMerchant(order.merchantId);
    const { refund, created } = await this.ledger.reserveRefund(
      {
        outTradeNo: parsed.outTradeNo,
        outRefundNo: parsed.outRefundNo,
        amountFen: parsed.amount.fen,
        currency: parsed.amount.currency,
        reason: parsed.reason,
        initialState: options.approved ? RefundState.CONFIRMED : RefundState.PENDING_CONFIRM,
      },
      policyFromRules(this.rulesFor(provider)),
      this.clock(),
    );
    this.logger.info(
      { outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo, fen: refund.amountFen, created },
      created ? "refund stored" : "refund request repeated",
    );
    return refund;
  }

  /** Approves a pending refund (0 -> 1) and submits it. Approving again resumes the submission. */
  async approve(outRefundNo: string): Promise<LedgerRefund> {
    const refund = await this.mustGet(outRefundNo);
    if (refund.state === RefundState.PENDING_CONFIRM) {
      await this.ledger.updateRefund(
        outRefundNo,
        { mode: "transition", state: RefundState.CONFIRMED, expectStates: [RefundState.PENDING_CONFIRM] },
        this.clock(),
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
      },
      this.clock(),
    );
  }

  /** Stores an approved refund and submits it: `request(input, { approved: true })` then `submit`. */
  async refund(input: RefundInput): Promise<LedgerRefund> {
    const refund = await this.request(input, { approved: true });
    if (refund.state === RefundState.PENDING_CONFIRM) {
      throw new RefundRuleError(
        "state",
        `refund ${refund.outRefundNo} exists and awaits approval; call approve()`,
      );
    }
    return this.submit(refund.outRefundNo);
  }

  /**
   * Sends an approved refund (1) or one not accepted yet (2) to its provider, until the provider
   * accepts it (3-6) or an error that retrying cannot fix. A refund already at 3-6 is returned
   * as is. Throws the last PaymentError; the refund then stays at 2 unless the provider refused it
   * for good (final error: closed, 6).
   */
  async submit(outRefundNo: string): Promise<LedgerRefund> {
    let refund = await this.mustGet(outRefundNo);
    if (refund.state === RefundState.PENDING_CONFIRM) {
      throw new RefundRuleError("state", `refund ${outRefundNo} awaits approval (0); approve() it first`);
    }
    if (refund.state >= RefundState.SUBMITTED) return refund;
    const order = await this.mustGetOrder(refund.outTradeNo);
    const provider = this.gateway.forMerchant(refund.merchantId);
    const rules = this.rulesFor(provider);
    const limits = this.limitsFor(rules);
    let failures = 0;
    for (;;) {
      try {
        // A previous attempt may have reached the provider (lost response, crash): ask first.
        if (refund.attempts > 0) {
          const known = await this.queryKnown(provider, refund, limits);
          if (known) return known;
        }
        const begun = await this.ledger.beginAttempt(outRefundNo, rules.minIntervalMs, this.clock());
        if (!begun.ok) {
          if (begun.waitMs > this.maxWaitMs) {
            throw new RefundRuleError(
              "interval",
              `refund ${outRefundNo} must wait ${begun.waitMs} ms after the order's previous refund (interval ${rules.minIntervalMs} ms)`,
              { retryClass: "retry" },
            );
          }
          await this.sleep(begun.waitMs);
          continue;
        }
        refund = begun.refund;
        const result = await this.call(provider, limits, () =>
          provider.refund({
            outTradeNo: refund.outTradeNo,
            outRefundNo: refund.outRefundNo,
            amount: money(refund.amountFen, refund.currency),
            total: money(order.totalFen, order.currency),
            ...(order.providerTradeNo ? { providerTradeNo: order.providerTradeNo } : {}),
            ...(refund.reason ? { reason: refund.reason } : {}),
            ...(this.notifyUrl ? { notifyUrl: this.notifyUrl } : {}),
          }),
        );
        if (result.state >= RefundState.SUBMITTED) return await this.applyResult(refund, result);
        throw new OutcomeUnknownError(
          `${provider.id} answered refund ${outRefundNo} with ${result.rawStatus} (state ${result.state}), not an acceptance`,
          { provider: provider.id },
        );
      } catch (caught) {
        const error = asPaymentError(caught, provider.id);
        if (error instanceof RefundRuleError && error.rule === "state") {
          // Another instance moved the refund on (submitted it) while this one was deciding.
          const current = await this.mustGet(outRefundNo);
          if (current.state >= RefundState.SUBMITTED) return current;
          throw error;
        }
        if (error instanceof RefundRuleError || (error.code === "RATE_LIMITED" && !error.providerCode)) {
          // Our own waits ran out (interval, rate budget): the refund stays where it is for a later submit.
          throw error;
        }
        refund = await this.recordFailure(refund, error);
        if (!error.retryable) throw error;
        if (error.retryClass === "throttle") {
          await this.limiter.pause(this.limiterKey(provider), this.throttlePauseMs);
        }
        failures += 1;
        if (failures >= this.retry.maxAttempts) throw error;
        const delay = error.retryClass === "throttle" ? 0 : backoffDelayMs(this.retry, failures, this.random);
        this.logger.warn(
          { outRefundNo, code: error.providerCode ?? error.code, message: error.message, failures, delay },
          "refund retry",
        );
        await this.sleep(delay);
      }
    }
  }

  /** Asks the provider for a submitted (3) or abnormal (5) refund and records what it says. */
  async sync(outRefundNo: string): Promise<LedgerRefund> {
    const refund = await this.mustGet(outRefundNo);
    if (refund.state < RefundState.SUBMITTED) return refund;
    if (refund.state === RefundState.SUCCESS || refund.state === RefundState.CLOSED) return refund;
    const provider = this.gateway.forMerchant(refund.merchantId);
    const limits = this.limitsFor(this.rulesFor(provider));
    const result = await this.call(provider, limits, () =>
      provider.queryRefund({ outTradeNo: refund.outTradeNo, outRefundNo }),
    );
    return this.applyResult(refund, result);
  }

  /**
   * After a crash or restart: every refund left at 1 or 2 is submitted (after a query when an
   * attempt may have reached the provider) and every refund at 3 is queried. Refund numbers and
   * amounts are the stored ones, so nothing is refunded twice. Failures are reported, not thrown.
   */
  async resumePending(options: { limit?: number; concurrency?: number } = {}): Promise<ResumeReport> {
    const pending = await this.ledger.listByState(IN_FLIGHT, options.limit ?? 10_000);
    const resumed: LedgerRefund[] = [];
    const failed: { outRefundNo: string; error: PaymentError }[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < pending.length; i = next++) {
        const item = pending[i];
        if (!item) continue;
        try {
          resumed.push(
            item.state === RefundState.SUBMITTED
              ? await this.sync(item.outRefundNo)
              : await this.submit(item.outRefundNo),
          );
        } catch (caught) {
          failed.push({ outRefundNo: item.outRefundNo, error: asPaymentError(caught, item.provider) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
    return { resumed, failed };
  }

  getRefund(outRefundNo: string): Promise<LedgerRefund | undefined> {
    return this.ledger.getRefund(outRefundNo);
  }

  listRefunds(outTradeNo: string): Promise<LedgerRefund[]> {
    return this.ledger.listRefunds(outTradeNo);
  }

  /**
   * The provider's view of a refund that may have arrived: the updated record when the provider
   * has it (3-6), or undefined when it has not (not found, or Alipay's "no refund data", 2).
   */
  private async queryKnown(
    provider: PaymentProvider,
    refund: LedgerRefund,
    limits: RateLimits,
  ): Promise<LedgerRefund | undefined> {
    try {
      const result = await this.call(provider, limits, () =>
        provider.queryRefund({ outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo }),
      );
      if (result.state < RefundState.SUBMITTED) return undefined;
      return await this.applyResult(refund, result);
    } catch (caught) {
      if (caught instanceof NotFoundError && caught.provider !== undefined) return undefined;
      throw caught;
    }
  }

  /** Records a provider's answer, after checking it is about this refund and this amount. */
  private async applyResult(refund: LedgerRefund, result: RefundResult): Promise<LedgerRefund> {
    if (result.outRefundNo !== refund.outRefundNo || result.amount.fen !== refund.amountFen) {
      const message = `${result.provider} reported refund ${result.outRefundNo} of ${result.amount.fen} fen for ${refund.outRefundNo} of ${refund.amountFen} fen`;
      await this.ledger.updateRefund(
        refund.outRefundNo,
        { mode: "merge", state: RefundState.ABNORMAL, rawStatus: result.rawStatus, lastError: message },
        this.clock(),
      );
      throw new AmountMismatchError(message, { provider: result.provider });
    }
    const updated = await this.ledger.updateRefund(
      refund.outRefundNo,
      {
        mode: "merge",
        state: result.state,
        rawStatus: result.rawStatus,
        providerRefundId: result.providerRefundId,
        successAt: result.successAt,
        lastError: null,
      },
      this.clock(),
    );
    this.logger.info(
      { outRefundNo: refund.outRefundNo, state: describeRefundState(updated.state), raw: result.rawStatus },
      "refund answered",
    );
    return updated;
  }

  /**
   * A final refusal from the provider closes the refund (6): the provider said it did not accept
   * this refund number, so its money is released. Anything else leaves it at 2 (not accepted yet).
   */
  private async recordFailure(refund: LedgerRefund, error: PaymentError): Promise<LedgerRefund> {
    const refusedForGood =
      !error.retryable &&
      error.providerCode !== undefined &&
      !(error instanceof UnknownStatusError) &&
      !(error instanceof AmountMismatchError);
    const current = (await this.ledger.getRefund(refund.outRefundNo)) ?? refund;
    if (current.state >= RefundState.SUBMITTED) return current;
    return this.ledger.updateRefund(
      refund.outRefundNo,
      refusedForGood
        ? {
            mode: "merge",
            state: RefundState.CLOSED,
            rawStatus: error.providerCode,
            lastError: error.message,
          }
        : { mode: "merge", state: RefundState.NOT_SUBMITTED, lastError: error.message },
      this.clock(),
    );
  }

  /** One provider call inside the merchant's rate budget. */
  private async call<T>(provider: PaymentProvider, limits: RateLimits, fn: () => Promise<T>): Promise<T> {
    const permit = await this.limiter.acquire(this.limiterKey(provider), limits, this.maxWaitMs);
    let outcome: CallOutcome = "unknown";
    try {
      const value = await fn();
      outcome = "success";
      return value;
    } catch (caught) {
      outcome =
        caught instanceof OutcomeUnknownError || !(caught instanceof PaymentError) ? "unknown" : "failure";
      throw caught;
    } finally {
      await this.limiter.complete(permit, outcome);
    }
  }

  private limitsFor(rules: RefundRules): RateLimits {
    const limits = rules.rateLimit ?? DEFAULT_RATE_LIMITS;
    const keep = 1 - this.headroom;
    return {
      successPerSecond: Math.max(1, Math.floor(limits.successPerSecond * keep)),
      failurePerSecond: Math.max(1, Math.floor(limits.failurePerSecond * keep)),
    };
  }

  private limiterKey(provider: PaymentProvider): string {
    return `${provider.id}:${provider.merchantId}`;
  }

  private async mustGet(outRefundNo: string): Promise<LedgerRefund> {
    const refund = await this.ledger.getRefund(outRefundNo);
    if (!refund) throw new NotFoundError(`refund ${outRefundNo} is not in the refund ledger`);
    return refund;
  }

  private async mustGetOrder(outTradeNo: string): Promise<LedgerOrder> {
    const order = await this.ledger.getOrder(outTradeNo);
    if (!order) throw new NotFoundError(`order ${outTradeNo} is not in the refund ledger`);
    return order;
  }
}

/**
 * Anything a provider throws that is not a PaymentError (a bug, a socket error after the request
 * left) may have happened after the provider acted: treat it as an unknown outcome, which is
 * retried only after a query.
 */
function asPaymentError(caught: unknown, provider: string): PaymentError {
  if (caught instanceof PaymentError) return caught;
  return new OutcomeUnknownError(`refund call failed without a provider answer: ${String(caught)}`, {
    provider,
    cause: caught,
  });
}
