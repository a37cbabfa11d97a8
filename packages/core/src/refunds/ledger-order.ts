import type { TradeResult } from "../schemas/payment.js";
import type { NewLedgerOrder } from "./ledger.js";

/**
 * The ledger row for a trade the provider reported (query or notification). The paid amount is
 * what the buyer actually paid when the provider says (coupons), else the total: refunds are
 * capped by it.
 */
export function ledgerOrderFromTrade(
  trade: TradeResult,
  owner: { readonly provider: string; readonly merchantId: string },
  now: Date,
): NewLedgerOrder {
  return {
    outTradeNo: trade.outTradeNo,
    provider: owner.provider,
    merchantId: owner.merchantId,
    currency: trade.amount.currency,
    totalFen: trade.amount.fen,
    paidFen: (trade.paidAmount ?? trade.amount).fen,
    paidAt: trade.paidAt ?? now,
    tradeState: trade.state,
    providerTradeNo: trade.providerTradeNo,
  };
}
