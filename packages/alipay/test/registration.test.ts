import {
  type AnyProviderClass,
  cny,
  createPayBridgeContainer,
  type ProviderClass,
  registerMerchant,
  registerProvider,
  resolveGateway,
  ValidationError,
} from "@paybridge/core";
import { startAlipaySandbox } from "@paybridge/sandbox";
import { describe, expect, it } from "vitest";
import { type AlipayConfig, AlipayProvider } from "../src/index.js";

// Compile-time proof that the class fits the provider contract.
const asProviderClass: ProviderClass<AlipayConfig> = AlipayProvider;

describe("alipay through the injector", () => {
  it("is one registration line; merchant config is validated when the merchant is added", async () => {
    const sandbox = await startAlipaySandbox();
    try {
      const container = createPayBridgeContainer();
      registerProvider(container, asProviderClass as AnyProviderClass);
      registerMerchant(container, {
        id: "alipay-main",
        provider: "alipay",
        config: sandbox.merchantConfig(),
      });
      const gateway = resolveGateway(container);
      const provider = gateway.forOrder({ provider: "alipay" });
      expect(provider.id).toBe("alipay");
      await provider.createPayment({
        outTradeNo: "INJ0000001",
        description: "x",
        amount: cny(100),
        method: "native",
        notifyUrl: "http://127.0.0.1:9/n",
      });
      sandbox.scan("INJ0000001"); // a precreate trade exists once its QR code is scanned
      expect((await provider.queryPayment({ outTradeNo: "INJ0000001" })).state).toBe(0);
      const bad = {
        ...sandbox.merchantConfig(),
        privateKey: "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----",
      };
      expect(() => gateway.addMerchant({ id: "alipay-bad", provider: "alipay", config: bad })).toThrow(
        ValidationError,
      );
      expect(() => gateway.addMerchant({ id: "alipay-bad", provider: "alipay", config: bad })).toThrow(
        /merchants\.alipay-bad\.config\.privateKey/,
      );
    } finally {
      await sandbox.close();
    }
  });
});
