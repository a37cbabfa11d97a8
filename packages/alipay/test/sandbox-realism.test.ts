import { cny, NotFoundError } from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlipayHarness, alipayHarness, providerFor } from "./support.js";

/**
 * The Alipay sandbox behaves as the live gateway does where that catches integrations out, and
 * the real client (alipay-sdk v4 under AlipayProvider) copes with each behaviour.
 */
describe("alipay sandbox realism through alipay-sdk", () => {
  let h: AlipayHarness;
  let old: AlipayHarness;
  beforeAll(async () => {
    h = await alipayHarness();
    old = await alipayHarness({ refundQueryOmitsStatus: true });
  });
  afterAll(async () => {
    await h.close();
    await old.close();
  });

  const precreate = async (harness: AlipayHarness, fen = 100) => {
    const outTradeNo = uniqueOutTradeNo("RL");
    const created = await harness.provider.createPayment({
      outTradeNo,
      description: "realism",
      amount: cny(fen),
      method: "native",
      notifyUrl: harness.receiver.url,
    });
    return { outTradeNo, created };
  };

  // https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate: the trade is created on scan.
  it("a precreate trade does not exist until scanned: query and close answer ACQ.TRADE_NOT_EXIST", async () => {
    const { outTradeNo } = await precreate(h);
    for (const call of [
      () => h.provider.queryPayment({ outTradeNo }),
      () => h.provider.closePayment({ outTradeNo }),
    ]) {
      await expect(call()).rejects.toMatchObject({
        name: "NotFoundError",
        providerCode: "ACQ.TRADE_NOT_EXIST",
      });
    }
    h.sandbox.scan(outTradeNo);
    expect(await h.provider.queryPayment({ outTradeNo })).toMatchObject({
      state: 0,
      rawStatus: "WAIT_BUYER_PAY",
    });
    await h.provider.closePayment({ outTradeNo });
    expect((await h.provider.queryPayment({ outTradeNo })).state).toBe(1);
  });

  it("an unscanned code that lapses never becomes a trade and notifies nothing", async () => {
    const { outTradeNo } = await precreate(h);
    await h.sandbox.advanceClock(16 * 24 * 3_600_000);
    await expect(h.provider.queryPayment({ outTradeNo })).rejects.toBeInstanceOf(NotFoundError);
    expect(h.sandbox.notifications().filter((n) => n.outTradeNo === outTradeNo)).toEqual([]);
    expect(() => h.sandbox.scan(outTradeNo)).toThrow();
  });

  it("escapes / as \\/ in signed answers by default, and alipay-sdk verifies those exact bytes", async () => {
    const { created } = await precreate(h);
    // The decoded qr_code is a plain URL: the client verified the signature over the escaped bytes
    // (validateSign) and only then parsed them.
    expect(created.action).toMatchObject({
      type: "qr_code",
      content: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/cashier\//),
    });
    const raw = await rawPrecreate(h);
    expect(raw).toContain('"qr_code":"http:\\/\\/127.0.0.1:');
  });

  it("refund query: only REFUND_SUCCESS is a refund; data without refund_status is 2 unless legacyRefundQuery", async () => {
    // https://opendocs.alipay.com/open/02ekfl: "未返回该字段表示退款请求未收到或者退款失败".
    const legacy = providerFor(old.sandbox, { legacyRefundQuery: true });
    for (const [harness, provider, expected] of [
      [h, h.provider, { state: 4, rawStatus: "REFUND_SUCCESS" }],
      [old, old.provider, { state: 2, rawStatus: "NO_REFUND_STATUS" }],
      [old, legacy, { state: 4, rawStatus: "REFUND_AMOUNT_ONLY" }],
    ] as const) {
      const { outTradeNo } = await precreate(harness, 500);
      await harness.sandbox.pay(outTradeNo);
      await provider.refund({
        outTradeNo,
        outRefundNo: `${outTradeNo}R`,
        amount: cny(200),
        total: cny(500),
      });
      const q = await provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` });
      expect(q).toMatchObject({ ...expected, amount: cny(200) });
    }
  });

  it("a query sooner than refundQuerySettleMs after the refund answers without refund data", async () => {
    const late = await alipayHarness({ refundQuerySettleMs: 10_000 });
    try {
      const { outTradeNo } = await precreate(late, 500);
      await late.sandbox.pay(outTradeNo);
      const ref = { outTradeNo, outRefundNo: `${outTradeNo}R` };
      await late.provider.refund({ ...ref, amount: cny(200), total: cny(500) });
      expect(await late.provider.queryRefund(ref)).toMatchObject({ state: 2, rawStatus: "NO_REFUND_DATA" });
      await late.sandbox.advanceClock(10_000);
      expect(await late.provider.queryRefund(ref)).toMatchObject({ state: 4, rawStatus: "REFUND_SUCCESS" });
      expect(late.sandbox.calls().map((c) => c.method)).toContain("alipay.trade.fastpay.refund.query");
    } finally {
      await late.close();
    }
  });
});

/** A precreate signed with the app key, read as raw bytes: what the gateway really wrote. */
async function rawPrecreate(h: AlipayHarness): Promise<string> {
  const { AlipaySdk } = await import("alipay-sdk");
  const config = h.sandbox.merchantConfig();
  const sdk = new AlipaySdk({
    appId: config.appId,
    privateKey: config.privateKey,
    keyType: "PKCS8",
    alipayPublicKey: h.sandbox.alipayKeys.publicKey,
    gateway: config.gateway,
  });
  const url = sdk.pageExecute("alipay.trade.precreate", "GET", {
    bizContent: { out_trade_no: uniqueOutTradeNo("RAW"), total_amount: "1.00", subject: "raw" },
  });
  const res = await fetch(url);
  return res.text();
}
