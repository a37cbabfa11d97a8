import type { RawNotification } from "@paybridge/core";
import type { WechatBenchRig } from "./wechat-rig.js";

/** The parts of a notification the crypto floor needs, taken out of the payload before timing. */
export interface FloorInput {
  readonly message: string;
  readonly signature: string;
  readonly ciphertext: string;
  readonly nonce: string;
  readonly associatedData: string;
}

export interface NotificationPayload {
  /** What a web framework hands the backend: lower-cased header names and the raw body. */
  readonly raw: RawNotification;
  readonly floor: FloorInput;
}

/**
 * Signed, encrypted notifications built by the simulator itself (real RSA signature, real
 * AEAD_AES_256_GCM resource): half TRANSACTION.SUCCESS, half REFUND.SUCCESS. The signatures carry
 * the current time, so build them right before use (WeChat's 5-minute window applies).
 */
export function buildNotificationPayloads(rig: WechatBenchRig, count: number): NotificationPayload[] {
  const trades = Math.ceil(count / 2);
  const before = rig.sandbox.notifications.length;
  const orders = rig.paidOrders("BN", trades, 1000);
  for (const outTradeNo of orders.slice(0, count - trades)) {
    rig.sandbox.engine.refund(rig.merchant.mchid, {
      outTradeNo,
      outRefundNo: `N${outTradeNo}`,
      refundFen: 1000,
      totalFen: 1000,
      notifyUrl: rig.notifyUrl,
    });
  }
  // Settle the refunds just made (the bench rig keeps refunds PROCESSING for 30 days).
  rig.sandbox.control.advance(31 * 24 * 3600_000);
  const sent = rig.sandbox.notifications.slice(before);
  if (sent.length < count)
    throw new Error(`the simulator built ${sent.length} notifications, wanted ${count}`);
  return sent.slice(0, count).map((n) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(n.headers)) headers[k.toLowerCase()] = v;
    const resource = (
      JSON.parse(n.body) as { resource: { ciphertext: string; nonce: string; associated_data: string } }
    ).resource;
    return {
      raw: { headers, body: n.body },
      floor: {
        message: `${headers["wechatpay-timestamp"]}\n${headers["wechatpay-nonce"]}\n${n.body}\n`,
        signature: headers["wechatpay-signature"] ?? "",
        ciphertext: resource.ciphertext,
        nonce: resource.nonce,
        associatedData: resource.associated_data,
      },
    };
  });
}
