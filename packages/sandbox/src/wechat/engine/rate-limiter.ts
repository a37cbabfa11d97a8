/**
 * Per-merchant calls per second, as WeChat counts them for refunds (https://pay.weixin.qq.com/doc/v3/merchant/4012556457:
 * "请求频率限制:150qps", "错误或无效请求频率限制:6qps"). A sliding one-second window on the engine clock.
 */
export interface SimulatorRateLimits {
  readonly successPerSecond: number;
  readonly failurePerSecond: number;
}

export const WECHAT_REFUND_RATE_LIMITS: SimulatorRateLimits = { successPerSecond: 150, failurePerSecond: 6 };

export class SlidingWindowCounter {
  private readonly stamps = new Map<string, number[]>();

  record(key: string, atMs: number): void {
    const list = this.stamps.get(key) ?? [];
    list.push(atMs);
    this.stamps.set(key, list);
  }

  /** Events of `key` in (atMs - windowMs, atMs]. Older stamps are dropped. */
  count(key: string, atMs: number, windowMs = 1000): number {
    const list = this.stamps.get(key);
    if (!list) return 0;
    const kept = list.filter((t) => t > atMs - windowMs && t <= atMs);
    this.stamps.set(key, kept);
    return kept.length;
  }
}
