import {
  type NotificationEvent,
  parseInput,
  type RawNotification,
  rawNotificationSchema,
  SignatureError,
  UnknownStatusError,
} from "@paybridge/core";
import { decryptResource } from "./aead.js";
import type { WechatPayKeyStore } from "./key-store.js";
import { fromV3Refund, fromV3Transaction } from "./transformers.js";
import type { V3Notification, V3RefundNotice, V3Transaction } from "./wire-types.js";

/** Event types WeChat sends to a payment / refund notify_url (https://pay.weixin.qq.com/doc/v3/merchant/4012791861, .../4012791865). */
const TRADE_EVENTS = new Set(["TRANSACTION.SUCCESS"]);
const REFUND_EVENTS = new Set(["REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"]);

/**
 * Verifies (signature over the raw body, 5-minute window, known key), decrypts
 * (AEAD_AES_256_GCM with the APIv3 key) and maps one notification.
 */
export async function parseV3Notification(
  raw: RawNotification,
  keys: WechatPayKeyStore,
  apiV3Key: string,
  merchantId: string,
): Promise<NotificationEvent> {
  const input = parseInput(rawNotificationSchema, raw, "notification");
  await keys.verify(input.headers, input.body, "notification");
  let note: V3Notification;
  let plain: string;
  try {
    note = JSON.parse(input.body) as V3Notification;
    if (note.resource?.algorithm !== "AEAD_AES_256_GCM")
      throw new Error(`algorithm ${note.resource?.algorithm}`);
    plain = decryptResource(note.resource, apiV3Key);
  } catch (cause) {
    throw new SignatureError("notification resource does not decrypt with the APIv3 key", {
      provider: "wechatpay",
      cause,
    });
  }
  const base = { id: note.id, provider: "wechatpay", merchantId, eventType: note.event_type };
  if (TRADE_EVENTS.has(note.event_type)) {
    return {
      ...base,
      kind: "trade",
      trade: fromV3Transaction(JSON.parse(plain) as V3Transaction, merchantId),
    };
  }
  if (REFUND_EVENTS.has(note.event_type)) {
    return { ...base, kind: "refund", refund: fromV3Refund(JSON.parse(plain) as V3RefundNotice, merchantId) };
  }
  throw new UnknownStatusError("WeChat notification event_type", note.event_type, { provider: "wechatpay" });
}
