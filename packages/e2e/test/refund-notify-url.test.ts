// Refund notify URLs per merchant (issue "Refunds that cannot lose money", item 5): each WeChat
// merchant's refund carries its own notify_url at the simulator, from the merchant's config or a
// function of the merchant; a URL WeChat would refuse is a configuration error naming the field
// when RefundService is built, not a refund stuck at 2 later.
import {
  createPayBridgeContainer,
  MemoryRefundLedger,
  type PaymentGateway,
  RefundService,
  registerMerchant,
  registerProvider,
  resolveGateway,
  ValidationError,
} from "@paybridge/core";
import {
  ManualClock,
  startWechatSandbox,
  type WechatSandbox,
  wechatMerchantConfig,
} from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paidWechatOrder } from "./support/wechat.js";

const A = "1900100001";
const B = "1900100002";

describe("refund notify URLs per WeChat merchant", () => {
  let sandbox: WechatSandbox;
  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      allowLoopbackHttpNotify: true,
      clock: new ManualClock(Date.now()),
      merchants: [
        { mchid: A, keyMode: "public_key" },
        { mchid: B, keyMode: "public_key" },
      ],
      rateLimits: false,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  /** Two merchants on one gateway, each with an optional notifyUrl of its own config. */
  const gatewayOf = (notify: { a?: string; b?: string }): PaymentGateway => {
    const container = createPayBridgeContainer();
    registerProvider(container, WechatPayProvider);
    for (const [id, mchid, url] of [
      ["wx-a", A, notify.a],
      ["wx-b", B, notify.b],
    ] as const) {
      registerMerchant(container, {
        id,
        provider: WechatPayProvider.id,
        config: {
          ...wechatMerchantConfig(sandbox.merchant(mchid), sandbox.origin),
          // The refunds notify to loopback http: these merchants opt in, as the sandbox does.
          allowLoopbackHttpNotify: true,
          ...(url ? { notifyUrl: url } : {}),
        },
      });
    }
    return resolveGateway(container);
  };

  /** Refunds one fresh order of each merchant; returns the notify_url each refund carries at the simulator. */
  const refundBoth = async (service: RefundService) => {
    const seen: Record<string, string | undefined> = {};
    for (const [id, mchid] of [
      ["wx-a", A],
      ["wx-b", B],
    ] as const) {
      const outTradeNo = `PNU${id.slice(3)}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
      paidWechatOrder(sandbox, outTradeNo, 500, mchid);
      await service.recordOrder({
        outTradeNo,
        merchantId: id,
        total: { fen: 500, currency: "CNY" },
        paidAt: sandbox.engine.now(),
      });
      await service.refund({
        outTradeNo,
        outRefundNo: `${outTradeNo}R`,
        amount: { fen: 100, currency: "CNY" },
      });
      seen[id] = sandbox.engine.refundsOf(outTradeNo, mchid)[0]?.notifyUrl;
    }
    return seen;
  };

  const service = (gateway: PaymentGateway, notifyUrl?: string) =>
    new RefundService({
      gateway,
      ledger: new MemoryRefundLedger(),
      clock: () => sandbox.engine.now(),
      sleep: async (ms) => sandbox.control.advance(Math.ceil(ms)),
      ...(notifyUrl !== undefined ? { notifyUrl } : {}),
    });

  it("each merchant's own configured notifyUrl; the service's string is only the default for the others", async () => {
    const gateway = gatewayOf({ a: "http://127.0.0.1:9/refund/a" });
    const seen = await refundBoth(service(gateway, "http://127.0.0.1:9/refund/default"));
    expect(seen).toEqual({
      "wx-a": "http://127.0.0.1:9/refund/a",
      "wx-b": "http://127.0.0.1:9/refund/default",
    });
  });

  it("a function of the merchant gives each merchant's refund its own URL", async () => {
    const gateway = gatewayOf({});
    const refunds = new RefundService({
      gateway,
      ledger: new MemoryRefundLedger(),
      clock: () => sandbox.engine.now(),
      sleep: async (ms) => sandbox.control.advance(Math.ceil(ms)),
      notifyUrl: (merchant) => `http://127.0.0.1:9/refund/${merchant.id}`,
    });
    expect(await refundBoth(refunds)).toEqual({
      "wx-a": "http://127.0.0.1:9/refund/wx-a",
      "wx-b": "http://127.0.0.1:9/refund/wx-b",
    });
  });

  it("a URL WeChat refuses fails when the service is built, naming the merchant's field; nothing is sent", async () => {
    const gateway = gatewayOf({});
    const calls = sandbox.engine.callCount;
    for (const [bad, rule] of [
      [(m: { id: string }) => `https://shop.example.com/refund?m=${m.id}`, /notifyUrl\(wx-a\).*query string/],
      [() => `https://shop.example.com/${"x".repeat(260)}`, /notifyUrl\(wx-a\).*256 bytes/],
      [
        (m: { id: string }) => (m.id === "wx-b" ? "http://shop.example.com/refund" : undefined),
        /notifyUrl\(wx-b\).*https/,
      ],
    ] as const) {
      expect(() => new RefundService({ gateway, notifyUrl: bad })).toThrow(ValidationError);
      expect(() => new RefundService({ gateway, notifyUrl: bad })).toThrow(rule);
    }
    expect(() => new RefundService({ gateway, notifyUrl: "ftp://shop.example.com/x" })).toThrow(/notifyUrl/);
    expect(sandbox.engine.callCount).toBe(calls);
    // A merchant's own config is checked by WeChat's rule when the merchant is added.
    expect(() => gatewayOf({ b: "https://shop.example.com/refund?x=1" })).toThrow(/notifyUrl.*query string/);
  });
});
