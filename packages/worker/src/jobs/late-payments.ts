import { type LedgerPayment, type LedgerRefund, RefundState, TradeState } from "@paybridge/core";
import type { JobReport, RecoveryContext } from "../recovery-context.js";
import { eachLimited } from "./each-limited.js";
import { lateRefundNo } from "./late-refund-number.js";

/**
 * (c) The late-payment policy. The ledger already wrote trade.paid_after_close when the provider
 * reported the payment (the app may handle it by hand); with `autoRefund` every such payment
 * still at 3 is refunded in full through the refund engine, with the refund number from
 * lateRefundNo. The engine stores the refund before calling the provider, so a worker killed at
 * any point leaves a refund that this job (or pollRefunds) finishes with the same number, and
 * the money is returned exactly once. When the refund succeeds the payment moves to 4.
 */
export async function latePayments(ctx: RecoveryContext): Promise<JobReport> {
  const cfg = ctx.config.latePayments;
  if (!cfg.autoRefund) return { job: "latePayments", examined: 0, changed: 0, errors: 0 };
  const due = await ctx.payments.listPaidAfterClose(cfg.batch);
  const { changed, errors } = await eachLimited(
    due,
    2,
    (payment) => refundLate(ctx, payment),
    (payment, error) =>
      ctx.logger.warn({ err: error, outTradeNo: payment.outTradeNo }, "refunding a late payment failed"),
  );
  return { job: "latePayments", examined: due.length, changed, errors };
}

async function refundLate(ctx: RecoveryContext, payment: LedgerPayment): Promise<boolean> {
  const outRefundNo = lateRefundNo(payment.outTradeNo);
  let refund = await ctx.refunds.getRefund(outRefundNo);
  if (!refund) {
    await ensureRefundable(ctx, payment);
    refund = await ctx.refunds.refund({
      outTradeNo: payment.outTradeNo,
      outRefundNo,
      amount: { fen: payment.paidFen ?? payment.amountFen, currency: payment.currency },
      reason: ctx.config.latePayments.reason,
    });
    ctx.effect({ job: "latePayments", kind: "late_refund", outTradeNo: payment.outTradeNo, outRefundNo });
  } else {
    refund = await advance(ctx, refund);
  }
  if (refund.state === RefundState.CLOSED || refund.state === RefundState.ABNORMAL) {
    ctx.logger.error(
      { outTradeNo: payment.outTradeNo, outRefundNo, state: refund.state, rawStatus: refund.rawStatus },
      "the automatic refund of a late payment needs a person",
    );
    return false;
  }
  if (refund.state !== RefundState.SUCCESS) return false;
  const change = await ctx.payments.applyReport(
    payment.outTradeNo,
    { state: TradeState.REFUND, rawStatus: refund.rawStatus ?? "REFUND", source: "refund" },
    ctx.clock(),
  );
  if (change.changed) ctx.effect({ job: "latePayments", kind: "refunded", outTradeNo: payment.outTradeNo });
  return change.changed;
}

/** A refund left half way by an earlier run: submitted again (same number) or asked about. */
async function advance(ctx: RecoveryContext, refund: LedgerRefund): Promise<LedgerRefund> {
  if (refund.state === RefundState.CONFIRMED || refund.state === RefundState.NOT_SUBMITTED) {
    return ctx.refunds.submit(refund.outRefundNo);
  }
  if (refund.state === RefundState.SUBMITTED) return ctx.refunds.sync(refund.outRefundNo);
  return refund;
}

/** The refund ledger knows the order once a paid notification or query recorded it; else from the payment. */
async function ensureRefundable(ctx: RecoveryContext, payment: LedgerPayment): Promise<void> {
  if (await ctx.refunds.ledger.getOrder(payment.outTradeNo)) return;
  await ctx.refunds.ledger.saveOrder({
    outTradeNo: payment.outTradeNo,
    provider: payment.provider,
    merchantId: payment.merchantId,
    currency: payment.currency,
    totalFen: payment.amountFen,
    paidFen: payment.paidFen ?? payment.amountFen,
    paidAt: payment.paidAt ?? ctx.clock(),
    tradeState: payment.state,
    providerTradeNo: payment.providerTradeNo,
  });
}
