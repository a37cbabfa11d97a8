/** A provider's refund rules, enforced locally before any call (docs/refunds.md "Rules checked before any call"). */
export interface RefundRules {
  /** Days after payment during which a refund is accepted (WeChat: 365; Alipay: per contract). */
  readonly windowDays: number;
  /** Most refunds one order may have (WeChat: 50); undefined when the provider sets no limit. */
  readonly maxRefundsPerOrder: number | undefined;
  /**
   * What the refunds of one order may add up to: the order's total (WeChat: "申请退款总金额不能超过订单金额",
   * a coupon's share is refunded to the coupon) or what the buyer paid (the default).
   */
  readonly refundableBase?: "total" | "paid" | undefined;
  /** Least time between two refunds of one order (WeChat v3 refund doc: one minute). */
  readonly minIntervalMs: number;
  /** Calls per second per merchant (WeChat: 150 successful, 6 failed). */
  readonly rateLimit: { readonly successPerSecond: number; readonly failurePerSecond: number } | undefined;
  /**
   * Least time between a refund call and the query that decides whether to resend it (Alipay
   * fastpay.refund.query: at least 10 s after the refund request). Undefined or 0: no wait.
   */
  readonly resubmitAfterMs?: number | undefined;
}
