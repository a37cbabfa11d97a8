import type { SandboxClock } from "../../shared/clock.js";
import type { SimulatorRateLimits } from "./rate-limiter.js";
import type { EngineRefund, PromotionInput } from "./types.js";

export interface WechatEngineOptions {
  /** Defaults to real time plus an offset that `advance` grows. */
  readonly clock?: SandboxClock;
  /** How long a refund stays PROCESSING before it settles (default 5 s of engine time). */
  readonly refundDelayMs?: number;
  /** Days after pay success a refund is accepted (https://pay.weixin.qq.com/doc/v3/merchant/4012556457: "按支付成功时间+365天计算"). */
  readonly refundWindowDays?: number;
  /** Refunds one order may have (same page: "每个支付订单的部分退款次数不能超过50次"). */
  readonly maxRefundsPerOrder?: number;
  /** Least time between two refunds of one order (same page: "同一笔订单多次退款的请求需相隔1分钟"). */
  readonly refundIntervalMs?: number;
  /** Refund calls per second per merchant; `false` turns the limiter off. */
  readonly rateLimits?: SimulatorRateLimits | false;
  /**
   * How long after creation an in-person (codepay) order still unpaid is revoked by WeChat itself
   * (default 45 s, https://pay.weixin.qq.com/doc/global/v2/zh/4013637903). A test of the client's
   * own reversal sets it past the client's query loop.
   */
  readonly autoRevokeMs?: number;
  /** Randomness for generated ids; inject for reproducible ids. */
  readonly random?: () => number;
}

export interface PayOptions {
  readonly mchid?: string | undefined;
  /** What the buyer paid in cash; defaults to the order total less the coupons. */
  readonly payerTotalFen?: number | undefined;
  /** Coupons and discounts the buyer used (see promotions.ts): payer_total becomes total - their sum. */
  readonly promotions?: readonly PromotionInput[] | undefined;
  readonly bankType?: string | undefined;
  readonly payerOpenid?: string | undefined;
}

export interface RefundOutcome {
  readonly refund: Readonly<EngineRefund>;
  /** False when the same out_refund_no was already accepted and the original is returned. */
  readonly created: boolean;
}
