import { randomBytes } from "node:crypto";
import {
  createPayBridgeContainer,
  type Logger,
  type PaymentGateway,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { AcceptingProvider, PayoutBook } from "./accepting-provider.js";
import { type RatioResult, runRatio } from "./ratio.js";
import type { BenchScale } from "./scale.js";

/** A logger that writes nothing but says every level is on: the redacting wrapper does all its work. */
const enabledSink: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => enabledSink,
  isLevelEnabled: () => true,
};

/** A gateway with `count` merchants of one provider, each with its own secret key; the last is the default. */
function gatewayWith(count: number, logger: Logger | undefined): PaymentGateway {
  const container = createPayBridgeContainer(logger ? { logger } : {});
  registerProvider(container, AcceptingProvider);
  const book = new PayoutBook();
  for (let i = 0; i < count; i++) {
    registerMerchant(container, {
      id: `m${i}`,
      provider: AcceptingProvider.id,
      default: i === count - 1,
      config: { book, apiV3Key: randomBytes(24).toString("base64") },
    });
  }
  return resolveGateway(container);
}

/**
 * The cost of routing and logging at 1,000 merchants against 1 (time ratio, target <= 1.1x), each
 * op on the merchant added last (the worst place for a scan). merchantFor by the merchant's id and
 * by provider default; forOrder; a provider log line (an object with an order number and a message
 * quoting an error) with logging off (the default silent logger) and on (a sink that takes every
 * level, so every secret of every merchant is scrubbed for).
 */
export async function benchManyMerchants(scale: BenchScale): Promise<RatioResult[]> {
  const many = scale.manyMerchants;
  const cases: {
    name: string;
    op: (g: PaymentGateway, last: string) => unknown;
    logger?: Logger;
  }[] = [
    {
      name: "merchantFor (by id, by provider default)",
      op: (g, last) => {
        g.merchantFor({ outTradeNo: "MM1", merchantId: last });
        return g.merchantFor({ outTradeNo: "MM1", provider: AcceptingProvider.id });
      },
    },
    { name: "forOrder", op: (g, last) => g.forOrder({ outTradeNo: "MM1", merchantId: last }) },
    { name: "provider log call, logging off", op: logCall },
    { name: "provider log call, logging on", op: logCall, logger: enabledSink },
  ];
  const results: RatioResult[] = [];
  for (const c of cases) {
    const one = gatewayWith(1, c.logger);
    const thousand = gatewayWith(many, c.logger);
    const lastOne = "m0";
    const lastMany = `m${many - 1}`;
    // The provider instances exist before timing (created on first use).
    one.forMerchant(lastOne);
    thousand.forMerchant(lastMany);
    results.push(
      await runRatio({
        name: `${c.name}: ${many.toLocaleString("en-US")} merchants / 1`,
        rounds: scale.manyMerchantRounds,
        opsPerRound: scale.manyMerchantOpsPerRound,
        warmup: Math.min(2_000, scale.manyMerchantOpsPerRound),
        slices: 20,
        baseline: async () => c.op(one, lastOne),
        candidate: async () => c.op(thousand, lastMany),
      }),
    );
  }
  return results;
}

function logCall(g: PaymentGateway, last: string): void {
  const provider = g.forMerchant(last) as AcceptingProvider;
  provider.logger.info(
    { outTradeNo: "MM1234567890", outRefundNo: "MM1234567890R1", fen: 300, code: "SYSTEM_ERROR" },
    "refund retry: connect ECONNREFUSED 127.0.0.1:443 while sending /v3/refund/domestic/refunds",
  );
}
