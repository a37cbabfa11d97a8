import { z } from "zod";
import { ConflictError } from "../errors/errors.js";
import { currencySchema, merchantIdSchema, outTradeNoSchema, providerIdSchema } from "../schemas/common.js";
import { parseInput } from "../schemas/parse.js";
import { isTradeState } from "../states/trade-state.js";
import { mergeTradeState } from "../states/transitions.js";
import type { LedgerOrder, NewLedgerOrder } from "./ledger.js";

const fen = z
  .number({ error: "must be an integer number of fen" })
  .int({ error: "must be an integer number of fen, not a fraction" })
  .max(Number.MAX_SAFE_INTEGER, { error: "must be at most Number.MAX_SAFE_INTEGER" });

// A payment date outside these years is a unit mistake (seconds read as milliseconds), not a payment.
const EARLIEST_PAID_AT = new Date("2000-01-01T00:00:00.000Z");
const LATEST_PAID_AT = new Date("2100-01-01T00:00:00.000Z");

/**
 * A paid order as a ledger stores it; every ledger (memory, PostgreSQL, PGlite) checks it with
 * this before it writes. The order number follows core's shared rule (1-64 characters of digits,
 * letters and _-|*); each provider's own, narrower rule is checked before its calls.
 */
export const ledgerOrderSchema = z
  .object({
    outTradeNo: outTradeNoSchema,
    provider: providerIdSchema,
    merchantId: merchantIdSchema,
    currency: currencySchema,
    totalFen: fen.min(1, { error: "must be at least 1 fen" }),
    paidFen: fen.nonnegative({ error: "must not be negative" }),
    paidAt: z
      .date({ error: "must be a valid Date" })
      .min(EARLIEST_PAID_AT, {
        error: "must be on or after 2000-01-01 (a date in seconds read as milliseconds?)",
      })
      .max(LATEST_PAID_AT, { error: "must be before 2100-01-01" }),
    tradeState: z.number({ error: "must be a trade state 0-4" }).refine(isTradeState, {
      error: "must be a trade state 0-4",
    }),
    providerTradeNo: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(64, { error: "must be at most 64 characters" })
      .optional(),
  })
  .refine((o) => o.paidFen <= o.totalFen, { path: ["paidFen"], error: "must be at most totalFen" });

/** The order checked by `ledgerOrderSchema`, or a ValidationError naming the field ("order.totalFen: ..."). */
export function parseLedgerOrder(order: NewLedgerOrder): NewLedgerOrder {
  const parsed = parseInput(ledgerOrderSchema, order, "order");
  return { ...parsed, tradeState: parsed.tradeState as NewLedgerOrder["tradeState"] };
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
