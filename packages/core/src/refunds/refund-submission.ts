import {
  NotFoundError,
  OutcomeUnknownError,
  type PaymentError,
  RefundOutcomeUnknownError,
  RefundRuleError,
} from "../errors/errors.js";
import { money } from "../money/money.js";
import type { PaymentProvider } from "../provider/contract.js";
import { RefundState } from "../states/refund-state.js";
import type { LedgerOrder, LedgerRefund } from "./ledger.js";
import type { RateLimits } from "./rate-limiter.js";
import { isRefusalOfRefund } from "./refund-invariant.js";
import { mustGetOrder, mustGetRefund } from "./refund-lookup.js";
import { limitsFor, notifyUrlFor, type RefundContext, rulesFor } from "./refund-options.js";
import { asPaymentError, callProvider, limiterKey } from "./refund-provider-call.js";
import { applyResult } from "./refund-result.js";
import { backoffDelayMs } from "./retry.js";

/** Which call an error came from: only the refund call itself can be refused for good. */
type Phase = "query" | "refund";

/**
 * Sends an approved refund (1) or one not accepted yet (2) to its provider, until the provider
 * accepts it (3-6) or an error that retrying now cannot fix. A refund already at 3-6 is returned
 * as is. Throws the last PaymentError. The refund is closed (6) only when the provider refused
 * this refund call on its merits (refund-invariant.ts); any other final error leaves it at 2,
 * marked outcome-unknown when an attempt may have reached the provider, and the error thrown is
 * then a RefundOutcomeUnknownError carrying the cause.
 */
export async function submitRefund(ctx: RefundContext, outRefundNo: string): Promise<LedgerRefund> {
  const refund = await mustGetRefund(ctx.ledger, outRefundNo);
  if (refund.state === RefundState.PENDING_CONFIRM) {
    throw new RefundRuleError("state", `refund ${outRefundNo} awaits approval (0); approve() it first`);
  }
  if (refund.state >= RefundState.SUBMITTED) return refund;
  return submitLoop(ctx, refund, await mustGetOrder(ctx.ledger, refund.outTradeNo), false);
}

/**
 * submitRefund for a refund the reserve just stored with its first attempt counted
 * (`markFirstAttempt`): that attempt is sent at once, with no query and no beginAttempt before it
 * (nothing can have reached the provider yet). Any retry after it goes through the usual loop.
 */
export function submitBegunRefund(
  ctx: RefundContext,
  refund: LedgerRefund,
  order: LedgerOrder,
): Promise<LedgerRefund> {
  return submitLoop(ctx, refund, order, true);
}

