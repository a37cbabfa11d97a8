import type { NotificationAck, NotificationEvent, RawNotification } from "@paybridge/core";
import { parseAnswer, parseInput, rawNotificationSchema, SignatureError } from "@paybridge/core/provider-kit";
import type { AlipayGatewayClient } from "./client.js";
import { ALIPAY_PROVIDER } from "./errors.js";
import { type AlipayIdentity, assertNotificationIdentity } from "./identity.js";
import type { RefundEvidence } from "./refund-evidence.js";
import { type MappingContext, tradeResultFromNotification } from "./transformers.js";
import { notificationFieldsSchema } from "./wire-types.js";

/**
 * Asynchronous notifications (https://opendocs.alipay.com/open/203/105286): a form POST whose
 * values are verified as they arrived (checkNotifySignV2: no second URL-decoding, sign and
 * sign_type left out of the signed string, https://opendocs.alipay.com/common/02mse7).
 * Refund notifications carry trade_status (TRADE_SUCCESS after a partial refund, TRADE_CLOSED
 * after a full one) with refund_fee (total refunded so far), gmt_refund and out_biz_no (the
 * out_request_no); they are mapped as trade events whose state is 4.
 */
export function parseAlipayNotification(
  raw: RawNotification,
  client: AlipayGatewayClient,
  identity: AlipayIdentity,
  ctx: MappingContext,
  evidence: RefundEvidence,
): NotificationEvent {
  const { body } = parseInput(rawNotificationSchema, raw, "notification");
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) fields[key] = value;
  if (!fields.sign)
    throw new SignatureError("alipay notification has no sign", { provider: ALIPAY_PROVIDER });
  if (!client.verifyNotification(fields)) {
    throw new SignatureError(
      "alipay notification signature does not verify with the configured Alipay public key (or any Alipay certificate held)",
      {
        provider: ALIPAY_PROVIDER,
      },
    );
  }
  // Whose it is comes first: a genuine notification for another app or seller is refused as such,
  // whatever else it carries. Then every field read must have its shape.
  assertNotificationIdentity(fields, identity);
  const wire = parseAnswer({
    provider: ctx.provider,
    method: "notification",
    schema: notificationFieldsSchema,
    value: fields,
  });
  if (wire.refund_fee !== undefined) evidence.note(wire.out_trade_no, wire.refund_fee);
  const trade = tradeResultFromNotification(wire, ctx, (no) => evidence.refundedFen(no));
  return {
    id: wire.notify_id,
    provider: ctx.provider,
    merchantId: ctx.merchantId,
    eventType: wire.trade_status,
    kind: "trade",
    trade,
  };
}

/** Alipay stops resending only on the seven characters "success"; anything else means "send again". */
export function alipayAcknowledge(ok: boolean): NotificationAck {
  return {
    status: 200,
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: ok ? "success" : "failure",
  };
}
