/**
 * How notifications travel, as messy as production can be. Both providers resend a notification
 * until the merchant acknowledges it, and say the merchant must expect the same one more than once:
 * WeChat "同样的通知可能会多次发送给商户系统。商户系统必须能够正确处理重复的通知" (支付结果通知,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791861), and may send it from several servers;
 * Alipay asks merchants to handle repeated notifications idempotently (异步通知说明,
 * https://opendocs.alipay.com/open/203/105286).
 */
export interface DeliveryMode {
  /** Extra copies of each attempt, sent one after the other (duplicates). Default 0. */
  readonly duplicates?: number;
  /** Servers sending each attempt at the same moment, in parallel connections. Default 1. */
  readonly senders?: number;
  /** Sandbox-clock milliseconds before a notification's first attempt (late). Default 0. */
  readonly lateMs?: number;
  /**
   * Build and keep notifications unsent until they are released (so a test can deliver them out of
   * order, e.g. the refund's before the payment's). Default false.
   */
  readonly hold?: boolean;
}

export const DEFAULT_DELIVERY_MODE: Required<DeliveryMode> = {
  duplicates: 0,
  senders: 1,
  lateMs: 0,
  hold: false,
};

/** `current` with the fields `change` sets; a RangeError naming the field for a value out of range. */
export function nextDeliveryMode(
  current: Required<DeliveryMode>,
  change: DeliveryMode,
): Required<DeliveryMode> {
  for (const [key, value] of Object.entries(change)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_DELIVERY_MODE))
      throw new RangeError(`delivery mode ${key}: not a delivery mode field`);
    const valid =
      key === "hold"
        ? typeof value === "boolean"
        : Number.isSafeInteger(value) && (value as number) >= (key === "senders" ? 1 : 0);
    if (!valid) {
      const rule = key === "hold" ? "a boolean" : key === "senders" ? "an integer >= 1" : "an integer >= 0";
      throw new RangeError(`delivery mode ${key}: ${String(value)} is not ${rule}`);
    }
  }
  return {
    ...current,
    ...(Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as DeliveryMode),
  };
}

/** The delivery-mode fields of an object (a control request's JSON body, options); other fields are ignored. */
export function pickDeliveryMode(body: object): DeliveryMode {
  const source = body as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_DELIVERY_MODE))
    if (source[key] !== undefined) picked[key] = source[key];
  return picked as DeliveryMode;
}
