import {
  type LedgerPayment,
  NotFoundError,
  type PaymentProvider,
  type TradeResult,
  TradeState,
  TradeStateError,
} from "@paybridge/core";
import { applyTrade, changeKind } from "../apply-trade.js";
import type { JobReport, RecoveryContext } from "../recovery-context.js";
import { eachLimited } from "./each-limited.js";

/**
 * (b) Unpaid payments past their expiry are closed at the provider (WeChat close,
 * https://pay.weixin.qq.com/doc/v3/merchant/4013070360; Alipay alipay.trade.close,
 * https://opendocs.alipay.com/open/02o6e7). The order is queried first, and a close refused
 * because the buyer paid in the meantime (WeChat: the provider's TradeStateError after its own
 * query; Alipay ACQ.TRADE_STATUS_ERROR) is queried again and recorded paid. A provider that holds
 * no trade at all (ACQ.TRADE_NOT_EXIST: an Alipay precreate QR code nobody scanned; WeChat
 * ORDER_NOT_EXIST: the create never arrived) is closed locally; should the buyer still pay, the
 * ledger records a late payment (trade.paid_after_close) and latePayments refunds it.
 */
export async function closeExpired(ctx: RecoveryContext): Promise<JobReport> {
  const cfg = ctx.config.closeExpired;
  const now = ctx.clock().getTime();
  const due = await ctx.payments.listUnpaid({
    expiresBefore: new Date(now - cfg.graceMs),
    createdBefore: new Date(now - cfg.minAgeMs),
    limit: cfg.batch,
  });
  const { changed, errors } = await eachLimited(
    due,
    4,
    (payment) => closeOne(ctx, payment),
    (payment, error) =>
      ctx.logger.warn({ err: error, outTradeNo: payment.outTradeNo }, "closing an expired payment failed"),
  );
  return { job: "closeExpired", examined: due.length, changed, errors };
}

async function closeOne(ctx: RecoveryContext, payment: LedgerPayment): Promise<boolean> {
  const provider = ctx.gateway.forMerchant(payment.merchantId);
  const before = await query(provider, payment.outTradeNo);
  if (before && before.state !== TradeState.UNPAID) return record(ctx, payment, before, "query");
  if (payment.method === "barcode" && provider.reversePayment) return reverseOne(ctx, provider, payment);
  try {
    await provider.closePayment({ outTradeNo: payment.outTradeNo });
  } catch (error) {
    if (error instanceof TradeStateError) {
      // Paid (or closed) between the query and the close: the provider's word decides.
      const after = await query(provider, payment.outTradeNo);
      if (after && after.state !== TradeState.UNPAID) return record(ctx, payment, after, "query");
      throw error;
    }
    if (!(error instanceof NotFoundError)) throw error;
    return closeLocally(ctx, payment, error.providerCode ?? "NOT_EXIST");
  }
  return closeLocally(ctx, payment, provider.id === "alipay" ? "TRADE_CLOSED" : "CLOSED");
}

/**
 * An in-person payment still unpaid past its expiry: its query-and-reverse loop was cut short (a
 * crash, or a reversal whose outcome stayed unknown). It is reversed (WeChat 撤销,
 * https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/reverse.html; Alipay
 * alipay.trade.cancel, https://opendocs.alipay.com/open/02ekfi), never merely closed: a reversal
 * also refunds a payment the buyer completed in the meantime, so the provider holds nothing.
 */
async function reverseOne(ctx: RecoveryContext, provider: PaymentProvider, payment: LedgerPayment) {
  const reverse = provider.reversePayment?.bind(provider);
  if (!reverse) return false;
  try {
    return record(ctx, payment, await reverse({ outTradeNo: payment.outTradeNo }), "close");
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return closeLocally(ctx, payment, error.providerCode ?? "NOT_EXIST");
  }
}

async function query(provider: PaymentProvider, outTradeNo: string): Promise<TradeResult | undefined> {
  try {
    return await provider.queryPayment({ outTradeNo });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

async function record(
  ctx: RecoveryContext,
  payment: LedgerPayment,
  trade: TradeResult,
  source: "query" | "close",
): Promise<boolean> {
  const change = await applyTrade(ctx, payment, trade, source);
  if (change.changed) {
    ctx.effect({ job: "closeExpired", kind: changeKind(change), outTradeNo: payment.outTradeNo });
  }
  return change.changed;
}

async function closeLocally(
  ctx: RecoveryContext,
  payment: LedgerPayment,
  rawStatus: string,
): Promise<boolean> {
  const change = await ctx.payments.applyReport(
    payment.outTradeNo,
    { state: TradeState.CLOSED, rawStatus, source: "close" },
    ctx.clock(),
  );
  if (change.changed) ctx.effect({ job: "closeExpired", kind: "closed", outTradeNo: payment.outTradeNo });
  return change.changed;
}
