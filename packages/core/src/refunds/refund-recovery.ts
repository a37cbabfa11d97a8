import type { PaymentError } from "../errors/errors.js";
import { RefundState } from "../states/refund-state.js";
import type { LedgerRefund } from "./ledger.js";
import { mustGetRefund } from "./refund-lookup.js";
import { limitsFor, type RefundContext, rulesFor } from "./refund-options.js";
import { asPaymentError, callProvider } from "./refund-provider-call.js";
import { applyResult } from "./refund-result.js";
import { submitRefund } from "./refund-submission.js";

export interface ResumeReport {
  /** Refunds looked at, with the state each ended in. */
  readonly resumed: readonly LedgerRefund[];
  readonly failed: readonly { readonly outRefundNo: string; readonly error: PaymentError }[];
  /** Open refunds left for later because their backoff (retryAt) has not passed. */
  readonly deferred: number;
}

export interface ResumeOptions {
  readonly limit?: number;
  readonly concurrency?: number;
  /** Also retry refunds whose backoff has not passed (an operator after fixing a configuration). */
  readonly force?: boolean;
}

const IN_FLIGHT: readonly RefundState[] = [
  RefundState.CONFIRMED,
  RefundState.NOT_SUBMITTED,
  RefundState.SUBMITTED,
];

/** Asks the provider for a submitted (3) or abnormal (5) refund and records what it says. */
export async function syncRefund(ctx: RefundContext, outRefundNo: string): Promise<LedgerRefund> {
  const refund = await mustGetRefund(ctx.ledger, outRefundNo);
  if (refund.state < RefundState.SUBMITTED) return refund;
  if (refund.state === RefundState.SUCCESS || refund.state === RefundState.CLOSED) return refund;
  const provider = ctx.gateway.forMerchant(refund.merchantId);
  const limits = limitsFor(rulesFor(ctx.overrides, provider), ctx.headroom);
  const result = await callProvider(ctx, provider, limits, () =>
    provider.queryRefund({ outTradeNo: refund.outTradeNo, outRefundNo }),
  );
  return applyResult(ctx, refund, result);
}

/**
 * After a crash or restart, and on a timer: every refund left at 1 or 2 is submitted (after a query when an
 * attempt may have reached the provider) and every refund at 3 is queried. Refund numbers and
 * amounts are the stored ones, so nothing is refunded twice. Failures are reported, not thrown.
 */
export async function resumePending(ctx: RefundContext, options: ResumeOptions = {}): Promise<ResumeReport> {
  const now = ctx.clock().getTime();
  const listed = await ctx.ledger.listByState(IN_FLIGHT, options.limit ?? 10_000);
  // A refund left open after a failed recovery waits for its backoff (retryAt), unless forced.
  const pending = options.force ? listed : listed.filter((r) => !r.retryAt || r.retryAt.getTime() <= now);
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
            ? await syncRefund(ctx, item.outRefundNo)
            : await submitRefund(ctx, item.outRefundNo),
        );
      } catch (caught) {
        failed.push({ outRefundNo: item.outRefundNo, error: asPaymentError(caught, item.provider) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return { resumed, failed, deferred: listed.length - pending.length };
}
