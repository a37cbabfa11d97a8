import { z } from "zod";
import { PAYMENT_METHODS, type PaymentMethod } from "../payments/payment-method.js";
import {
  httpsOrLoopbackUrlSchema,
  moneySchema,
  notifyUrlSchema,
  outTradeNoSchema,
  positiveMoneySchema,
} from "./common.js";

export { PAYMENT_METHODS, type PaymentMethod } from "../payments/payment-method.js";
export const paymentMethodSchema = z.enum(PAYMENT_METHODS, {
  error: `must be one of ${PAYMENT_METHODS.join(", ")}`,
});

export const payerSchema = z.strictObject({
  /** WeChat openid of the buyer under the merchant's appid (jsapi / mini_program). */
  openid: z.string().min(1).max(128).optional(),
  /** Alipay buyer user id (mini_program / alipay.trade.create). */
  buyerId: z.string().min(1).max(64).optional(),
  /** Buyer's IP address, required by WeChat H5. */
  clientIp: z.string().min(3).max(45).optional(),
});

/**
 * The code the buyer's wallet shows at the counter, as the scanner read it: digits only. WeChat's
 * 付款码 is 18 digits starting 10-15 (https://pay.weixin.qq.com/doc/v2/merchant/4011937125, auth_code);
 * Alipay's is 16-24 digits starting 25-30 (https://opendocs.alipay.com/open/02ekfp, auth_code).
 * What both share is checked here; each provider's field rules check its own prefix and length.
 */
export const authCodeSchema = z
  .string({ error: "must be a string of the digits the scanner read" })
  .regex(/^\d{16,24}$/, { error: "must be 16-24 digits (the code the buyer's wallet shows)" });

/** Where an in-person payment is taken: the merchant's own store and device numbers. */
export const storeSchema = z.strictObject({
  /** The merchant's store number (WeChat scene_info.store_info.out_id, Alipay store_id). */
  id: z
    .string({ error: "must be a string" })
    .regex(/^[0-9A-Za-z_-]{1,32}$/, { error: "must be 1-32 characters of digits, letters and _-" }),
  /** The till or scanner (WeChat scene_info.device_id, Alipay terminal_id). */
  deviceId: z
    .string({ error: "must be a string" })
    .regex(/^[0-9A-Za-z_-]{1,32}$/, { error: "must be 1-32 characters of digits, letters and _-" })
    .optional(),
  /** The cashier (Alipay operator_id). */
  operatorId: z
    .string({ error: "must be a string" })
    .regex(/^[0-9A-Za-z_-]{1,28}$/, { error: "must be 1-28 characters of digits, letters and _-" })
    .optional(),
});

export const createPaymentSchema = z
  .strictObject({
    outTradeNo: outTradeNoSchema,
    // What every provider shares; WeChat (127 characters, 1-3 byte UTF-8) and Alipay (subject,
    // 256 characters) narrow it in their own fieldRules.
    description: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(256, { error: "must be at most 256 characters" }),
    amount: positiveMoneySchema,
    method: paymentMethodSchema,
    notifyUrl: notifyUrlSchema,
    returnUrl: httpsOrLoopbackUrlSchema.optional(),
    payer: payerSchema.optional(),
    expiresAt: z.date({ error: "must be a Date" }).optional(),
    attach: z.string().max(128, { error: "must be at most 128 characters" }).optional(),
    /** method barcode only: the code the cashier scanned from the buyer's wallet. */
    authCode: authCodeSchema.optional(),
    /** method barcode only: the store and till taking the payment. */
    store: storeSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.method === "barcode" && input.authCode === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["authCode"],
        message: "is required for method barcode: the code the cashier scanned from the buyer's wallet",
      });
    }
    if (input.method !== "barcode") {
      for (const field of ["authCode", "store"] as const) {
        if (input[field] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [field],
            message: `is for method barcode only, not ${input.method}`,
          });
        }
      }
    }
    if (
      (input.method === "jsapi" || input.method === "mini_program") &&
      !input.payer?.openid &&
      !input.payer?.buyerId
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["payer"],
        message: `is required for method ${input.method}: give payer.openid (WeChat) or payer.buyerId (Alipay)`,
      });
    }
    if (input.method === "h5" && !input.payer?.clientIp) {
      ctx.addIssue({ code: "custom", path: ["payer", "clientIp"], message: "is required for method h5" });
    }
  });
export type CreatePaymentInput = z.input<typeof createPaymentSchema>;

/** What the merchant hands the buyer's client to pay. */
export type PaymentAction =
  | { readonly type: "qr_code"; readonly content: string }
  | { readonly type: "redirect"; readonly url: string }
  | { readonly type: "client_params"; readonly params: Readonly<Record<string, string>> }
  | { readonly type: "order_string"; readonly value: string }
  | { readonly type: "html_form"; readonly html: string }
  /**
   * method barcode: nothing to hand the buyer, the payment happened (or was reversed) in the call.
   * `trade.state` is 3 (paid), 1 (closed: reversed or cancelled, nothing held), 4 (the provider
   * refunded a payment it took as the reversal) or 2 (the provider refused the payment).
   */
  | { readonly type: "in_person"; readonly trade: TradeResult };

export interface CreatePaymentResult {
  readonly provider: string;
  readonly merchantId: string;
  readonly outTradeNo: string;
  readonly method: PaymentMethod;
  /** WeChat prepay_id or Alipay trade_no when the provider creates one up front. */
  readonly providerReference?: string | undefined;
  readonly action: PaymentAction;
}

export const tradeQuerySchema = z.union(
  [
    z.strictObject({ outTradeNo: outTradeNoSchema }),
    z.strictObject({ providerTradeNo: z.string().min(1).max(64) }),
  ],
  { error: "must give outTradeNo or providerTradeNo" },
);
export type TradeQuery = z.input<typeof tradeQuerySchema>;

export const closePaymentSchema = z.strictObject({ outTradeNo: outTradeNoSchema });
export type ClosePaymentInput = z.input<typeof closePaymentSchema>;

export const tradeStateSchema = z.union([
  z.literal(0),
  z.literal(1),
  z.literal(2),
  z.literal(3),
  z.literal(4),
]);

/** A trade as the provider reports it, mapped onto the unified states. */
export const tradeResultSchema = z.strictObject({
  provider: z.string(),
  merchantId: z.string(),
  outTradeNo: z.string(),
  providerTradeNo: z.string().optional(),
  state: tradeStateSchema,
  /** The provider's own status value, kept verbatim (SUCCESS, TRADE_CLOSED, ...). */
  rawStatus: z.string(),
  /**
   * The order amount. Absent only when the provider's query answer has none (WeChat's order query
   * lists `amount` as optional, https://pay.weixin.qq.com/doc/v3/merchant/4013070356); a
   * notification always carries it (see NotifiedTrade).
   */
  amount: moneySchema.optional(),
  /** What the buyer actually paid (Alipay buyer_pay_amount / WeChat payer_total), when known. */
  paidAmount: moneySchema.optional(),
  /**
   * Coupons and discounts on the order, when the provider reports them: WeChat the sum of
   * promotion_detail amounts (CloudPay coupon_fee), Alipay total_amount - buyer_pay_amount -
   * point_amount (the vouchers). Refund sums are still checked against `amount`, the order total.
   */
  discountAmount: moneySchema.optional(),
  /**
   * What the merchant is settled for the order, when it differs from `amount`: WeChat
   * settlement_total (total less 免充值 coupons), Alipay receipt_amount.
   */
  settlementAmount: moneySchema.optional(),
  paidAt: z.date().optional(),
});
export type TradeResult = z.output<typeof tradeResultSchema>;
