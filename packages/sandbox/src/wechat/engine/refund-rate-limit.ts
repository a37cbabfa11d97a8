import type { SandboxClock } from "../../shared/clock.js";
import { WechatEngineError } from "./errors.js";
import { type SimulatorRateLimits, SlidingWindowCounter } from "./rate-limiter.js";

/**
 * The per-merchant refund call limits (https://pay.weixin.qq.com/doc/v3/merchant/4012556457: 150 successful and 6 failed or invalid
 * calls per second, see rate-limiter.ts): successes and failures are counted apart, on the
 * engine clock, and a call over either limit is refused before it is applied.
 */
export class RefundRateLimiter {
  private readonly successes = new SlidingWindowCounter();
  private readonly failures = new SlidingWindowCounter();

  /** `false` turns the limiter off. */
  constructor(private readonly limits: SimulatorRateLimits | false) {}

  /**
   * Runs one refund call: refused when either limit is reached, else counted as a success, or as a
   * failure when it throws a WechatEngineError (a refused or invalid request).
   */
  guard<T>(mchid: string, clock: SandboxClock, call: () => T): T {
    this.check(mchid, clock.now().getTime());
    try {
      const result = call();
      this.successes.record(mchid, clock.now().getTime());
      return result;
    } catch (error) {
      if (error instanceof WechatEngineError) this.failures.record(mchid, clock.now().getTime());
      throw error;
    }
  }

  private check(mchid: string, nowMs: number): void {
    if (!this.limits) return;
    if (this.successes.count(mchid, nowMs) >= this.limits.successPerSecond) {
      throw new WechatEngineError(
        "FREQUENCY_LIMITED",
        `商户号调用成功频率超过 ${this.limits.successPerSecond} 次/秒`,
        "rate_success",
      );
    }
    if (this.failures.count(mchid, nowMs) >= this.limits.failurePerSecond) {
      throw new WechatEngineError(
        "FREQUENCY_LIMITED",
        `错误或无效请求频率超过 ${this.limits.failurePerSecond} 次/秒`,
        "rate_failure",
      );
    }
  }
}
