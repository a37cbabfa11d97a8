import { z } from "zod";
import {
  fastPositiveMoney,
  moneySchema,
  notifyUrlSchema,
  OUT_REFUND_NO,
  OUT_TRADE_NO,
  outRefundNoSchema,
  outTradeNoSchema,
  positiveMoneySchema,
} from "./common.js";
import { isPlainRecord, onlyKeys, withFastPath } from "./fast-path.js";

/** Goods lines of a refund; WeChat v3 refund goods_detail (https://pay.weixin.qq.com/doc/v3/merchant/4012556457). */
export const refundGoodsSchema = z.strictObject({
  merchantGoodsId: z.string().min(1).max(32),
  wechatpayGoodsId: z.string().min(1).max(32).optional(),
  goodsName: z.string().min(1).max(256).optional(),
  unitPriceFen: z.number().int().nonnegative(),
  refundFen: z.number().int().nonnegative(),
  refundQuantity: z.number().int().positive(),
});

const refundRequestShape = z
  .strictObject({
    outTradeNo: outTradeNoSchema,
    /** The provider's trade number (WeChat transaction_id, Alipay trade_no); preferred when known. */
    providerTradeNo: z.string().min(1).max(64).optional(),
    outRefundNo: outRefundNoSchema,
    amount: positiveMoneySchema,
    /** The order total; WeChat requires it and checks it against the order. */
    total: positiveMoneySchema,
    // WeChat allows 80 bytes, Alipay refund_reason 256 characters: each provider narrows it.
    reason: z.string().max(256, { error: "must be at most 256 characters" }).optional(),
    notifyUrl: notifyUrlSchema.optional(),
    /** WeChat v3 funds_account: refund from the available balance or the unsettled funds. */
    fundsAccount: z.enum(["AVAILABLE", "UNSETTLED"]).optional(),
    /** WeChat v3 amount.from: which accounts the refund is drawn from. */
    from: z
      .array(
        z.strictObject({ account: z.enum(["AVAILABLE", "UNAVAILABLE"]), fen: z.number().int().positive() }),
      )
      .max(2)
      .optional(),
    goodsDetail: z.array(refundGoodsSchema).max(6000).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.amount.currency !== r.total.currency) {
      ctx.addIssue({ code: "custom", path: ["amount", "currency"], message: "must equal total.currency" });
    }
    if (r.amount.fen > r.total.fen) {
      ctx.addIssue({
        code: "custom",
        path: ["amount", "fen"],
        message: `must not exceed the order total of ${r.total.fen} fen`,
      });
    }
    if (r.from && r.from.reduce((s, f) => s + f.fen, 0) !== r.amount.fen) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "amounts must add up to amount.fen" });
    }
  });

const REFUND_REQUEST_FAST_KEYS: ReadonlySet<string> = new Set([
  "outTradeNo",
  "providerTradeNo",
  "outRefundNo",
  "amount",
  "total",
  "reason",
  "notifyUrl",
  "fundsAccount",
]);

/**
 * A refund request without `from` or `goodsDetail` (the common one), checked by hand against the
 * same rules as refundRequestShape; anything else goes to the schema (see fast-path.ts).
 */
function fastRefundRequest(value: unknown): z.output<typeof refundRequestShape> | undefined {
  if (!isPlainRecord(value) || !onlyKeys(value, REFUND_REQUEST_FAST_KEYS)) return undefined;
  const { outTradeNo, providerTradeNo, outRefundNo, reason, notifyUrl, fundsAccount } = value;
  if (typeof outTradeNo !== "string" || !OUT_TRADE_NO.test(outTradeNo)) return undefined;
  if (typeof outRefundNo !== "string" || !OUT_REFUND_NO.test(outRefundNo)) return undefined;
  const amount = fastPositiveMoney(value.amount);
  const total = fastPositiveMoney(value.total);
  if (!amount || !total || amount.currency !== total.currency || amount.fen > total.fen) return undefined;
  const out: z.output<typeof refundRequestShape> = { outTradeNo, outRefundNo, amount, total };
  if (providerTradeNo !== undefined) {
    if (typeof providerTradeNo !== "string" || providerTradeNo.length < 1 || providerTradeNo.length > 64)
      return undefined;
    out.providerTradeNo = providerTradeNo;
  }
  if (reason !== undefined) {
    if (typeof reason !== "string" || reason.length > 256) return undefined;
    out.reason = reason;
  }
  if (notifyUrl !== undefined) {
    if (typeof notifyUrl !== "string" || !notifyUrlSchema.safeParse(notifyUrl).success) return undefined;
    out.notifyUrl = notifyUrl;
  }
  if (fundsAccount !== undefined) {
    if (fundsAccount !== "AVAILABLE" && fundsAccount !== "UNSETTLED") return undefined;
    out.fundsAccount = fundsAccount;
  }
  return out;
}

export const refundRequestSchema = withFastPath(refundRequestShape, fastRefundRequest);
export type RefundRequest = z.input<typeof refundRequestSchema>;

export const refundStateSchema = z.union([
  z.literal(0),
  z.literal(1),
  z.literal(2),
  z.literal(3),
  z.literal(4),
  z.literal(5),
  z.literal(6),
]);

export const refundResultSchema = z.strictObject({
  provider: z.string(),
  merchantId: z.string(),
  outTradeNo: z.string(),
  outRefundNo: z.string(),
  providerRefundId: z.string().optional(),
  state: refundStateSchema,
  /** The provider's own status value kept verbatim (SUCCESS, REFUNDCLOSE, CHANGE, REFUND_SUCCESS, ...). */
  rawStatus: z.string(),
  amount: moneySchema,
  /** What goes back to the buyer's own funds (WeChat payer_refund, Alipay present_refund_buyer_amount), when reported. */
  payerRefundAmount: moneySchema.optional(),
  /** The coupons' and discounts' share of the refund (WeChat discount_refund), when reported. */
  discountRefundAmount: moneySchema.optional(),
  /** What the merchant gives back (WeChat settlement_refund, Alipay send_back_fee), when reported. */
  settlementRefundAmount: moneySchema.optional(),
  successAt: z.date().optional(),
  /** ORIGINAL / BALANCE / OTHER_BALANCE / OTHER_BANKCARD (WeChat channel / refund_channel). */
  channel: z.string().optional(),
  /** Where the money went, e.g. "招商银行信用卡0403" (WeChat user_received_account / refund_recv_accout). */
  receivedAccount: z.string().optional(),
});
export type RefundResult = z.output<typeof refundResultSchema>;

const REFUND_QUERY_KEYS: ReadonlySet<string> = new Set(["outTradeNo", "outRefundNo"]);

export const refundQuerySchema = withFastPath(
  z.strictObject({
    outTradeNo: outTradeNoSchema,
    outRefundNo: outRefundNoSchema,
  }),
  (value) => {
    if (!isPlainRecord(value) || !onlyKeys(value, REFUND_QUERY_KEYS)) return undefined;
    const { outTradeNo, outRefundNo } = value;
    if (typeof outTradeNo !== "string" || !OUT_TRADE_NO.test(outTradeNo)) return undefined;
    if (typeof outRefundNo !== "string" || !OUT_REFUND_NO.test(outRefundNo)) return undefined;
    return { outTradeNo, outRefundNo };
  },
);
export type RefundQuery = z.input<typeof refundQuerySchema>;

export const listRefundsSchema = z.strictObject({ outTradeNo: outTradeNoSchema });
export type ListRefundsQuery = z.input<typeof listRefundsSchema>;
