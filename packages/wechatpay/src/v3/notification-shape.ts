import { v3TimeMs } from "./v3-time.js";
import type { V3Notification, V3RefundNotice, V3TransactionNotice } from "./wire-types.js";

/**
 * The usual shape of a notification and of its decrypted resource, checked by hand before the
 * wire schemas (wire-types.ts) are asked. Measured on the intake bench, the two zod parses of
 * every notification cost about a sixth of its time, as much as everything else PayBridge adds to
 * the RSA verify and the AES-GCM decrypt (docs/performance.md). Each guard accepts only values
 * its schema accepts (notification-shape.test.ts checks every field's absence and every wrong type
 * against the schema), and its schema's output is then the value itself: the schemas are loose
 * objects without transforms. Anything unusual (a field missing or mistyped, a promotion_detail
 * list) goes through the schema, which names the field.
 */
export function isUsualNotification(v: unknown): v is V3Notification {
  if (!isObject(v)) return false;
  const r = v.resource;
  return (
    isText(v.id) &&
    isText(v.event_type) &&
    isOptionalString(v.create_time) &&
    isOptionalString(v.resource_type) &&
    isOptionalString(v.summary) &&
    isObject(r) &&
    r.algorithm === "AEAD_AES_256_GCM" &&
    isText(r.ciphertext) &&
    isText(r.nonce) &&
    isOptionalString(r.associated_data) &&
    isOptionalString(r.original_type)
  );
}

/** A direct merchant's TRANSACTION.SUCCESS resource (支付成功通知, https://pay.weixin.qq.com/doc/v3/merchant/4012791861). */
export function isUsualTransactionNotice(v: unknown): v is V3TransactionNotice {
  if (!isObject(v)) return false;
  const amount = v.amount;
  const payer = v.payer;
  return (
    isText(v.out_trade_no) &&
    isText(v.trade_state) &&
    isOptionalString(v.transaction_id) &&
    isOptionalString(v.trade_type) &&
    isOptionalString(v.trade_state_desc) &&
    isOptionalString(v.bank_type) &&
    isOptionalString(v.attach) &&
    isOptionalString(v.appid) &&
    isOptionalString(v.mchid) &&
    isOptionalTime(v.success_time) &&
    v.promotion_detail === undefined &&
    (payer === undefined || (isObject(payer) && isOptionalString(payer.openid))) &&
    isObject(amount) &&
    isFen(amount.total) &&
    (amount.payer_total === undefined || isFen(amount.payer_total)) &&
    isOptionalString(amount.currency) &&
    isOptionalString(amount.payer_currency)
  );
}

/** A direct merchant's REFUND.* resource (退款结果通知, https://pay.weixin.qq.com/doc/v3/merchant/4012791865). */
export function isUsualRefundNotice(v: unknown): v is V3RefundNotice {
  if (!isObject(v)) return false;
  const amount = v.amount;
  return (
    isText(v.out_trade_no) &&
    isText(v.out_refund_no) &&
    isText(v.refund_id) &&
    isText(v.refund_status) &&
    isOptionalString(v.transaction_id) &&
    isOptionalString(v.user_received_account) &&
    isOptionalString(v.mchid) &&
    isOptionalTime(v.success_time) &&
    isObject(amount) &&
    isFen(amount.total) &&
    isFen(amount.refund) &&
    (amount.payer_total === undefined || isFen(amount.payer_total)) &&
    (amount.payer_refund === undefined || isFen(amount.payer_refund))
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isText(v: unknown): v is string {
  return typeof v === "string" && v.length > 0;
}

function isOptionalString(v: unknown): boolean {
  return v === undefined || typeof v === "string";
}

/** The schemas' v3Time: empty, or a time Date.parse reads (remembered for the mapping, v3-time.ts). */
function isOptionalTime(v: unknown): boolean {
  return v === undefined || (typeof v === "string" && (v === "" || !Number.isNaN(v3TimeMs(v))));
}

/** The schemas' v3Fen: a non-negative safe integer. */
function isFen(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
