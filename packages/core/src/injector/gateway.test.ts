import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigurationError, ValidationError } from "../errors/errors.js";
import { MemoryLogger } from "../logger/logger.js";
import { cny } from "../money/money.js";
import { HmacTestProvider } from "./__fixtures__/hmac-provider.js";
import { createPayBridgeContainer, registerMerchant, registerProvider, resolveGateway } from "./container.js";
import { PaymentGateway } from "./gateway.js";
import { detectClient, routeByClient } from "./routing.js";

const KEY_A = "key-of-merchant-A-0123456789abcdef";
const KEY_B = "key-of-merchant-B-fedcba9876543210";

/** A second provider class with a different id, standing for "the other provider" in routing tests. */
class OtherTestProvider extends HmacTestProvider {
  static override readonly id: string = "other-test";
  override readonly id: string = OtherTestProvider.id;
}

function setup(options: Parameters<typeof createPayBridgeContainer>[0] = {}) {
  const container = createPayBridgeContainer(options);
  registerProvider(container, HmacTestProvider);
  registerProvider(container, OtherTestProvider);
  registerMerchant(container, {
    id: "a",
    provider: "hmac-test",
    config: { merchantNo: "M-A", secretKey: KEY_A },
  });
  registerMerchant(container, {
    id: "b",
    provider: "hmac-test",
    config: { merchantNo: "M-B", secretKey: KEY_B },
    default: true,
  });
  registerMerchant(container, {
    id: "o",
    provider: "other-test",
    config: { merchantNo: "M-O", secretKey: "key-of-merchant-O-000000000000" },
  });
  return { container, gateway: resolveGateway(container) };
}

const payment = (outTradeNo: string) => ({
  outTradeNo,
  description: "test order",
  amount: cny(100),
  method: "native" as const,
  notifyUrl: "https://shop.example.com/notify",
});

const hmac = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");

