import { ConflictError } from "../errors/errors.js";
import { mergeTradeState } from "../states/transitions.js";
import type { LedgerOrder, NewLedgerOrder } from "./ledger.js";

/**
 * The order checked by `ledgerOrderSchema` (ledger-order-schema.ts), or a ValidationError naming
 * the field ("order.totalFen: ..."). The schema (and zod with it) is loaded on the first call, not
 * when a store imports this module: `@paybridge/postgres` then imports in about the time `pg` does.
 */
export async function checkLedgerOrder(order: NewLedgerOrder): Promise<NewLedgerOrder> {
  const { parseLedgerOrder } = await import("./ledger-order-schema.js");
  return parseLedgerOrder(order);
}

/** What identifies an order's money: never changed once recorded, since refunds are checked against it. */
const FIXED_FIELDS = ["totalFen", "currency", "merchantId", "provider"] as const;

/**
 * A known order recorded again (a repeated recordOrder, a notification, an import). The same
 * values again change nothing. The total, currency, merchant and provider are fixed: a different
 * one is a ConflictError naming the field, since refunds already checked against them would
 * otherwise exceed a lowered total, or move to another merchant. The provider's trade number is
 * set once. What may change only moves one way: the paid amount grows (up to the total; a
 * smaller report is stale), the payment date keeps the earliest report (the refund window never
 * grows), and the trade state moves forward (a refunded order stays 4).
 */
export function mergeKnownOrder(existing: LedgerOrder, incoming: NewLedgerOrder): LedgerOrder {
  for (const field of FIXED_FIELDS) {
    if (existing[field] !== incoming[field]) {
      throw new ConflictError(
        field,
        `order ${existing.outTradeNo} is recorded with ${field} ${JSON.stringify(existing[field])}; it cannot become ${JSON.stringify(incoming[field])}`,
      );
    }
  }
  if (
    existing.providerTradeNo !== undefined &&
    incoming.providerTradeNo !== undefined &&
    existing.providerTradeNo !== incoming.providerTradeNo
  ) {
    throw new ConflictError(
      "providerTradeNo",
      `order ${existing.outTradeNo} is recorded with provider trade number ${existing.providerTradeNo}; it cannot become ${incoming.providerTradeNo}`,
    );
  }
  return {
    ...existing,
    paidFen: Math.max(existing.paidFen, incoming.paidFen),
    paidAt: new Date(Math.min(existing.paidAt.getTime(), incoming.paidAt.getTime())),
    tradeState: mergeTradeState(existing.tradeState, incoming.tradeState),
    providerTradeNo: existing.providerTradeNo ?? incoming.providerTradeNo,
  };
}

/** True when `mergeKnownOrder` changed nothing: a ledger then need not write at all. */
export function sameOrder(a: LedgerOrder, b: LedgerOrder): boolean {
  return (
    a.paidFen === b.paidFen &&
    a.paidAt.getTime() === b.paidAt.getTime() &&
    a.tradeState === b.tradeState &&
    a.providerTradeNo === b.providerTradeNo
  );
}

/** The row a ledger stores for a new order: exactly the checked fields. */
export function newOrderRecord(order: NewLedgerOrder): LedgerOrder {
  return {
    outTradeNo: order.outTradeNo,
    provider: order.provider,
    merchantId: order.merchantId,
    currency: order.currency,
    totalFen: order.totalFen,
    paidFen: order.paidFen,
    paidAt: order.paidAt,
    tradeState: order.tradeState,
    providerTradeNo: order.providerTradeNo,
  };
}
