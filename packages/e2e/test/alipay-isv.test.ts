// Alipay ISV (third-party application authorisation) end to end: the real AlipayProvider acting for
// two merchants that authorised one app, against the sandbox's ISV gateway. Every call carries the
// merchant's app_auth_token; each merchant's trades are its own; notifications are routed by
// auth_app_id and one for the other merchant is refused.

import { AlipayProvider } from "@paybridge/alipay";
import {
  ConflictError,
  createPayBridgeContainer,
  MemoryRefundLedger,
  type PaymentGateway,
  RefundService,
  RefundState,
  registerProvider,
  registerServiceProvider,
  resolveGateway,
  SignatureError,
  silentLogger,
  TradeState,
} from "@paybridge/core";
import { type AlipayIsvSandbox, startAlipayIsvSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN_A = "202512BBa1b2c3d4e5f6a7b8c9d0e1f2aa";
const TOKEN_B = "202512BBf6e5d4c3b2a1f0e9d8c7b6a5bb";
const APP_A = "2021000149610001";
const APP_B = "2021000149610002";
const SELLER_A = "2088100000000001";
const SELLER_B = "2088100000000002";

let sequence = 0;
const fresh = (prefix: string) => {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${sequence}`;
};

describe("Alipay ISV (app_auth_token) against the sandbox", () => {
  let isv: AlipayIsvSandbox;
  let gateway: PaymentGateway;
  let refunds: RefundService;

  beforeAll(async () => {
    isv = await startAlipayIsvSandbox({
      authorizations: [
        { appAuthToken: TOKEN_A, authAppId: APP_A, sellerId: SELLER_A },
        { appAuthToken: TOKEN_B, authAppId: APP_B, sellerId: SELLER_B },
      ],
    });
    const container = createPayBridgeContainer();
    registerProvider(container, AlipayProvider);
    registerServiceProvider(container, {
      id: "ali-isv",
      provider: AlipayProvider.id,
      config: { ...isv.isvConfig(), timeoutMs: 5000 },
      subMerchants: [
        { id: "shop-a", config: { appAuthToken: TOKEN_A, authAppId: APP_A, sellerId: SELLER_A } },
        { id: "shop-b", config: { appAuthToken: TOKEN_B, authAppId: APP_B, sellerId: SELLER_B } },
      ],
    });
    gateway = resolveGateway(container);
    refunds = new RefundService({
      gateway,
      ledger: new MemoryRefundLedger(),
      clock: () => isv.merchant(TOKEN_A).now(),
      sleep: async (ms) => {
        await isv.merchant(TOKEN_A).advanceClock(Math.ceil(ms));
        await isv.merchant(TOKEN_B).advanceClock(Math.ceil(ms));
      },
    });
  });
  afterAll(async () => {
    await isv?.close();
  });

  const a = () => gateway.forMerchant("shop-a") as AlipayProvider;
  const b = () => gateway.forMerchant("shop-b") as AlipayProvider;
  const order = (outTradeNo: string, fen = 1000) => ({
    outTradeNo,
    description: "isv e2e",
    amount: { fen, currency: "CNY" as const },
    method: "native" as const,
    notifyUrl: "http://127.0.0.1:9/alipay/notify",
  });

  it("pays, queries, closes and cancels per authorising merchant; the other's token never finds the trade", async () => {
    expect(a().capabilities.modes).toEqual(["service_provider"]);
    const paid = fresh("IP");
    await a().createPayment(order(paid));
    expect(isv.merchant(TOKEN_A).trade(paid)).toBeDefined();
    expect(isv.merchant(TOKEN_B).trade(paid)).toBeUndefined();
    await isv.merchant(TOKEN_A).pay(paid);
    expect(await a().queryPayment({ outTradeNo: paid })).toMatchObject({
      state: TradeState.PAID,
      merchantId: "shop-a",
      amount: { fen: 1000 },
    });
    // Routing must not leak: merchant B's token does not see A's trade.
    await expect(b().queryPayment({ outTradeNo: paid })).rejects.toMatchObject({
      providerCode: "ACQ.TRADE_NOT_EXIST",
    });
    await expect(b().closePayment({ outTradeNo: paid })).rejects.toMatchObject({
      providerCode: "ACQ.TRADE_NOT_EXIST",
    });

    const toClose = fresh("IC");
    await b().createPayment(order(toClose));
    isv.merchant(TOKEN_B).scan(toClose);
    await b().closePayment({ outTradeNo: toClose });
    expect((await b().queryPayment({ outTradeNo: toClose })).state).toBe(TradeState.CLOSED);

    const toCancel = fresh("IX");
    await b().createPayment(order(toCancel));
    isv.merchant(TOKEN_B).scan(toCancel);
    expect((await b().cancelPayment({ outTradeNo: toCancel })).action).toBe("close");
    // Every call reached the merchant's own book, with its token.
    expect(
      isv
        .merchant(TOKEN_B)
        .calls()
        .map((c) => c.method),
    ).toEqual(
      expect.arrayContaining(["alipay.trade.precreate", "alipay.trade.close", "alipay.trade.cancel"]),
    );
  });

  it("keeps the same out_trade_no of two merchants apart", async () => {
    const same = fresh("IS");
    await a().createPayment(order(same, 1100));
    await b().createPayment(order(same, 2200));
    await isv.merchant(TOKEN_B).pay(same);
    isv.merchant(TOKEN_A).scan(same);
    expect(await a().queryPayment({ outTradeNo: same })).toMatchObject({ amount: { fen: 1100 } });
    expect((await a().queryPayment({ outTradeNo: same })).state).not.toBe(TradeState.PAID);
    expect(await b().queryPayment({ outTradeNo: same })).toMatchObject({
      state: TradeState.PAID,
      amount: { fen: 2200 },
    });
  });

  it("refunds against the merchant that owns the trade; the ledger refuses the other merchant's same number", async () => {
    const no = fresh("IR");
    await b().createPayment(order(no));
    await isv.merchant(TOKEN_B).pay(no);
    await refunds.importOrder({ outTradeNo: no, merchantId: "shop-b" });
    const refund = await refunds.refund({
      outTradeNo: no,
      outRefundNo: `${no}R`,
      amount: { fen: 400, currency: "CNY" },
    });
    expect(refund.merchantId).toBe("shop-b");
    expect(refund.state).toBe(RefundState.SUCCESS);
    expect([...(isv.merchant(TOKEN_B).trade(no)?.refunds.values() ?? [])].map((r) => r.amountFen)).toEqual([
      400,
    ]);
    expect((await b().queryRefund({ outTradeNo: no, outRefundNo: `${no}R` })).amount.fen).toBe(400);
    await expect(a().queryRefund({ outTradeNo: no, outRefundNo: `${no}R` })).rejects.toThrow();
    await a().createPayment(order(no));
    await isv.merchant(TOKEN_A).pay(no);
    await expect(refunds.importOrder({ outTradeNo: no, merchantId: "shop-a" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(isv.merchant(TOKEN_A).trade(no)?.refunds.size).toBe(0);
  });

  it("routes notifications by auth_app_id: the other merchant's route refuses them", async () => {
    const no = fresh("IN");
    await a().createPayment(order(no));
    await isv.merchant(TOKEN_A).pay(no);
    await isv.merchant(TOKEN_A).settled();
    const sent = isv
      .merchant(TOKEN_A)
      .notifications()
      .find((n) => n.outTradeNo === no);
    if (!sent) throw new Error("no notification was sent");
    expect(new URLSearchParams(sent.body).get("auth_app_id")).toBe(APP_A);
    const raw = { headers: sent.headers, body: sent.body };
    expect(await a().parseNotification(raw)).toMatchObject({
      merchantId: "shop-a",
      trade: { outTradeNo: no, state: TradeState.PAID },
    });
    await expect(b().parseNotification(raw)).rejects.toBeInstanceOf(SignatureError);
    await expect(b().parseNotification(raw)).rejects.toThrow(/authorising app 2021000149610001/);
  });

  it("an unknown or revoked app_auth_token is refused as Alipay refuses it, and bills carry the token", async () => {
    const stranger = new AlipayProvider(
      isv.isvConfig(),
      { merchantId: "stranger", clock: () => new Date(), logger: silentLogger },
      {
        client: (a() as unknown as { client: { authorizedBy(t: string): never } }).client as never,
        subMerchant: {
          appAuthToken: "202512BBrevokedrevokedrevoked00",
          authAppId: APP_A,
          sellerId: [SELLER_A],
        },
      },
    );
    await expect(stranger.queryPayment({ outTradeNo: fresh("IU") })).rejects.toMatchObject({
      providerCode: "aop.invalid-app-auth-token",
    });
    const before = isv.merchant(TOKEN_A).calls().length;
    await a()
      .tradeBill({ billDate: "2025-01-01" })
      .catch(() => undefined);
    expect(
      isv
        .merchant(TOKEN_A)
        .calls()
        .slice(before)
        .map((c) => c.method),
    ).toEqual(["alipay.data.dataservice.bill.downloadurl.query"]);
  });
});
