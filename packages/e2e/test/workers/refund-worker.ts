// One backend instance in the multi-process refund test: its own gateway, provider, PostgreSQL
// pool and (when REDIS_URL is given) the shared Redis limiter. Started by support/processes.ts.
// tsyringe needs the Reflect polyfill before it loads: this import stays first.
import "reflect-metadata";
import {
  MemoryRateLimiter,
  PaymentError,
  type RateLimiter,
  RefundRuleError,
  RefundService,
} from "@paybridge/core";
import { connectPostgres, PostgresRefundLedger } from "@paybridge/postgres";
import { RedisRateLimiter } from "@paybridge/redis";
import type { WechatPayV3ConfigInput } from "@paybridge/wechatpay";
import { Redis } from "ioredis";
import { wechatGateway } from "../support/wechat.js";
import { readyAndWaitForGo, reportResult, workerInput } from "./worker-io.js";

export interface RefundWorkerInput {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  readonly config: WechatPayV3ConfigInput;
  readonly requests: readonly { outTradeNo: string; outRefundNo: string; fen: number }[];
}

export interface RefundWorkerOutcome {
  readonly outRefundNo: string;
  readonly state?: number;
  readonly error?: { name: string; code: string; rule?: string; retryable: boolean; message: string };
}

const input = workerInput<RefundWorkerInput>();
const db = connectPostgres(input.databaseUrl, { max: 8 });
const redis = input.redisUrl ? new Redis(input.redisUrl) : undefined;
const limiter: RateLimiter = redis
  ? new RedisRateLimiter(redis, { prefix: input.redisPrefix })
  : new MemoryRateLimiter();
const service = new RefundService({
  gateway: wechatGateway(input.config),
  ledger: new PostgresRefundLedger(db, { schema: input.schema }),
  limiter,
  // The 200-refund race would otherwise be spaced a minute apart by WeChat's interval rule; the
  // simulator runs with its interval at 0 too. The interval itself is tested elsewhere.
  rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
  retry: { baseDelayMs: 20, maxDelayMs: 200 },
});

await readyAndWaitForGo();
const outcomes = await Promise.all(
  input.requests.map(async (r): Promise<RefundWorkerOutcome> => {
    try {
      const refund = await service.refund({
        outTradeNo: r.outTradeNo,
        outRefundNo: r.outRefundNo,
        amount: { fen: r.fen, currency: "CNY" },
      });
      return { outRefundNo: r.outRefundNo, state: refund.state };
    } catch (caught) {
      if (!(caught instanceof PaymentError)) throw caught;
      return {
        outRefundNo: r.outRefundNo,
        error: {
          name: caught.name,
          code: caught.code,
          ...(caught instanceof RefundRuleError ? { rule: caught.rule } : {}),
          retryable: caught.retryable,
          message: caught.message,
        },
      };
    }
  }),
);
reportResult(outcomes);
await db.close();
await redis?.quit();
