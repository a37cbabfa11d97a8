import type { RawNotification } from "@paybridge/core";
import { parseBeijingCompact, SignatureError } from "@paybridge/core/provider-kit";
import { z } from "zod";
import { normalizeAnswer } from "./envelope.js";
import { CLOUDPAY_PROVIDER } from "./errors.js";

/**
 * CloudPay pay-result callbacks
 * (https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/open/pay/paymentCallback.html):
 * WeChat invokes the cloud function named in unifiedOrder with the v2 pay-notification fields as
 * a plain JS object (camelCase in practice: returnCode, resultCode, subMchId, outTradeNo,
 * transactionId, totalFee, cashFee, timeEnd), and the function must return
 * `{ errcode: 0, errmsg }`, otherwise the callback is repeated for up to two days.
 *
 * What can be verified: the event carries no signature (the call arrives over WeChat's private
 * link, never over the public internet), so PayBridge (1) checks its shape and that it is for
 * the configured sub_mch_id, and (2) confirms it with queryOrder over the same private link:
 * the order must exist, be paid, and have the same transaction_id, total_fee and cash_fee. An
 * event that fails either check is rejected as a SignatureError, like a forged v3 notification.
 */
export const callbackEventSchema = z.looseObject({
  return_code: z.literal("SUCCESS"),
  result_code: z.literal("SUCCESS"),
  sub_mch_id: z.string().min(1),
  out_trade_no: z.string().min(1).max(32),
  transaction_id: z.string().min(1).max(32),
  total_fee: z.number().int().positive(),
  cash_fee: z.number().int().nonnegative().optional(),
  fee_type: z.string().optional(),
  time_end: z.string().regex(/^\d{14}$/),
});

export interface CloudPayCallback {
  readonly subMchId: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly totalFee: number;
  readonly cashFee: number | undefined;
  readonly paidAt: Date;
}

/** The header that marks a RawNotification as a CloudPay callback event serialized to JSON. */
export const CLOUDPAY_EVENT_HEADER = "x-paybridge-cloudpay-event";

/**
 * Wraps the event a cloud function receives into the RawNotification every PaymentProvider
 * takes: `provider.parseNotification(cloudPayEventToRawNotification(event))`.
 */
export function cloudPayEventToRawNotification(event: object): RawNotification {
  return {
    headers: { "content-type": "application/json", [CLOUDPAY_EVENT_HEADER]: "1" },
    body: JSON.stringify(event),
  };
}

/** What the callback cloud function must return (errcode 0 = handled; anything else = send again). */
export function cloudPayCallbackReply(ok: boolean): { readonly errcode: number; readonly errmsg: string } {
  return ok ? { errcode: 0, errmsg: "OK" } : { errcode: 1, errmsg: "FAIL" };
}

function reject(why: string, cause?: unknown): SignatureError {
  return new SignatureError(`${CLOUDPAY_PROVIDER} callback rejected: ${why}`, {
    provider: CLOUDPAY_PROVIDER,
    cause,
  });
}

/** Step (1): the event's shape and merchant. Step (2), the query, is the provider's. */
export function readCallbackEvent(body: string, subMchId: string): CloudPayCallback {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw reject("the body is not a JSON callback event", error);
  }
  let data: Readonly<Record<string, unknown>>;
  try {
    data = normalizeAnswer("callback", parsed);
  } catch (error) {
    throw reject("the body is not a callback event object", error);
  }
  const result = callbackEventSchema.safeParse(data);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw reject(`unexpected event (${where})`, result.error);
  }
  const e = result.data;
  if (e.sub_mch_id !== subMchId) {
    throw reject(`it is for sub_mch_id ${e.sub_mch_id}, this provider serves ${subMchId}`);
  }
  let paidAt: Date;
  try {
    paidAt = parseBeijingCompact(e.time_end, { field: "time_end", provider: CLOUDPAY_PROVIDER });
  } catch (error) {
    throw reject(`time_end ${e.time_end} is not a time`, error);
  }
  return {
    subMchId: e.sub_mch_id,
    outTradeNo: e.out_trade_no,
    transactionId: e.transaction_id,
    totalFee: e.total_fee,
    cashFee: e.cash_fee,
    paidAt,
  };
}

export { reject as rejectCallback };
