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

// The refund and out_trade_no rules checked by hand first, on every refund and query; only a
// value they do not certainly pass goes through the schema, which then words the error. zod's
// object walk was most of what PayBridge adds to a refund + query (docs/performance.md, section 1).
const OUT_TRADE_NO = /^[0-9A-Za-z_]{1,64}$/;
const orderNoPasses = (value: unknown) => typeof value === "string" && OUT_TRADE_NO.test(value);
const optionalText = (value: unknown, max: number) =>
  value === undefined || (typeof value === "string" && value.length <= max);
function refundPasses(input: unknown): boolean {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
  const r = input as { outTradeNo?: unknown; amount?: unknown; reason?: unknown; notifyUrl?: unknown };
  const amount = r.amount as { fen?: unknown } | null | undefined;
  if (typeof amount !== "object" || amount === null || Array.isArray(amount)) return false;
  const fen = amount.fen;
  if (typeof fen !== "number" || !Number.isFinite(fen) || fen > ALIPAY_MAX_AMOUNT_FEN) return false;
  if (!orderNoPasses(r.outTradeNo) || !optionalText(r.reason, 256) || !optionalText(r.notifyUrl, 256))
    return false;
  return r.notifyUrl === undefined || /^https?:\/\//i.test(r.notifyUrl as string);
}

export const alipayFieldRules: ProviderFieldRules = {
  payment: (input, root) => void parseInput(payment, input, root),
  refund: (input, root) => {
    if (!refundPasses(input)) parseInput(refund, input, root);
  },
  outTradeNo: (value, field) => {
    if (!orderNoPasses(value)) parseInput(outTradeNo, value, field);
  },
  notifyUrl: (value, field) => void parseInput(alipayNotifyUrlSchema, value, field),
};
