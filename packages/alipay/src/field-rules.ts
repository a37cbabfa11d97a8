import { type ProviderFieldRules, parseInput } from "@paybridge/core/provider-kit";
import { z } from "zod";

/**
 * Alipay's own field rules, on top of the core schemas (which keep only what Alipay and WeChat
 * share). Checked before anything is recorded or sent; each failure names the field and the rule.
 * The pay APIs' request parameters (alipay.trade.precreate,
 * https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate, and the create / page / wap /
 * app pages beside it): out_trade_no String(64) "仅支持字母、数字、下划线" with no minimum,
 * subject String(256), total_amount "取值范围[0.01,100000000]" yuan, notify_url String(256).
 * alipay.trade.refund (https://opendocs.alipay.com/open/02ekfk): refund_amount in the same range,
 * refund_reason String(256), out_request_no String(64).
 */

/** 100000000.00 yuan, the pay and refund APIs' upper bound, in fen. */
export const ALIPAY_MAX_AMOUNT_FEN = 10_000_000_000;

const outTradeNo = z.string().regex(/^[0-9A-Za-z_]{1,64}$/, {
  error: "must be 1-64 characters of digits, letters and _ (Alipay out_trade_no)",
});

const amountFen = z.number().max(ALIPAY_MAX_AMOUNT_FEN, {
  error: `must be at most ${ALIPAY_MAX_AMOUNT_FEN} fen (Alipay amounts: [0.01, 100000000] yuan)`,
});

/** notify_url: "支付宝服务器主动通知商户服务器里指定的页面http/https路径", String(256). */
export const alipayNotifyUrlSchema = z
  .string()
  .max(256, { error: "must be at most 256 characters (Alipay notify_url String(256))" })
  .refine((u) => /^https?:\/\//i.test(u), { error: "must be an http or https URL (Alipay notify_url)" });

const payment = z.looseObject({
  outTradeNo,
  description: z.string().max(256, { error: "must be at most 256 characters (Alipay subject String(256))" }),
  amount: z.looseObject({ fen: amountFen }),
  notifyUrl: alipayNotifyUrlSchema,
  returnUrl: z
    .string()
    .max(256, { error: "must be at most 256 characters (Alipay return_url String(256))" })
    .optional(),
  // passback_params is sent URL-encoded and is String(512).
  attach: z
    .string()
    .refine((v) => encodeURIComponent(v).length <= 512, {
      error: "must be at most 512 characters once URL-encoded (Alipay passback_params String(512))",
    })
    .optional(),
});

const refund = z.looseObject({
  outTradeNo,
  amount: z.looseObject({ fen: amountFen }),
  reason: z
    .string()
    .max(256, { error: "must be at most 256 characters (Alipay refund_reason String(256))" })
    .optional(),
  notifyUrl: alipayNotifyUrlSchema.optional(),
});

export const alipayFieldRules: ProviderFieldRules = {
  payment: (input, root) => void parseInput(payment, input, root),
  refund: (input, root) => void parseInput(refund, input, root),
  outTradeNo: (value, field) => void parseInput(outTradeNo, value, field),
  notifyUrl: (value, field) => void parseInput(alipayNotifyUrlSchema, value, field),
};
