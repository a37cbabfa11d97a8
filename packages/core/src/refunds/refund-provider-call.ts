import { OutcomeUnknownError, PaymentError } from "../errors/errors.js";
import type { PaymentProvider } from "../provider/contract.js";
import type { CallOutcome, RateLimits } from "./rate-limiter.js";
import type { RefundContext } from "./refund-options.js";

/**
 * The rate budget is per merchant account at a provider, or per the account the provider names
 * (a service provider whose sub-merchants share one budget).
 */
export function limiterKey(provider: PaymentProvider): string {
  return `${provider.id}:${provider.rateLimitAccount ?? provider.merchantId}`;
}

/** One provider call inside the merchant's rate budget. */
export async function callProvider<T>(
  ctx: RefundContext,
  provider: PaymentProvider,
  limits: RateLimits,
  fn: () => Promise<T>,
): Promise<T> {
  const permit = await ctx.limiter.acquire(limiterKey(provider), limits, ctx.maxWaitMs);
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
    // The call is over and its answer is what matters: a limiter that cannot book the outcome
    // (Redis down) must not turn a provider's acceptance into an error.
    await ctx.limiter.complete(permit, outcome).catch((error: unknown) => {
      ctx.logger.warn(
        { key: permit.key, outcome, error: String(error) },
        "rate limiter could not record a call",
      );
    });
  }
}

/**
 * Anything a provider throws that is not a PaymentError (a bug, a socket error after the request
 * left) may have happened after the provider acted: treat it as an unknown outcome, which is
 * retried only after a query.
 */
export function asPaymentError(caught: unknown, provider: string): PaymentError {
  if (caught instanceof PaymentError) return caught;
  return new OutcomeUnknownError(`refund call failed without a provider answer: ${String(caught)}`, {
    provider,
    cause: caught,
  });
}
