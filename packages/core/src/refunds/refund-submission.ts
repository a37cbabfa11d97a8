import {
  AmountMismatchError,
  NotFoundError,
  OutcomeUnknownError,
  type PaymentError,
  RefundRuleError,
  UnknownStatusError,
} from "../errors/errors.js";
import { money } from "../money/money.js";
import type { PaymentProvider } from "../provider/contract.js";
import { RefundState } from "../states/refund-state.js";
import type { LedgerRefund } from "./ledger.js";
import type { RateLimits } from "./rate-limiter.js";
import { mustGetOrder, mustGetRefund } from "./refund-lookup.js";
import { limitsFor, type RefundContext, rulesFor } from "./refund-options.js";
import { asPaymentError, callProvider, limiterKey } from "./refund-provider-call.js";
import { applyResult } from "./refund-result.js";
import { backoffDelayMs } from "./retry.js";

/**
 * Sends an approved refund (1) or one not accepted yet (2) to its provider, until the provider
 * accepts it (3-6) or an error that retrying cannot fix. A refund already at 3-6 is returned
 * as is. Throws the last PaymentError; the refund then stays at 2 unless the provider refused it
 * for good (final error: closed, 6).
 */
export async function submitRefund(ctx: RefundContext, outRefundNo: string): Promise<LedgerRefund> {
  let refund = await mustGetRefund(ctx.ledger, outRefundNo);
  if (refund.state === RefundState.PENDING_CONFIRM) {
    throw new RefundRuleError("state", `refund ${outRefundNo} awaits approval (0); approve() it first`);
  }
  if (refund.state >= RefundState.SUBMITTED) return refund;
  const order = await mustGetOrder(ctx.ledger, refund.outTradeNo);
  const provider = ctx.gateway.forMerchant(refund.merchantId);
  const rules = rulesFor(ctx.overrides, provider);
  const limits = limitsFor(rules, ctx.headroom);
  let failures = 0;
  for (;;) {
    try {
      // A previous attempt may have reached the provider (lost response, crash): ask first.
      if (refund.attempts > 0) {
        const known = await queryKnown(ctx, provider, refund, limits);
        if (known) return known;
      }
      const begun = await ctx.ledger.beginAttempt(outRefundNo, rules.minIntervalMs, ctx.clock());
      if (!begun.ok) {
        if (begun.waitMs > ctx.maxWaitMs) {
          throw new RefundRuleError(
            "interval",
            `refund ${outRefundNo} must wait ${begun.waitMs} ms after the order's previous refund (interval ${rules.minIntervalMs} ms)`,
            { retryClass: "retry" },
          );
        }
        await ctx.sleep(begun.waitMs);
        continue;
      }
      refund = begun.refund;
      const result = await callProvider(ctx, provider, limits, () =>
        provider.refund({
          outTradeNo: refund.outTradeNo,
          outRefundNo: refund.outRefundNo,
          amount: money(refund.amountFen, refund.currency),
          total: money(order.totalFen, order.currency),
          ...(order.providerTradeNo ? { providerTradeNo: order.providerTradeNo } : {}),
          ...(refund.reason ? { reason: refund.reason } : {}),
          ...(ctx.notifyUrl ? { notifyUrl: ctx.notifyUrl } : {}),
        }),
      );
      if (result.state >= RefundState.SUBMITTED) return await applyResult(ctx, refund, result);
      throw new OutcomeUnknownError(
        `${provider.id} answered refund ${outRefundNo} with ${result.rawStatus} (state ${result.state}), not an acceptance`,
        { provider: provider.id },
      );
    } catch (caught) {
      const error = asPaymentError(caught, provider.id);
      if (error instanceof RefundRuleError && error.rule === "state") {
        // Another instance moved the refund on (submitted it) while this one was deciding.
        const current = await mustGetRefund(ctx.ledger, outRefundNo);
        if (current.state >= RefundState.SUBMITTED) return current;
        throw error;
      }
      if (error instanceof RefundRuleError || (error.code === "RATE_LIMITED" && !error.providerCode)) {
        // Our own waits ran out (interval, rate budget): the refund stays where it is for a later submit.
        throw error;
      }
      refund = await recordFailure(ctx, refund, error);
      if (!error.retryable) throw error;
      if (error.retryClass === "throttle") {
        await ctx.limiter.pause(limiterKey(provider), ctx.throttlePauseMs);
      }
      failures += 1;
      if (failures >= ctx.retry.maxAttempts) throw error;
      const delay = error.retryClass === "throttle" ? 0 : backoffDelayMs(ctx.retry, failures, ctx.random);
      ctx.logger.warn(
        { outRefundNo, code: error.providerCode ?? error.code, message: error.message, failures, delay },
        "refund retry",
      );
      await ctx.sleep(delay);
    }
  }
}

/**
 * The provider's view of a refund that may have arrived: the updated record when the provider
 * has it (3-6), or undefined when it has not (not found, or Alipay's "no refund data", 2).
 */
async function queryKnown(
  ctx: RefundContext,
  provider: PaymentProvider,
  refund: LedgerRefund,
  limits: RateLimits,
): Promise<LedgerRefund | undefined> {
  try {
    const result = await callProvider(ctx, provider, limits, () =>
      provider.queryRefund({ outTradeNo: refund.outTradeNo, outRefundNo: refund.outRefundNo }),
    );
    if (result.state < RefundState.SUBMITTED) return undefined;
    return await applyResult(ctx, refund, result);
  } catch (caught) {
    if (caught instanceof NotFoundError && caught.provider !== undefined) return undefined;
    throw caught;
  }
}

/**
 * A final refusal from the provider closes the refund (6): the provider said it did not accept
 * this refund number, so its money is released. Anything else leaves it at 2 (not accepted yet).
 */
async function recordFailure(
  ctx: RefundContext,
  refund: LedgerRefund,
  error: PaymentError,
): Promise<LedgerRefund> {
  const refusedForGood =
    !error.retryable &&
    error.providerCode !== undefined &&
    !(error instanceof UnknownStatusError) &&
    !(error instanceof AmountMismatchError);
  const current = (await ctx.ledger.getRefund(refund.outRefundNo)) ?? refund;
  if (current.state >= RefundState.SUBMITTED) return current;
  return ctx.ledger.updateRefund(
    refund.outRefundNo,
    refusedForGood
      ? {
          mode: "merge",
          state: RefundState.CLOSED,
          rawStatus: error.providerCode,
          lastError: error.message,
        }
      : { mode: "merge", state: RefundState.NOT_SUBMITTED, lastError: error.message },
    ctx.clock(),
  );
}
