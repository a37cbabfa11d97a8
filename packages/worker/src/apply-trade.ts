import {
  AmountMismatchError,
  type LedgerPayment,
  type TradeReportSource,
  type TradeResult,
  TradeState,
} from "@paybridge/core";
import { ledgerOrderFromTrade, type PaymentChange } from "@paybridge/core/ledger-kit";
import { assertEcho } from "@paybridge/core/provider-kit";
import type { RecoveryContext } from "./recovery-context.js";

/**
 * Applies what the provider said about a recorded payment: checked to be about this order and
 * amount (a query answer is checked like a notification), then the refund ledger learns a paid
 * order (so it can be refunded at once) and the payment ledger merges the report forward only,
 * writing its events in the same transaction. Each step is one transaction and idempotent, so a
 * worker killed between them leaves a state the next run completes.
 */
export async function applyTrade(
  ctx: RecoveryContext,
  payment: LedgerPayment,
  trade: TradeResult,
  source: TradeReportSource,
): Promise<PaymentChange> {
  // An answer about another order is not this order's: never applied to it.
  assertEcho("outTradeNo", payment.outTradeNo, trade.outTradeNo, {
    provider: trade.provider,
    operation: `the ${source} of order ${payment.outTradeNo}`,
  });
  const answered = trade.amount;
  if (answered && (answered.fen !== payment.amountFen || answered.currency !== payment.currency)) {
    throw new AmountMismatchError(
      `order ${payment.outTradeNo} is ${payment.amountFen} ${payment.currency} but the provider says ${answered.fen} ${answered.currency}`,
      { provider: trade.provider },
    );
  }
  // WeChat's order query may leave the optional amount out: the recorded amount stands then.
  const known: TradeResult = answered
    ? trade
    : { ...trade, amount: { fen: payment.amountFen, currency: payment.currency } };
  const now = ctx.clock();
  if (trade.state === TradeState.PAID || trade.state === TradeState.REFUND) {
    await ctx.refunds.ledger.saveOrder(
      ledgerOrderFromTrade(known, { provider: payment.provider, merchantId: payment.merchantId }, now),
    );
  }
  return ctx.payments.applyReport(
    payment.outTradeNo,
    {
      state: trade.state,
      rawStatus: trade.rawStatus,
      source,
      providerTradeNo: trade.providerTradeNo,
      paidFen: trade.paidAmount?.fen,
      paidAt: trade.paidAt,
    },
    now,
  );
}

/** The effect name of a change, for onEffect. */
export function changeKind(change: PaymentChange): string {
  if (change.paidAfterClose) return "paid_after_close";
  return (["unpaid", "closed", "failed", "paid", "refunded"] as const)[change.payment.state];
}
