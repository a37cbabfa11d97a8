// The zod half of the ledger-order rules: loaded by the root entry, and by ledger-kit's
// checkLedgerOrder only when an order is first recorded, so a store's cold import stays free of zod.
import { z } from "zod";
import { currencySchema, merchantIdSchema, outTradeNoSchema, providerIdSchema } from "../schemas/common.js";
import { parseInput } from "../schemas/parse.js";
import { isTradeState } from "../states/trade-state.js";
import type { NewLedgerOrder } from "./ledger.js";

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