describe("PaymentGateway", () => {
  it("is built by tsyringe from the registered providers and merchants", () => {
    const { gateway } = setup();
    expect(gateway).toBeInstanceOf(PaymentGateway);
    expect(gateway.providerIds).toEqual(["hmac-test", "other-test"]);
    expect(gateway.merchants.map((m) => m.id)).toEqual(["a", "b", "o"]);
  });

  it("uses the order's own merchant account, with that account's key", async () => {
    const { gateway } = setup();
    const a = await gateway
      .forOrder({ outTradeNo: "ORDER000001", merchantId: "a" })
      .createPayment(payment("ORDER000001"));
    const b = await gateway
      .forOrder({ outTradeNo: "ORDER000001", merchantId: "b" })
      .createPayment(payment("ORDER000001"));
    expect(a.merchantId).toBe("a");
    expect(a.action).toEqual({ type: "qr_code", content: `hmac://M-A/${hmac(KEY_A, "ORDER000001")}` });
    expect(b.action).toEqual({ type: "qr_code", content: `hmac://M-B/${hmac(KEY_B, "ORDER000001")}` });
  });

  it("falls back to the provider's only or default merchant", () => {
    const { gateway } = setup();
    expect(gateway.merchantFor({ provider: "other-test" }).id).toBe("o");
    expect(gateway.merchantFor({ provider: "hmac-test" }).id).toBe("b");
  });

  it("stops taking a sole merchant as the default once a second unmarked one is added", () => {
    const gateway = new PaymentGateway([HmacTestProvider], [], undefined, undefined);
    gateway.addMerchant({ id: "x", provider: "hmac-test", config: { merchantNo: "M-X", secretKey: KEY_A } });
    expect(gateway.merchantFor({ provider: "hmac-test" }).id).toBe("x");
    gateway.addMerchant({ id: "y", provider: "hmac-test", config: { merchantNo: "M-Y", secretKey: KEY_B } });
    expect(() => gateway.merchantFor({ provider: "hmac-test" })).toThrow(
      /2 merchants and none is marked default/,
    );
    gateway.addMerchant({
      id: "z",
      provider: "hmac-test",
      config: { merchantNo: "M-Z", secretKey: "key-of-merchant-Z-000000000000" },
      default: true,
    });
    expect(gateway.merchantFor({ provider: "hmac-test" }).id).toBe("z");
  });

  it("lets a user router choose by the buyer's client", () => {
    const { gateway } = setup({ router: routeByClient({ wechat: "a", alipay: "o" }) });
    const inWechat = detectClient("Mozilla/5.0 (iPhone) MicroMessenger/8.0.49");
    const inAlipay = detectClient("Mozilla/5.0 (Linux; Android 14) AlipayClient/10.5.0");
    expect([inWechat, inAlipay]).toEqual(["wechat", "alipay"]);
    expect(gateway.forOrder({ client: inWechat }).merchantId).toBe("a");
    expect(gateway.forOrder({ client: inAlipay }).id).toBe("other-test");
    // A desktop buyer is not routed by client; the chosen provider's default merchant serves it.
    expect(
      gateway.forOrder({ client: detectClient("Mozilla/5.0 (X11; Linux)"), provider: "hmac-test" })
        .merchantId,
    ).toBe("b");
  });

  it("refuses orders it cannot route, naming why", () => {
    const { gateway } = setup();
    expect(() => gateway.forOrder({ outTradeNo: "ORDER000002" })).toThrow(/names no merchant or provider/);
    expect(() => gateway.forOrder({ merchantId: "zz" })).toThrow(/no merchant account "zz"/);
    expect(() => gateway.forOrder({ merchantId: "o", provider: "hmac-test" })).toThrow(ConfigurationError);
  });

  it("reuses one provider instance per merchant account", () => {
    const { gateway } = setup();
    expect(gateway.forMerchant("a")).toBe(gateway.forOrder({ merchantId: "a" }));
    expect(gateway.forMerchant("a")).not.toBe(gateway.forMerchant("b"));
  });

  it("never lets one merchant's instance see another merchant's key", () => {
    const { gateway } = setup();
    const a = gateway.forMerchant("a") as HmacTestProvider;
    const b = gateway.forMerchant("b") as HmacTestProvider;
    const reachable = (value: unknown, seen = new Set<unknown>()): string[] => {
      if (typeof value === "string") return [value];
      if (!value || typeof value !== "object" || seen.has(value)) return [];
      seen.add(value);
      return Object.values(value).flatMap((v) => reachable(v, seen));
    };
    expect(reachable(a).join("|")).not.toContain(KEY_B);
    expect(reachable(b).join("|")).not.toContain(KEY_A);
    expect(a.sign("x")).toBe(hmac(KEY_A, "x"));
    expect(b.sign("x")).toBe(hmac(KEY_B, "x"));
  });

  it("validates each merchant's configuration with its provider's schema when it is added", () => {
    const container = createPayBridgeContainer();
    registerProvider(container, HmacTestProvider);
    registerMerchant(container, {
      id: "bad",
      provider: "hmac-test",
      config: { merchantNo: "M", secretKey: "short" },
    });
    expect(() => resolveGateway(container)).toThrow(ValidationError);
    expect(() => resolveGateway(container)).toThrow(/merchants\.bad\.config\.secretKey/);
  });

  it("rejects a merchant of an unregistered provider", () => {
    const gateway = resolveGateway(createPayBridgeContainer());
    expect(() => gateway.addMerchant({ id: "x", provider: "nope", config: {} })).toThrow(
      /provider "nope", which is not registered/,
    );
  });

  it("keeps two setups in one process apart", () => {
    const one = setup().gateway;
    const two = resolveGateway(createPayBridgeContainer());
    expect(one.merchants).toHaveLength(3);
    expect(two.merchants).toHaveLength(0);
  });

  it("never writes a merchant's secret to the log, under any key", async () => {
    const logger = new MemoryLogger();
    const { gateway } = setup({ logger });
    const provider = gateway.forMerchant("a") as HmacTestProvider;
    provider.context.logger.warn(
      { note: `leaked ${KEY_A} here`, nested: { apiV3Key: "whatever-value" } },
      KEY_B,
    );
    provider.context.logger.error({ err: new Error(`failed with key ${KEY_B}`) });
    await provider.createPayment(payment("ORDER000003"));
    const text = logger.text();
    expect(logger.lines.length).toBeGreaterThanOrEqual(3);
    expect(text).not.toContain(KEY_A);
    expect(text).not.toContain(KEY_B);
    expect(text).not.toContain("whatever-value");
    expect(text).toContain("[REDACTED]");
    expect(text).toContain('"merchant":"a"');
  });
});