async function submitLoop(
  ctx: RefundContext,
  initial: LedgerRefund,
  order: LedgerOrder,
  attemptBegun: boolean,
): Promise<LedgerRefund> {
  const outRefundNo = initial.outRefundNo;
  let refund = initial;
  let begun = attemptBegun;
  const provider = ctx.gateway.forMerchant(refund.merchantId);
  const rules = rulesFor(ctx.overrides, provider);
  const limits = limitsFor(rules, ctx.headroom);
  const notifyUrl = notifyUrlFor(ctx, provider);
  let failures = 0;
  for (;;) {
    let phase: Phase = "query";
    try {
      // A previous attempt may have reached the provider (lost response, crash): ask first, and
      // no sooner than the provider says a query is meaningful (Alipay: 10 s after the request).
      if (begun) {
        // Counted by the reserve a moment ago: this first attempt goes out as it is.
        begun = false;
      } else {
        if (refund.attempts > 0) {
          await waitBeforeQuery(ctx, refund, rules.resubmitAfterMs ?? 0);
          const known = await queryKnown(ctx, provider, refund, limits);
          if (known) return known;
        }
        const attempt = await ctx.ledger.beginAttempt(outRefundNo, rules.minIntervalMs, ctx.clock());
        if (!attempt.ok) {
          if (attempt.waitMs > ctx.maxWaitMs) {
            throw new RefundRuleError(
              "interval",
              `refund ${outRefundNo} must wait ${attempt.waitMs} ms after the order's previous refund (interval ${rules.minIntervalMs} ms)`,
              { retryClass: "retry" },
            );
          }
          await ctx.sleep(attempt.waitMs);
          continue;
        }
        refund = attempt.refund;
      }
      phase = "refund";
      const result = await callProvider(ctx, provider, limits, () =>
        provider.refund({
          outTradeNo: refund.outTradeNo,
          outRefundNo: refund.outRefundNo,
          amount: money(refund.amountFen, refund.currency),
          total: money(order.totalFen, order.currency),
          ...(order.providerTradeNo ? { providerTradeNo: order.providerTradeNo } : {}),
          ...(refund.reason ? { reason: refund.reason } : {}),
          ...(notifyUrl ? { notifyUrl } : {}),
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
      if (isOwnWait(error)) {
        // Our own waits ran out (interval, rate budget) or our own store or limiter is down:
        // nothing was sent by this step, the refund stays where it is for a later submit.
        throw error;
      }
      refund = await recordFailure(ctx, refund, error, phase);
      if (refund.state >= RefundState.SUBMITTED) {
        // Closed on the provider's refusal, or abnormal (5) on a mismatched answer: say why.
        // Otherwise another instance got the provider's acceptance meanwhile.
        if (!error.retryable) throw error;
        return refund;
      }
      if (!error.retryable || failures + 1 >= ctx.retry.maxAttempts) {
        refund = await scheduleRecovery(ctx, refund);
        throw refund.outcomeUnknown && !error.retryable
          ? new RefundOutcomeUnknownError(outRefundNo, error)
          : error;
      }
      if (error.retryClass === "throttle") {
        await ctx.limiter.pause(limiterKey(provider), ctx.throttlePauseMs);
      }
      failures += 1;
      const delay = error.retryClass === "throttle" ? 0 : backoffDelayMs(ctx.retry, failures, ctx.random);
      ctx.logger.warn(
        {
          outRefundNo,
          code: error.providerCode ?? error.code,
          message: error.message,
          failures,
          delay,
          phase,
        },
        "refund retry",
      );
      await ctx.sleep(delay);
    }
  }
}

/** Errors raised on our side before anything was sent; they never touch the refund's record. */
function isOwnWait(error: PaymentError): boolean {
  if (error instanceof RefundRuleError) return true;
  if (error.code === "RATE_LIMITED" && !error.providerCode) return true;
  return error.code === "STORE_UNAVAILABLE" || error.code === "LIMITER_UNAVAILABLE";
}

/** Waits until `afterMs` has passed since the last attempt, within maxWaitMs; else a retryable interval error. */
async function waitBeforeQuery(ctx: RefundContext, refund: LedgerRefund, afterMs: number): Promise<void> {
  if (afterMs <= 0 || !refund.submittedAt) return;
  const waitMs = refund.submittedAt.getTime() + afterMs - ctx.clock().getTime();
  if (waitMs <= 0) return;
  if (waitMs > ctx.maxWaitMs) {
    throw new RefundRuleError(
      "interval",
      `refund ${refund.outRefundNo} may be queried ${afterMs} ms after its last request, in ${waitMs} ms`,
      { retryClass: "retry" },
    );
  }
  await ctx.sleep(waitMs);
}

/**
 * The provider's view of a refund that may have arrived: the updated record when the provider
 * has it (3-6), or undefined when it answered that it does not (not found, or Alipay's refund
 * query without REFUND_SUCCESS, 2). Any error is thrown: it says nothing either way.
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
    // Only the provider's own "no such refund" (a NotFoundError with a provider code) is an answer.
    if (caught instanceof NotFoundError && caught.provider !== undefined && caught.providerCode !== undefined)
      return undefined;
    throw caught;
  }
}

/**
 * Records a failed step. The refund call refused on its merits closes the refund (6) with the
 * evidence the invariant asks for: the query before this attempt ruled the earlier ones out.
 * Anything else leaves it at 2, marked outcome-unknown once an attempt has been counted.
 */
async function recordFailure(
  ctx: RefundContext,
  refund: LedgerRefund,
  error: PaymentError,
  phase: Phase,
): Promise<LedgerRefund> {
  const current = (await ctx.ledger.getRefund(refund.outRefundNo)) ?? refund;
  if (current.state >= RefundState.SUBMITTED) return current;
  if (phase === "refund" && error.providerCode !== undefined && isRefusalOfRefund(error)) {
    return ctx.ledger.updateRefund(
      refund.outRefundNo,
      {
        mode: "transition",
        state: RefundState.CLOSED,
        rawStatus: error.providerCode,
        lastError: error.message,
        close: { kind: "provider_refused", providerCode: error.providerCode, earlierAttemptsRuledOut: true },
        outcomeUnknown: false,
        retryAt: null,
      },
      ctx.clock(),
    );
  }
  return ctx.ledger.updateRefund(
    refund.outRefundNo,
    {
      mode: "merge",
      state: RefundState.NOT_SUBMITTED,
      lastError: `${phase}: ${error.message}`,
      outcomeUnknown: current.attempts > 0,
    },
    ctx.clock(),
  );
}

/** After a submit gave up: resumePending() tries again from retryAt, with growing backoff. */
async function scheduleRecovery(ctx: RefundContext, refund: LedgerRefund): Promise<LedgerRefund> {
  const failures = refund.recoveryFailures + 1;
  const delay = backoffDelayMs(ctx.recovery, failures, ctx.random);
  return ctx.ledger.updateRefund(
    refund.outRefundNo,
    {
      mode: "merge",
      recoveryFailures: failures,
      retryAt: new Date(ctx.clock().getTime() + delay),
    },
    ctx.clock(),
  );
}
