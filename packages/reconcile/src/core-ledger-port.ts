import type { PaymentLedger, RefundLedger } from "@paybridge/core";
import { TradeState } from "@paybridge/core/provider-kit";
import type { LedgerDayQuery, LedgerEntry, ReconcileLedgerPort } from "./ledger-port.js";

export interface CoreLedgerPortOptions {
  readonly payments: PaymentLedger;
  readonly refunds: RefundLedger;
  /**
   * How far back a refunded payment may have been created. Both providers bill refunds on the day
   * they are booked, which can be long after the payment; WeChat serves bills for three months.
   */
  readonly lookbackDays?: number;
  /** Page size for listPayments. */
  readonly pageSize?: number;
}

const DAY = 86_400_000;

/**
 * ReconcileLedgerPort over core's PaymentLedger (listPayments by creation time) and RefundLedger
 * (listRefunds per order). A payment belongs to the day it was paid (paidAt); a refund to the day
 * the provider booked it: successAt, else submittedAt, else createdAt.
 */
export function coreLedgerPort(options: CoreLedgerPortOptions): ReconcileLedgerPort {
  const lookback = (options.lookbackDays ?? 92) * DAY;
  const pageSize = options.pageSize ?? 10_000;
  return {
    async *entries(q: LedgerDayQuery): AsyncIterable<LedgerEntry> {
      const inDay = (d: Date | undefined) => d !== undefined && d >= q.from && d < q.to;
      // listPayments pages by createdAt: walk the window in slices small enough for one page.
      let from = new Date(q.from.getTime() - lookback);
      let step = DAY;
      while (from < q.to) {
        const to = new Date(Math.min(from.getTime() + step, q.to.getTime()));
        const page = await options.payments.listPayments({
          merchantId: q.merchantId,
          from,
          to,
          limit: pageSize + 1,
        });
        if (page.length > pageSize && step > 1000) {
          step = Math.max(1000, Math.floor(step / 4));
          continue;
        }
        for (const p of page) {
          if (p.provider !== q.provider) continue;
          if (inDay(p.paidAt) && (p.state === TradeState.PAID || p.state === TradeState.REFUND)) {
            yield { kind: "payment", outTradeNo: p.outTradeNo, amountFen: p.amountFen, state: p.state };
          }
          if (p.state !== TradeState.REFUND && p.state !== TradeState.PAID) continue;
          for (const r of await options.refunds.listRefunds(p.outTradeNo)) {
            if (!inDay(r.successAt ?? r.submittedAt ?? r.createdAt)) continue;
            yield {
              kind: "refund",
              outTradeNo: r.outTradeNo,
              outRefundNo: r.outRefundNo,
              amountFen: r.amountFen,
              state: r.state,
            };
          }
        }
        from = to;
        step = DAY;
      }
    },
  };
}
