import type { z } from "zod";
import type { PaymentGateway } from "../injector/gateway.js";
import { type Logger, silentLogger } from "../logger/logger.js";
import { type Clock, systemClock } from "../provider/clock.js";
import type { MerchantAccount, PaymentProvider } from "../provider/contract.js";
import type { RefundRules } from "../provider/refund-rules.js";
import { notifyUrlSchema } from "../schemas/common.js";
import { parseInput } from "../schemas/parse.js";
import type { RefundLedger } from "./ledger.js";
import { MemoryRefundLedger } from "./memory-ledger.js";
import { MemoryRateLimiter } from "./memory-rate-limiter.js";
import type { RateLimiter, RateLimits } from "./rate-limiter.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import { realSleep, type Sleep } from "./time.js";

/** WeChat's published per-merchant limits, used when a provider declares none (docs/refunds.md "Rules checked before any call", https://pay.weixin.qq.com/doc/v3/merchant/4012556457). */
export const DEFAULT_RATE_LIMITS: RateLimits = { successPerSecond: 150, failurePerSecond: 6 };

export interface RefundRuleOverrides {
  /** By provider id ("wechatpay"): e.g. `{ minIntervalMs: 0 }` where a contract allows it. */
  readonly byProvider?: Readonly<Record<string, Partial<RefundRules>>>;
  /** By merchant account id; wins over byProvider. */
  readonly byMerchant?: Readonly<Record<string, Partial<RefundRules>>>;
}

export interface RefundServiceOptions {
  readonly gateway: PaymentGateway;
  /** Default: MemoryRefundLedger (one process, not durable). */
  readonly ledger?: RefundLedger;
  /** Default: MemoryRateLimiter (one process). */
  readonly limiter?: RateLimiter;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** In [0, 1); the jitter source. */
  readonly random?: () => number;
  readonly retry?: Partial<RetryPolicy>;
  readonly rules?: RefundRuleOverrides;
  /** Longest wait for rate budget or for the refund interval before giving up with a retryable error. */
  readonly maxWaitMs?: number;
  /** How long INVALID_REQ_TOO_MUCH stops calls to that merchant (WeChat: one minute). */
  readonly throttlePauseMs?: number;
  /**
   * Share of each rate limit left unused (default 0.05: 142 of 150 per second): the provider
   * timestamps a call when it arrives, a little after we granted it, so a budget used to the last
   * call could overflow the provider's window.
   */
  readonly rateHeadroom?: number;
  /**
   * The refund notification URL, per merchant. A function of the merchant account wins; else the
   * merchant's own configured `notifyUrl` (the provider sends it); else this string, which is then
   * only the default for merchants that configure none. Every merchant's URL is validated when
   * the service is built.
   */
  readonly notifyUrl?: string | ((merchant: MerchantAccount) => string | undefined);
  /** Backoff of resumePending() for refunds left open: base and cap of the delay between recoveries. */
  readonly recovery?: Partial<RetryPolicy>;
  readonly logger?: Logger;
}

/** RefundServiceOptions with every default filled in: what the refund engine's parts work with. */
export interface RefundContext {
  readonly ledger: RefundLedger;
  readonly limiter: RateLimiter;
  readonly gateway: PaymentGateway;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly retry: RetryPolicy;
  readonly overrides: RefundRuleOverrides;
  readonly maxWaitMs: number;
  readonly throttlePauseMs: number;
  readonly headroom: number;
  readonly notifyUrl: RefundServiceOptions["notifyUrl"];
  readonly recovery: RetryPolicy;
  readonly logger: Logger;
}

/** Recovery of a refund left open: 5 s, doubled each time, at most 10 minutes apart. */
export const DEFAULT_RECOVERY_POLICY: RetryPolicy = {
  maxAttempts: 0,
  baseDelayMs: 5_000,
  maxDelayMs: 600_000,
};

export function resolveRefundOptions(options: RefundServiceOptions): RefundContext {
  if (typeof options.notifyUrl === "string") parseInput(notifyUrlSchema, options.notifyUrl, "notifyUrl");
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  return {
    gateway: options.gateway,
    clock,
    sleep,
    ledger: options.ledger ?? new MemoryRefundLedger(),
    limiter: options.limiter ?? new MemoryRateLimiter({ now: () => clock().getTime(), sleep }),
    random: options.random ?? Math.random,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    overrides: options.rules ?? {},
    maxWaitMs: options.maxWaitMs ?? 10_000,
    throttlePauseMs: options.throttlePauseMs ?? 60_000,
    headroom: options.rateHeadroom ?? 0.05,
    notifyUrl: options.notifyUrl,
    recovery: { ...DEFAULT_RECOVERY_POLICY, ...options.recovery },
    // Redacted with every merchant secret the gateway holds, like the providers' and the intake's.
    logger: options.gateway.redacting(options.logger ?? silentLogger).child({ component: "refunds" }),
  };
}

/** The refund rules in force for a merchant: the provider's, then per-provider and per-merchant overrides. */
export function rulesFor(overrides: RefundRuleOverrides, provider: PaymentProvider): RefundRules {
  return {
    ...provider.refundRules,
    ...overrides.byProvider?.[provider.id],
    ...overrides.byMerchant?.[provider.merchantId],
  };
}

/** The call budget actually used: the rules' limits (or WeChat's) less the headroom. */
export function limitsFor(rules: RefundRules, headroom: number): RateLimits {
  const limits = rules.rateLimit ?? DEFAULT_RATE_LIMITS;
  const keep = 1 - headroom;
  return {
    successPerSecond: Math.max(1, Math.floor(limits.successPerSecond * keep)),
    failurePerSecond: Math.max(1, Math.floor(limits.failurePerSecond * keep)),
  };
}

/** The merchant's own configured notify URL, when its provider config has one. */
function configuredNotifyUrl(account: MerchantAccount): string | undefined {
  const config = account.config as { readonly notifyUrl?: unknown } | undefined;
  return typeof config?.notifyUrl === "string" ? config.notifyUrl : undefined;
}

/**
 * The refund notify URL to send for `account`, validated (the field names the merchant), or
 * undefined to let the provider use the merchant's own configuration (which its config schema
 * checked when the merchant was added). `providerRule` is the provider's own rule
 * (ProviderClass.refundNotifyUrlSchema), checked after the shared https rule.
 */
export function notifyUrlForAccount(
  option: RefundServiceOptions["notifyUrl"],
  account: MerchantAccount,
  providerRule?: z.ZodType<string>,
): string | undefined {
  const field = `notifyUrl(${account.id})`;
  const url =
    typeof option === "function"
      ? option(account)
      : configuredNotifyUrl(account) !== undefined
        ? undefined
        : option;
  if (url === undefined) return undefined;
  const checked = parseInput(notifyUrlSchema, url, field);
  return providerRule ? parseInput(providerRule, checked, field) : checked;
}

/** The refund notify URL for a provider instance (its merchant account). */
export function notifyUrlFor(ctx: RefundContext, provider: PaymentProvider): string | undefined {
  const account = ctx.gateway.merchants.find((m) => m.id === provider.merchantId);
  return account
    ? notifyUrlForAccount(ctx.notifyUrl, account, ctx.gateway.refundNotifyUrlSchema(account.provider))
    : undefined;
}
