import { z } from "zod";
import { outRefundNoSchema, outTradeNoSchema, positiveMoneySchema } from "../schemas/common.js";

/** What a caller gives the refund service for one refund; validated before the ledger or provider is touched. */
export const refundInputSchema = z.strictObject({
  outTradeNo: outTradeNoSchema,
  /** The merchant's refund number: generate it once per refund and reuse it on every retry. */
  outRefundNo: outRefundNoSchema,
  amount: positiveMoneySchema,
  // Each provider narrows it (WeChat 80 bytes, Alipay 256 characters) in its fieldRules.
  reason: z.string().max(256, { error: "must be at most 256 characters" }).optional(),
});
export type RefundInput = z.input<typeof refundInputSchema>;
