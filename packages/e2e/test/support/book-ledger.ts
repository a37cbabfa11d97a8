import { type PaymentLedger, type RefundLedger, RefundState, TradeState } from "@paybridge/core";
import type { LedgerEntry } from "@paybridge/reconcile";

/**
 * Writes what the shop recorded (plantDay's entries) into real ledgers through their ports, as
 * the app's gateway and refund engine would have booked them during `day` (Beijing): each payment
 * created at 08:00 and paid at 09:00; each refund created and settled at 12:00 of that day.
 */
export async function bookRecorded(
  ledgers: { readonly payments: PaymentLedger; readonly refunds: RefundLedger },
  recorded: readonly LedgerEntry[],
  route: { readonly provider: string; readonly merchantId: string },
  day: string,
): Promise<void> {
  const created = new Date(`${day}T08:00:00+08:00`);
  const paidAt = new Date(`${day}T09:00:00+08:00`);
  const refundedAt = new Date(`${day}T12:00:00+08:00`);
  const totals = new Map<string, number>();
  for (const e of recorded) {
    if (e.kind !== "payment") continue;
    totals.set(e.outTradeNo, e.amountFen);
    await ledgers.payments.recordPayment(
      { outTradeNo: e.outTradeNo, ...route, currency: "CNY", amountFen: e.amountFen },
      created,
    );
    const report = { rawStatus: "SUCCESS", source: "query" as const, paidFen: e.amountFen, paidAt };
    await ledgers.payments.applyReport(e.outTradeNo, { ...report, state: TradeState.PAID }, paidAt);
    if (e.state === TradeState.REFUND) {
      await ledgers.payments.applyReport(
        e.outTradeNo,
        { ...report, state: TradeState.REFUND, rawStatus: "REFUND" },
        refundedAt,
      );
    }
    await ledgers.refunds.saveOrder({
      outTradeNo: e.outTradeNo,
      ...route,
      currency: "CNY",
      totalFen: e.amountFen,
      paidFen: e.amountFen,
      paidAt,
      tradeState: TradeState.PAID,
    });
  }
  const policy = { windowDays: 365, maxRefundsPerOrder: undefined, minIntervalMs: 0 };
  for (const e of recorded) {
    if (e.kind !== "refund") continue;
    if (!totals.has(e.outTradeNo)) throw new Error(`refund ${e.outRefundNo} of an unbooked order`);
    await ledgers.refunds.reserveRefund(
      {
        outTradeNo: e.outTradeNo,
        outRefundNo: e.outRefundNo,
        amountFen: e.amountFen,
        currency: "CNY",
        initialState: 1,
        markFirstAttempt: true,
      },
      policy,
      refundedAt,
    );
    await ledgers.refunds.updateRefund(
      e.outRefundNo,
      {
        mode: "merge",
        state: e.state,
        rawStatus: e.state === RefundState.SUCCESS ? "SUCCESS" : "PROCESSING",
        ...(e.state === RefundState.SUCCESS ? { successAt: refundedAt } : {}),
      },
      refundedAt,
    );
  }
}
