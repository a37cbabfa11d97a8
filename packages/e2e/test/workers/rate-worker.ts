// One backend instance in the shared-rate-limit test: refunds as fast as the Redis limiter lets
// it, for a fixed time, and counts every FREQUENCY_LIMITED answer it meets.
// tsyringe needs the Reflect polyfill before it loads: this import stays first.
import "reflect-metadata";
import { MemoryLogger, PaymentError, type RateLimiter, RefundService } from "@paybridge/core";
import { RedisRateLimiter } from "@paybridge/redis";
import type { WechatPayV3ConfigInput } from "@paybridge/wechatpay";
import { Redis } from "ioredis";
import { WECHAT_MERCHANT_ID, wechatGateway } from "../support/wechat.js";
import { readyAndWaitForGo, reportResult, workerInput } from "./worker-io.js";

export interface RateWorkerInput {
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly config: WechatPayV3ConfigInput;
  readonly orders: readonly { outTradeNo: string; totalFen: number }[];
  readonly refundsPerOrder: number;
  readonly runMs: number;
  readonly lanes: number;
}

export interface RateWorkerResult {
  readonly succeeded: number;
  /** Share of the lanes' time spent waiting for the limiter: near 1 when the budget, not the CPU, set the pace. */
  readonly waitShare: number;
  readonly frequencyLimited: number;
  readonly errors: readonly string[];
}

const input = workerInput<RateWorkerInput>();
const redis = new Redis(input.redisUrl);
const logger = new MemoryLogger();
const redisLimiter = new RedisRateLimiter(redis, { prefix: input.redisPrefix });
let waitedMs = 0;
const limiter: RateLimiter = {
  async acquire(key, limits, maxWaitMs) {
    const t0 = Date.now();
    try {
      return await redisLimiter.acquire(key, limits, maxWaitMs);
    } finally {
      waitedMs += Date.now() - t0;
    }
  },
  complete: (permit, outcome) => redisLimiter.complete(permit, outcome),
  pause: (key, ms) => redisLimiter.pause(key, ms),
};
const service = new RefundService({
  gateway: wechatGateway(input.config),
  limiter,
  rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
  logger,
  // Grants are counted when Redis grants them, the simulator counts arrivals: two lanes granted
  // at either end of one second can land inside one of the simulator's windows. 8% headroom
  // (138/s) absorbs that loopback jitter and still leaves the 90% budget check meaningful.
  rateHeadroom: 0.08,
});
for (const o of input.orders) {
  await service.recordOrder({
    outTradeNo: o.outTradeNo,
    merchantId: WECHAT_MERCHANT_ID,
    total: { fen: o.totalFen, currency: "CNY" },
    paidAt: new Date(),
  });
}
const work = input.orders.flatMap((o) =>
  Array.from({ length: input.refundsPerOrder }, (_, i) => ({
    outTradeNo: o.outTradeNo,
    outRefundNo: `${o.outTradeNo}R${i}`,
  })),
);

await readyAndWaitForGo();
const deadline = Date.now() + input.runMs;
let next = 0;
let succeeded = 0;
let frequencyLimited = 0;
const errors: string[] = [];
await Promise.all(
  Array.from({ length: input.lanes }, async () => {
    // Bounded twice: by the work list and by the deadline.
    for (let item = work[next++]; item && Date.now() < deadline; item = work[next++]) {
      try {
        await service.refund({ ...item, amount: { fen: 1, currency: "CNY" } });
        succeeded += 1;
      } catch (caught) {
        if (!(caught instanceof PaymentError)) throw caught;
        if (caught.providerCode === "FREQUENCY_LIMITED") frequencyLimited += 1;
        errors.push(`${caught.name}: ${caught.message}`);
      }
    }
  }),
);
// Retried FREQUENCY_LIMITED answers never reach the caller; the engine logs each retry.
const limited = logger.lines.filter(
  (l) => l.msg === "refund retry" && (l.obj as { code?: string }).code === "FREQUENCY_LIMITED",
);
frequencyLimited += limited.length;
errors.push(...limited.map((l) => `retried: ${(l.obj as { message?: string }).message}`));
const waitShare = waitedMs / (input.lanes * input.runMs);
reportResult({
  succeeded,
  waitShare,
  frequencyLimited,
  errors: errors.slice(0, 10),
} satisfies RateWorkerResult);
await redis.quit();
