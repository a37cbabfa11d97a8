import type { JobReport, RecoveryContext } from "../recovery-context.js";

/**
 * (d) Refunds left at 1, 2 or 3 (a crash, a lost answer, or a provider that sends no refund
 * notification for most products: Alipay answers alipay.trade.refund, https://opendocs.alipay.com/open/02ekfk, and is asked with https://opendocs.alipay.com/open/02ekfl) are resubmitted with their
 * stored numbers or queried, by the refund engine's resumePending().
 */
export async function pollRefunds(ctx: RecoveryContext): Promise<JobReport> {
  const report = await ctx.refunds.resumePending({ limit: ctx.config.pollRefunds.batch });
  let changed = 0;
  for (const refund of report.resumed) {
    changed += 1;
    ctx.effect({
      job: "pollRefunds",
      kind: "refund_resumed",
      outTradeNo: refund.outTradeNo,
      outRefundNo: refund.outRefundNo,
    });
  }
  for (const failure of report.failed) {
    ctx.logger.warn({ err: failure.error, outRefundNo: failure.outRefundNo }, "resuming a refund failed");
  }
  return {
    job: "pollRefunds",
    examined: report.resumed.length + report.failed.length + report.deferred,
    changed,
    errors: report.failed.length,
  };
}
