import { NotFoundError } from "@paybridge/core";
import { applyTrade, changeKind } from "../apply-trade.js";
import type { JobReport, RecoveryContext } from "../recovery-context.js";
import { eachLimited } from "./each-limited.js";

/**
 * (a) Unpaid payments created between `windowMs` and `notNotifiedAfterMs` ago are queried at
 * their provider and the answer is applied (forward only, with its event): a payment whose paid
 * notification never came (掉单) ends paid this way.
 */
export async function queryUnnotified(ctx: RecoveryContext): Promise<JobReport> {
  const cfg = ctx.config.queryUnnotified;
  const now = ctx.clock().getTime();
  const due = await ctx.payments.listUnpaid({
    createdBefore: new Date(now - cfg.notNotifiedAfterMs),
    createdAfter: new Date(now - cfg.windowMs),
    limit: cfg.batch,
  });
  const { changed, errors } = await eachLimited(
    due,
    4,
    async (payment) => {
      const provider = ctx.gateway.forMerchant(payment.merchantId);
      let trade: Awaited<ReturnType<typeof provider.queryPayment>>;
      try {
        trade = await provider.queryPayment({ outTradeNo: payment.outTradeNo });
      } catch (error) {
        // The provider never took the order (its createPayment answer was lost before it
        // arrived): nothing to learn now; closeExpired settles it at expiry.
        if (error instanceof NotFoundError) return false;
        throw error;
      }
      const change = await applyTrade(ctx, payment, trade, "query");
      if (change.changed) {
        ctx.effect({ job: "queryUnnotified", kind: changeKind(change), outTradeNo: payment.outTradeNo });
      }
      return change.changed;
    },
    (payment, error) =>
      ctx.logger.warn(
        { err: error, outTradeNo: payment.outTradeNo },
        "query of an unnotified payment failed",
      ),
  );
  return { job: "queryUnnotified", examined: due.length, changed, errors };
}
