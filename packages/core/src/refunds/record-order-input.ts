import { z } from "zod";
import {
  merchantIdSchema,
  outTradeNoSchema,
  positiveMoneySchema,
  providerIdSchema,
} from "../schemas/common.js";

/**
 * What `RefundService.recordOrder` takes, validated before the gateway or the ledger is touched
 * (a bad field is a ValidationError naming it: "order.total.fen: must be at least 1 fen"). The
 * ledger checks the stored row again with `ledgerOrderSchema` (ledger-order-rules.ts).
 */
export const recordOrderInputSchema = z
  .strictObject({
    outTradeNo: outTradeNoSchema,
    merchantId: merchantIdSchema.optional(),
    provider: providerIdSchema.optional(),
    total: positiveMoneySchema,
    /** What the buyer paid, when less than the total (coupons); defaults to the total. */
    paid: z
      .strictObject({
        fen: z
          .number({ error: "must be an integer number of fen" })
          .int({ error: "must be an integer number of fen, not a fraction" })
          .nonnegative({ error: "must not be negative" })
          .max(Number.MAX_SAFE_INTEGER, { error: "must be at most Number.MAX_SAFE_INTEGER" }),
        currency: positiveMoneySchema.shape.currency,
      })
      .optional(),
    paidAt: z.date({ error: "must be a valid Date" }),
    providerTradeNo: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(64, { error: "must be at most 64 characters" })
      .optional(),
  })
  .refine((o) => !o.paid || o.paid.currency === o.total.currency, {
    path: ["paid", "currency"],
    error: "must be the total's currency",
  })
  .refine((o) => !o.paid || o.paid.fen <= o.total.fen, {
    path: ["paid", "fen"],
    error: "must be at most total.fen",
  });

export type RecordOrderInput = z.input<typeof recordOrderInputSchema>;
