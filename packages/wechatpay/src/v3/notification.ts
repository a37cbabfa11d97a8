import type { KeyObject } from "node:crypto";
import type { NotificationAck, NotificationEvent, RawNotification } from "@paybridge/core";
import {
  parseInput,
  rawNotificationSchema,
  SignatureError,
  UnknownStatusError,
} from "@paybridge/core/provider-kit";
import { decryptResource } from "./aead.js";
import { WECHAT_V3_PROVIDER } from "./errors.js";
import { assertRefundIdentity, assertTransactionIdentity, type V3Identity } from "./identity.js";
import type { HeaderBag, WechatPayKeyStore } from "./key-store.js";
import { isUsualNotification, isUsualRefundNotice, isUsualTransactionNotice } from "./notification-shape.js";
import { fromV3Refund, fromV3TransactionNotice, parseV3Answer, readV3Json } from "./transformers.js";
import {
  type V3RefundNoticeFields,
  type V3TradeFields,
  v3NotificationSchema,
  v3RefundNoticeSchema,
  v3TransactionNoticeSchema,
} from "./wire-types.js";

/** Event types WeChat sends to a payment / refund notify_url (https://pay.weixin.qq.com/doc/v3/merchant/4012791861, .../4012791865). */
const TRADE_EVENTS = new Set(["TRANSACTION.SUCCESS"]);
const REFUND_EVENTS = new Set(["REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"]);
/** The name errors give each event's resource, built once instead of per notification. */
const RESOURCE_METHOD = new Map(
  [...TRADE_EVENTS, ...REFUND_EVENTS].map((e) => [e, `notification ${e} resource`] as const),
);

/**
 * Verifies (signature over the raw body, 5-minute window, known key), decrypts
 * (AEAD_AES_256_GCM with the APIv3 key) and maps one notification. The envelope and the decrypted
 * resource are parsed with their wire schemas (a notification without the shape is an
 * UnexpectedAnswerError naming the field). With `identity`, the decrypted resource must name that
 * mchid (and appid, for payments); a V3ResourceReader (a partner's) parses and checks it instead.
 */
export async function parseV3Notification(
  raw: RawNotification,
  keys: WechatPayKeyStore,
  apiV3Key: string | KeyObject,
  merchantId: string,
  identity?: V3Identity | V3ResourceReader,
): Promise<NotificationEvent> {
  const input = readRaw(raw);
  const pending = keys.verify(input.headers, input.body, "notification");
  if (pending) await pending;
  const body = readV3Json(NOTIFICATION, input.body);
  const note = isUsualNotification(body) ? body : parseV3Answer(NOTIFICATION, v3NotificationSchema, body);
  let plain: string;
  try {
    plain = decryptResource(note.resource, apiV3Key);
  } catch (cause) {
    throw new SignatureError("notification resource does not decrypt with the APIv3 key", {
      provider: WECHAT_V3_PROVIDER,
      cause,
    });
  }
  // A partner's reader, or the direct checks below: no reader object is built per notification.
  const reader = identity && "trade" in identity ? identity : undefined;
  const direct = reader ? undefined : (identity as V3Identity | undefined);
  const { id, event_type: eventType } = note;
  const method = RESOURCE_METHOD.get(eventType) ?? NOTIFICATION;
  if (TRADE_EVENTS.has(eventType)) {
    const resource = readV3Json(method, plain);
    const t = reader ? reader.trade(resource, method) : directTrade(resource, method, direct);
    const trade = fromV3TransactionNotice(t, merchantId);
    return { id, provider: WECHAT_V3_PROVIDER, merchantId, eventType, kind: "trade", trade };
  }
  if (REFUND_EVENTS.has(eventType)) {
    const resource = readV3Json(method, plain);
    const r = reader ? reader.refund(resource, method) : directRefund(resource, method, direct);
    const refund = fromV3Refund(r, merchantId);
    return { id, provider: WECHAT_V3_PROVIDER, merchantId, eventType, kind: "refund", refund };
  }
  throw new UnknownStatusError("WeChat notification event_type", note.event_type, {
    provider: WECHAT_V3_PROVIDER,
  });
}

const NOTIFICATION = "notification";

/**
 * Parses and checks a decrypted resource: a direct merchant's with its mchid / appid, a service
 * provider's sub-merchant's with sp_mchid / sub_mchid (see partner-identity.ts). A resource that is
 * not the routed account's is a SignatureError: not ours to act on, answered failure.
 */
export interface V3ResourceReader {
  trade(resource: unknown, method: string): V3TradeFields & { amount: { total: number } };
  refund(resource: unknown, method: string): V3RefundNoticeFields;
}

/** A direct merchant's TRANSACTION.SUCCESS resource, parsed and checked against its mchid / appid. */
function directTrade(
  resource: unknown,
  method: string,
  identity: V3Identity | undefined,
): V3TradeFields & { amount: { total: number } } {
  const t = isUsualTransactionNotice(resource)
    ? resource
    : parseV3Answer(method, v3TransactionNoticeSchema, resource);
  if (identity) assertTransactionIdentity(t, identity);
  return t;
}

/** A direct merchant's REFUND.* resource, parsed and checked against its mchid. */
function directRefund(
  resource: unknown,
  method: string,
  identity: V3Identity | undefined,
): V3RefundNoticeFields {
  const r = isUsualRefundNotice(resource) ? resource : parseV3Answer(method, v3RefundNoticeSchema, resource);
  if (identity) assertRefundIdentity(r, identity);
  return r;
}

/**
 * WeChat wants 200/204 with no body on success; anything else makes it retry
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012791861; the partner notification the same,
 * https://pay.weixin.qq.com/docs/partner/apis/partner-h5-payment/payment-notice.html).
 */
export function v3Acknowledge(ok: boolean): NotificationAck {
  return ok
    ? { status: 204, headers: {}, body: "" }
    : {
        status: 500,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: "FAIL", message: "失败" }),
      };
}

type CheckedRaw = { headers: HeaderBag; body: string };

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
  // Exactly the own keys headers and body, counted without building a key array per notification.
  let keys = 0;
  for (const key in raw) {
    if (!Object.hasOwn(raw, key) || (key !== "headers" && key !== "body")) return false;
    keys += 1;
  }
  if (keys !== 2) return false;
  const { headers, body } = raw as { headers: unknown; body: unknown };
  if (typeof body !== "string" || body.length === 0) return false;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) return false;
  // Own enumerable values, as z.record reads them; Object.values is ~25% cheaper here than for-in
  // with an Object.hasOwn per header (~195 vs ~260 ns for the six headers WeChat sends).
  for (const value of Object.values(headers)) {
    if (typeof value === "string" || value === undefined) continue;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) return false;
  }
  return true;
}
