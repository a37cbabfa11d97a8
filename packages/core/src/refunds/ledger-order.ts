import { ProviderError } from "../errors/errors.js";
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
  const amount = trade.amount;
  if (!amount) {
    // WeChat's order query may leave amount out; the ledger cannot cap refunds without it.
    throw new ProviderError(
      `${trade.provider} answered for order ${trade.outTradeNo} without its amount; record it with recordOrder() and the amount it was paid`,
      { provider: trade.provider },
    );
  }
  return {
    outTradeNo: trade.outTradeNo,
    provider: owner.provider,
    merchantId: owner.merchantId,
    currency: amount.currency,
    totalFen: amount.fen,
    paidFen: (trade.paidAmount ?? amount).fen,
    paidAt: trade.paidAt ?? now,
    tradeState: trade.state,
    providerTradeNo: trade.providerTradeNo,
  };
}
