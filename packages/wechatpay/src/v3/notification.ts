import type { KeyObject } from "node:crypto";
import {
  type NotificationEvent,
  parseInput,
  type RawNotification,
  rawNotificationSchema,
  SignatureError,
  UnknownStatusError,
} from "@paybridge/core";
import { decryptResource } from "./aead.js";
import { assertRefundIdentity, assertTransactionIdentity, type V3Identity } from "./identity.js";
import type { HeaderBag, WechatPayKeyStore } from "./key-store.js";
import { fromV3Refund, fromV3TransactionNotice } from "./transformers.js";
import type { V3Notification, V3RefundNotice, V3Transaction } from "./wire-types.js";

/** Event types WeChat sends to a payment / refund notify_url (https://pay.weixin.qq.com/doc/v3/merchant/4012791861, .../4012791865). */
const TRADE_EVENTS = new Set(["TRANSACTION.SUCCESS"]);
const REFUND_EVENTS = new Set(["REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"]);

/**
 * Verifies (signature over the raw body, 5-minute window, known key), decrypts
 * (AEAD_AES_256_GCM with the APIv3 key) and maps one notification. With `identity`, the decrypted
 * resource must name that mchid (and appid, for payments); with a V3ResourceCheck, pass it.
 */
export async function parseV3Notification(
  raw: RawNotification,
  keys: WechatPayKeyStore,
  apiV3Key: string | KeyObject,
  merchantId: string,
  identity?: V3Identity | V3ResourceCheck,
): Promise<NotificationEvent> {
  const input = readRaw(raw);
  const pending = keys.verify(input.headers, input.body, "notification");
  if (pending) await pending;
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
  const { id, event_type: eventType } = note;
  if (TRADE_EVENTS.has(eventType)) {
    const transaction = JSON.parse(plain) as V3Transaction;
    if (identity && "trade" in identity) identity.trade(transaction);
    else if (identity) assertTransactionIdentity(transaction, identity);
    const trade = fromV3TransactionNotice(transaction, merchantId);
    return { id, provider: "wechatpay", merchantId, eventType, kind: "trade", trade };
  }
  if (REFUND_EVENTS.has(eventType)) {
    const notice = JSON.parse(plain) as V3RefundNotice;
    if (identity && "refund" in identity) identity.refund(notice);
    else if (identity) assertRefundIdentity(notice, identity);
    const refund = fromV3Refund(notice, merchantId);
    return { id, provider: "wechatpay", merchantId, eventType, kind: "refund", refund };
  }
  throw new UnknownStatusError("WeChat notification event_type", note.event_type, { provider: "wechatpay" });
}

type CheckedRaw = { headers: HeaderBag; body: string };

/**
 * Checks of the decrypted resource other than a direct merchant's mchid / appid: a service
 * provider's sub-merchant checks sp_mchid / sub_mchid (see partner-identity.ts). Each throws
 * SignatureError for a resource that is not the routed account's.
 */
export interface V3ResourceCheck {
  trade(resource: unknown): void;
  refund(resource: unknown): void;
}

/**
 * The notification as rawNotificationSchema accepts it. The shape every web framework hands over
 * (an object with exactly `headers` of string / string[] values and a non-empty string `body`) is
 * checked by hand; anything else goes through the schema, which names the offending field. The
 * schema alone cost ~3 µs per notification, about 8% of the crypto floor (docs/performance.md).
 */
function readRaw(raw: RawNotification): CheckedRaw {
  return isPlainRaw(raw) ? raw : parseInput(rawNotificationSchema, raw, "notification");
}

function isPlainRaw(raw: unknown): raw is CheckedRaw {
  if (typeof raw !== "object" || raw === null) return false;
  const keys = Object.keys(raw);
  if (keys.length !== 2 || !keys.includes("headers") || !keys.includes("body")) return false;
  const { headers, body } = raw as { headers: unknown; body: unknown };
  if (typeof body !== "string" || body.length === 0) return false;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return false;
  for (const name of Object.keys(headers)) {
    const value = (headers as Record<string, unknown>)[name];
    if (typeof value === "string" || value === undefined) continue;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return false;
  }
  return true;
}
