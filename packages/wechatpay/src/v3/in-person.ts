import type { CreatePaymentResult, TradeResult } from "@paybridge/core";
import { type InPersonSchedule, TradeState, ValidationError } from "@paybridge/core/provider-kit";

/**
 * The password-wait loop of 付款码支付, as the merchant page prescribes
 * (https://pay.weixin.qq.com/doc/v2/merchant/4011937125, 注意; the v3 codepay page links the same
 * flow): on USERPAYING query again at an interval ("建议10秒") until paid or timed out ("建议45秒");
 * if still unclear, reverse ("请调用【撤销订单API】"), never sooner than 15 s after the payment
 * ("建议至少15秒后再调用"), and call the reversal again when it has no answer or fails ("当撤销无
 * 返回或错误时,请再次调用"). The page sets no count for those repeats: three attempts 5 s apart
 * fit inside WeChat's own 45 s auto-revoke of an unpaid order
 * (https://pay.weixin.qq.com/doc/global/v2/zh/4013637903), after which the recovery worker reverses.
 * Checked against what could be read: 4013637903 (合理的查单逻辑, the cross-border Quick Pay page)
 * advises queries "3-5秒" apart and polling "控制在45秒以内", not 10 s; the 15 s before a reversal
 * is on the 撤销订单 page (https://pay.weixin.qq.com/doc/global/v2/zh/4013634900, "建议支付后至少15s
 * 后再调用"). The 10 s / 45 s of the domestic v2 page above could not be read again, so they stay.
 */
export const WECHAT_IN_PERSON_SCHEDULE: InPersonSchedule = {
  queryIntervalMs: 10_000,
  queryLimitMs: 45_000,
  reverseNotBeforeMs: 15_000,
  reverseAttempts: 3,
  reverseRetryMs: 5_000,
};

/**
 * 付款码: "18位纯数字,以10、11、12、13、14、15开头" (auth_code, https://pay.weixin.qq.com/doc/v2/merchant/4011937125;
 * the v3 codepay page gives no rule): exactly 18 digits, not 16-18.
 */
export const WECHAT_AUTH_CODE = /^1[0-5]\d{16}$/;

/**
 * What a barcode payment needs besides the core schema: a WeChat 付款码, and the store
 * (scene_info is 必填 on the codepay page; store_info.out_id names the store).
 */
export function wechatBarcodeRule(
  order: { method: string; authCode?: string | undefined; store?: { id: string } | undefined },
  root: string,
): void {
  if (order.method !== "barcode") return;
  if (order.authCode !== undefined && !WECHAT_AUTH_CODE.test(order.authCode)) {
    throw new ValidationError(
      `${root}.authCode`,
      `${root}.authCode: must be a WeChat 付款码, 18 digits starting 10-15`,
    );
  }
  if (!order.store) {
    throw new ValidationError(
      `${root}.store`,
      `${root}.store: is required for a WeChat barcode payment (scene_info.store_info.out_id)`,
    );
  }
}

/**
 * What a 撤销 left, direct or partner: its answer carries no state, so the order query says (REVOKED,
 * 1; or REFUND when the reversal refunded a payment). When that query fails or still says unpaid,
 * the reversal's own success stands: WeChat holds nothing after it ("如果此订单用户支付失败,微信支付
 * 系统会将此订单关闭;如果用户支付成功,微信支付系统会将此订单资金退还给用户",
 * https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/reverse.html and
 * https://pay.weixin.qq.com/docs/partner/apis/partner-code-payment-v3/partner/partner-reverse.html).
 */
export async function tradeAfterReversal(
  query: () => Promise<TradeResult>,
  order: Pick<TradeResult, "provider" | "merchantId" | "outTradeNo"> & {
    amount?: TradeResult["amount"] | undefined;
  },
): Promise<TradeResult> {
  try {
    const after = await query();
    if (after.state !== TradeState.UNPAID) return after;
  } catch {
    // fall through to the reversal's answer
  }
  return {
    provider: order.provider,
    merchantId: order.merchantId,
    outTradeNo: order.outTradeNo,
    state: TradeState.CLOSED,
    rawStatus: "REVOKED",
    ...(order.amount ? { amount: order.amount } : {}),
  };
}

/** The result of a barcode payment, direct or partner: the trade as the in-person loop ended it. */
export function inPersonPaymentResult(
  base: Pick<CreatePaymentResult, "provider" | "merchantId" | "outTradeNo">,
  trade: TradeResult,
): CreatePaymentResult {
  return {
    ...base,
    method: "barcode",
    ...(trade.providerTradeNo ? { providerReference: trade.providerTradeNo } : {}),
    action: { type: "in_person", trade },
  };
}
