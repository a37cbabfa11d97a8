import { createDecipheriv, createPublicKey, createVerify } from "node:crypto";

/** What the careful handler hands on: the event mapped to the few fields a backend acts on. */
export type CarefulEvent =
  | {
      readonly kind: "trade";
      readonly id: string;
      readonly outTradeNo: string;
      readonly state: number;
      readonly fen: number;
      readonly at: number;
    }
  | {
      readonly kind: "refund";
      readonly id: string;
      readonly outRefundNo: string;
      readonly state: number;
      readonly fen: number;
    };

// WeChat's trade_state and refund_status values, to PayBridge's trade 0-4 and refund 0-6 numbering.
const TRADE_STATE: Record<string, number> = { SUCCESS: 3, REFUND: 4, NOTPAY: 0, CLOSED: 1, PAYERROR: 2 };
const REFUND_STATE: Record<string, number> = { SUCCESS: 4, CLOSED: 6, ABNORMAL: 5, PROCESSING: 3 };
const WINDOW_S = 300;
// The event types a payment / refund notify_url receives (https://pay.weixin.qq.com/doc/v3/merchant/4012791861,
// https://pay.weixin.qq.com/doc/v3/merchant/4012791865); any other is refused, not guessed at.
const REFUND_EVENTS = new Set(["REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"]);

interface Resource {
  readonly algorithm: string;
  readonly ciphertext: string;
  readonly nonce: string;
  readonly associated_data?: string;
}

/**
 * A careful hand-written WeChat Pay v3 notification handler, the baseline PayBridge's intake is
 * held to: what a backend that writes its own must do to be safe, and nothing more. It checks the
 * Wechatpay-* headers (serial names the key it holds, nonce and signature present, timestamp
 * within 5 minutes: https://pay.weixin.qq.com/doc/v3/merchant/4012365342), verifies RSA-SHA256
 * over "timestamp\nnonce\nbody\n" with a KeyObject imported once, parses the body, decrypts the
 * AEAD_AES_256_GCM resource with the APIv3 key (https://pay.weixin.qq.com/doc/v3/merchant/4012071382),
 * parses it, checks it names this merchant (mchid, and appid for a payment), that the fields it
 * hands on are there and typed (notification id, order / refund numbers, amount, a readable time),
 * and maps the event and its state: the checks PayBridge makes on the same path. No schema library,
 * no typed errors, no unified event object: plain throws and a small record.
 */
export function createCarefulHandler(options: {
  readonly wechatpayPublicKey: string;
  readonly wechatpaySerial: string;
  readonly apiV3Key: string;
  readonly mchid: string;
  readonly appid: string;
}): (headers: Readonly<Record<string, string | string[] | undefined>>, body: string) => CarefulEvent {
  const key = createPublicKey(options.wechatpayPublicKey);
  const aesKey = Buffer.from(options.apiV3Key, "utf8");
  const header = (headers: Readonly<Record<string, string | string[] | undefined>>, name: string) => {
    const v = headers[name];
    const s = Array.isArray(v) ? v[0] : v;
    if (!s) throw new Error(`missing ${name}`);
    return s;
  };
  return (headers, body) => {
    if (header(headers, "wechatpay-serial") !== options.wechatpaySerial) throw new Error("unknown serial");
    const timestamp = header(headers, "wechatpay-timestamp");
    const nonce = header(headers, "wechatpay-nonce");
    const signature = header(headers, "wechatpay-signature");
    const ts = Number(timestamp);
    if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > WINDOW_S)
      throw new Error("stale timestamp");
    const message = `${timestamp}\n${nonce}\n${body}\n`;
    if (!createVerify("RSA-SHA256").update(message).verify(key, signature, "base64"))
      throw new Error("bad signature");
    const note = JSON.parse(body) as { id: string; event_type: string; resource: Resource };
    if (!isText(note.id)) throw new Error("notification without id");
    const r = note.resource;
    if (r?.algorithm !== "AEAD_AES_256_GCM") throw new Error("unknown algorithm");
    const data = Buffer.from(r.ciphertext, "base64");
    if (data.length < 17) throw new Error("ciphertext too short");
    const decipher = createDecipheriv("aes-256-gcm", aesKey, Buffer.from(r.nonce, "utf8"));
    decipher.setAAD(Buffer.from(r.associated_data ?? "", "utf8"));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([
      decipher.update(data.subarray(0, data.length - 16)),
      decipher.final(),
    ]).toString("utf8");
    const resource = JSON.parse(plain) as Record<string, unknown>;
    if (resource.mchid !== options.mchid) throw new Error("another merchant's notification");
    if (note.event_type === "TRANSACTION.SUCCESS") {
      const state = TRADE_STATE[String(resource.trade_state)];
      const amount = resource.amount as { total?: unknown } | undefined;
      if (resource.appid !== options.appid) throw new Error("another app's notification");
      const at = Date.parse(String(resource.success_time));
      if (state === undefined || !isText(resource.out_trade_no) || !isFen(amount?.total) || Number.isNaN(at))
        throw new Error("bad transaction");
      return {
        kind: "trade",
        id: note.id,
        outTradeNo: resource.out_trade_no,
        state,
        fen: amount?.total as number,
        at,
      };
    }
    if (REFUND_EVENTS.has(note.event_type)) {
      const state = REFUND_STATE[String(resource.refund_status)];
      const amount = resource.amount as { refund?: unknown } | undefined;
      if (
        state === undefined ||
        !isText(resource.out_refund_no) ||
        !isText(resource.out_trade_no) ||
        !isText(resource.refund_id) ||
        !isFen(amount?.refund)
      )
        throw new Error("bad refund");
      return {
        kind: "refund",
        id: note.id,
        outRefundNo: resource.out_refund_no,
        state,
        fen: amount?.refund as number,
      };
    }
    throw new Error(`unknown event ${note.event_type}`);
  };
}

function isText(v: unknown): v is string {
  return typeof v === "string" && v.length > 0;
}

function isFen(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
