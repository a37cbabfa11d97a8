import { generateKeyPairSync } from "node:crypto";
import { inspect } from "node:util";
import { AlipayProvider } from "@paybridge/alipay";
import {
  cny,
  createPayBridgeContainer,
  MemoryLogger,
  MemoryRefundLedger,
  NotificationIntake,
  REDACTED,
  RefundService,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import {
  type AlipaySandbox,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Every object that holds a merchant's keys prints them as [REDACTED], under util.inspect and JSON. */
describe("secrets never print", () => {
  let wechat: WechatSandbox;
  let alipay: AlipaySandbox;
  beforeAll(async () => {
    wechat = await startWechatSandbox({ merchants: [{ keyMode: "public_key" }] });
    alipay = await startAlipaySandbox();
  });
  afterAll(async () => {
    await wechat?.close();
    await alipay?.close();
  });

  function setup(logger = new MemoryLogger()) {
    const container = createPayBridgeContainer({ logger });
    registerProvider(container, WechatPayProvider);
    registerProvider(container, AlipayProvider);
    registerMerchant(container, { id: "wx", provider: "wechatpay", config: wechat.merchantConfig() });
    registerMerchant(container, { id: "ali", provider: "alipay", config: alipay.merchantConfig() });
    return resolveGateway(container);
  }
  // The secret parts: the base64 body of each private key, and the APIv3 key.
  const secrets = () => {
    const body = (pem: string) => pem.split("\n")[3] ?? "";
    return [
      body(wechat.merchantConfig().privateKey),
      wechat.merchantConfig().apiV3Key,
      body(alipay.merchantConfig().privateKey),
    ];
  };
  const expectClean = (text: string) => {
    for (const secret of secrets()) {
      expect(secret.length).toBeGreaterThan(16);
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain("PRIVATE KEY-----");
  };

  it("providers, the gateway and its merchants print redacted under util.inspect and JSON", () => {
    const gateway = setup();
    const wx = gateway.forMerchant("wx");
    const ali = gateway.forMerchant("ali");
    for (const value of [wx, ali, gateway, gateway.merchants]) {
      expectClean(inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: false }));
      expectClean(JSON.stringify(value));
    }
    expect(inspect(wx)).toContain("wechatpay");
    const merchants = JSON.stringify(gateway.merchants);
    expect(merchants).toContain(REDACTED);
    // Identifiers and public material stay readable.
    expect(merchants).toContain(wechat.merchantConfig().mchid);
    expect(merchants).toContain(alipay.merchantConfig().appId);
    // Code still reads the real values.
    const config = gateway.merchants.find((m) => m.id === "wx")?.config as { apiV3Key: string };
    expect(config.apiV3Key).toBe(wechat.merchantConfig().apiV3Key);
  });

  it("RefundService and NotificationIntake log through the gateway's redaction", async () => {
    const logger = new MemoryLogger();
    const gateway = setup(logger);
    const apiV3Key = wechat.merchantConfig().apiV3Key;
    const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    const ledger = new MemoryRefundLedger();
    const intake = new NotificationIntake({ gateway, ledger, logger });
    const refunds = new RefundService({ gateway, ledger, logger });
    // A refund number and a notification path are caller data that reach log lines verbatim.
    expect(apiV3Key).toMatch(/^[0-9A-Za-z_-]{32}$/);
    await refunds.recordOrder({
      outTradeNo: "LEAKORDER01",
      merchantId: "wx",
      total: cny(100),
      paidAt: new Date(),
    });
    await refunds.request({ outTradeNo: "LEAKORDER01", outRefundNo: apiV3Key, amount: cny(10) });
    expect(logger.lines.some((l) => l.msg === "refund stored")).toBe(true);
    await intake.handle(`x${apiV3Key}`, { headers: {}, body: pem });
    intake.logger.info({ echo: apiV3Key, pem }, `echo ${apiV3Key}`);
    const text = logger.text();
    expect(text).toContain(REDACTED);
    expect(text).not.toContain(apiV3Key);
    expect(text).not.toContain("PRIVATE KEY-----");
  });
});
