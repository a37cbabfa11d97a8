/**
 * The share of notifications WeChat Pay signs with the new WeChat Pay public key while a merchant
 * switches from platform certificates (平台证书切换微信支付公钥,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012154180). WeChat controls this ramp, not the merchant;
 * its support staff describe it as 0.1% on day one, then 1%, 5%, 10%, 20%, 50% and 100% from day
 * seven on (https://developers.weixin.qq.com/community/pay/doc/0008ce1ea905609afef23aa2a66000).
 * Answers are not ramped: they follow the Wechatpay-Serial of each request.
 */
export interface SwitchStep {
  /** Time since the switch started (sandbox clock), from which `ratio` holds. */
  readonly afterMs: number;
  /** Share of notifications signed with the public key, 0..1. */
  readonly ratio: number;
}

const DAY_MS = 24 * 3600_000;

/** WeChat's seven-day ramp. */
export const WECHAT_SWITCH_RAMP: readonly SwitchStep[] = [
  { afterMs: 0, ratio: 0.001 },
  { afterMs: 1 * DAY_MS, ratio: 0.01 },
  { afterMs: 2 * DAY_MS, ratio: 0.05 },
  { afterMs: 3 * DAY_MS, ratio: 0.1 },
  { afterMs: 4 * DAY_MS, ratio: 0.2 },
  { afterMs: 5 * DAY_MS, ratio: 0.5 },
  { afterMs: 6 * DAY_MS, ratio: 1 },
];

/** Checks a schedule (sorted, starting at 0, ratios within 0..1); throws naming the step. */
export function checkSwitchSchedule(
  schedule: readonly SwitchStep[],
  field = "schedule",
): readonly SwitchStep[] {
  if (schedule.length === 0) throw new RangeError(`${field}: needs at least one step`);
  schedule.forEach((step, i) => {
    if (!Number.isFinite(step.afterMs) || step.afterMs < 0)
      throw new RangeError(`${field}[${i}].afterMs: must be a non-negative number of ms`);
    if (!Number.isFinite(step.ratio) || step.ratio < 0 || step.ratio > 1)
      throw new RangeError(`${field}[${i}].ratio: must be between 0 and 1`);
    const previous = schedule[i - 1];
    if (previous && step.afterMs <= previous.afterMs)
      throw new RangeError(`${field}[${i}].afterMs: steps must be in increasing order`);
  });
  if (schedule[0]?.afterMs !== 0) throw new RangeError(`${field}[0].afterMs: the first step must start at 0`);
  return schedule;
}

/** The ratio in force `elapsedMs` after the switch started. */
export function ratioAt(schedule: readonly SwitchStep[], elapsedMs: number): number {
  let ratio = 0;
  for (const step of schedule) if (elapsedMs >= step.afterMs) ratio = step.ratio;
  return ratio;
}

/**
 * A small seeded generator (mulberry32), so a test's share of public-key notifications is the
 * same on every run; the sandbox uses Math.random when no seed is given.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How a merchant in `switch` mode ramps notifications to the public key. */
export interface WechatSwitchOptions {
  /** The ramp on the sandbox clock (default: WeChat's seven days, 0.1% -> 100%). */
  readonly schedule?: readonly SwitchStep[];
  /** A fixed share instead of a schedule, 0..1. */
  readonly ratio?: number;
  /** When the ramp started (sandbox clock; default: when switch mode was set). */
  readonly startedAt?: Date;
  /** Seed for the public-key-or-certificate draw, for reproducible runs (default Math.random). */
  readonly seed?: number;
}
