import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigurationError, ValidationError } from "../errors/errors.js";
import { MemoryLogger } from "../logger/logger.js";
import { cny } from "../money/money.js";
import { limiterKey } from "../refunds/refund-provider-call.js";
import { HmacTestProvider } from "./__fixtures__/hmac-provider.js";
import { HmacServiceProvider, openedSessions } from "./__fixtures__/hmac-service-provider.js";
import {
  createPayBridgeContainer,
  registerMerchant,
  registerProvider,
  registerServiceProvider,
  resolveGateway,
} from "./container.js";

const SP_KEY = "key-of-the-service-provider-0123456789";

function setup(logger?: MemoryLogger) {
  const container = createPayBridgeContainer(logger ? { logger } : {});
  registerProvider(container, HmacTestProvider);
  registerProvider(container, HmacServiceProvider);
  registerMerchant(container, {
    id: "direct",
    provider: "hmac-test",
    config: { merchantNo: "M-D", secretKey: "key-of-direct-merchant-000000" },
  });
  registerServiceProvider(container, {
    id: "sp",
    provider: "hmac-sp",
    config: { merchantNo: "SP-1", secretKey: SP_KEY },
    subMerchants: [
      { id: "shop-a", config: { subMerchantNo: "S-A" } },
      { id: "shop-b", config: { subMerchantNo: "S-B" }, default: true },
    ],
  });
  return resolveGateway(container);
}

const payment = (outTradeNo: string) => ({
  outTradeNo,
  description: "test order",
  amount: cny(100),
  method: "native" as const,
  notifyUrl: "https://shop.example.com/notify",
});

describe("PaymentGateway with a service-provider account", () => {
  it("routes each sub-merchant like a merchant, signing with the service provider's one key", async () => {
    const gateway = setup();
    expect(gateway.merchants.map((m) => [m.id, m.serviceProvider])).toEqual([
      ["direct", undefined],
      ["shop-a", "sp"],
      ["shop-b", "sp"],
    ]);
    const a = await gateway.forOrder({ merchantId: "shop-a" }).createPayment(payment("ORDER000001"));
    const b = await gateway.forOrder({ merchantId: "shop-b" }).createPayment(payment("ORDER000001"));
    const sign = (text: string) => createHmac("sha256", SP_KEY).update(text).digest("hex");
    expect(a.action).toEqual({ type: "qr_code", content: `hmac://S-A/${sign("S-A/ORDER000001")}` });
    expect(b.action).toEqual({ type: "qr_code", content: `hmac://S-B/${sign("S-B/ORDER000001")}` });
    expect([a.merchantId, b.merchantId]).toEqual(["shop-a", "shop-b"]);
    // The default sub-merchant serves an order that names only the provider.
    expect(gateway.forOrder({ provider: "hmac-sp" }).merchantId).toBe("shop-b");
    expect(gateway.subMerchantsOf("sp").map((m) => m.id)).toEqual(["shop-a", "shop-b"]);
  });

  it("opens the service provider's keys once for all its sub-merchants", () => {
    const gateway = setup();
    const before = openedSessions.length;
    gateway.forMerchant("shop-a");
    gateway.forMerchant("shop-b");
    gateway.forMerchant("shop-a");
    expect(openedSessions.length - before).toBe(1);
    expect(gateway.forMerchant("shop-a")).not.toBe(gateway.forMerchant("shop-b"));
  });

  it("lets the sub-merchants share the service provider's refund rate budget when the provider says so", () => {
    const gateway = setup();
    expect(limiterKey(gateway.forMerchant("shop-a"))).toBe("hmac-sp:SP-1");
    expect(limiterKey(gateway.forMerchant("shop-b"))).toBe("hmac-sp:SP-1");
    expect(limiterKey(gateway.forMerchant("direct"))).toBe("hmac-test:direct");
  });

  it("checks the service provider's config and each sub-merchant's identity when added", () => {
    const gateway = setup();
    expect(() =>
      gateway.addServiceProvider({
        id: "sp2",
        provider: "hmac-sp",
        config: { merchantNo: "SP-2", secretKey: "short" },
        subMerchants: [],
      }),
    ).toThrow(/serviceProviders\.sp2\.config\.secretKey/);
    expect(() =>
      gateway.addServiceProvider({
        id: "sp3",
        provider: "hmac-sp",
        config: { merchantNo: "SP-3", secretKey: SP_KEY },
        subMerchants: [{ id: "shop-c", config: { subMerchantNo: "lower" } }],
      }),
    ).toThrow(ValidationError);
    expect(() =>
      gateway.addServiceProvider({
        id: "sp4",
        provider: "hmac-sp",
        config: { merchantNo: "SP-4", secretKey: SP_KEY },
        subMerchants: [{ id: "shop-a", config: { subMerchantNo: "S-X" } }],
      }),
    ).toThrow(/"shop-a" of "sp4" is added twice/);
    expect(() =>
      gateway.addServiceProvider({
        id: "sp5",
        provider: "hmac-test",
        config: { merchantNo: "SP-5", secretKey: SP_KEY },
        subMerchants: [],
      }),
    ).toThrow(ConfigurationError);
    expect(() =>
      gateway.addServiceProvider({
        id: "sp6",
        provider: "hmac-sp",
        config: { merchantNo: "SP-6", secretKey: SP_KEY },
        subMerchants: [
          { id: "twin", config: { subMerchantNo: "S-T" } },
          { id: "twin", config: { subMerchantNo: "S-U" } },
        ],
      }),
    ).toThrow(/"twin" is added twice/);
    // Nothing of a refused account was added.
    expect(gateway.merchants.map((m) => m.id)).toEqual(["direct", "shop-a", "shop-b"]);
  });

  it("never prints or logs the service provider's key", async () => {
    const logger = new MemoryLogger();
    const gateway = setup(logger);
    const provider = gateway.forMerchant("shop-a") as HmacServiceProvider;
    provider.context.logger.warn({ note: `leaked ${SP_KEY}` });
    expect(logger.text()).not.toContain(SP_KEY);
    expect(JSON.stringify(gateway)).not.toContain(SP_KEY);
    expect(JSON.stringify(gateway.merchants)).not.toContain(SP_KEY);
  });
});
