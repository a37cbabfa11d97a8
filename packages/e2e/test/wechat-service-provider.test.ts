// WeChat Pay service-provider (服务商) mode end to end: the real WechatPayProvider's partner APIs
// against the sandbox's partner endpoints, two sub-merchants of one service provider whose keys
// are held once. Each pays, queries, closes, refunds and is notified; neither ever sees the other's
// orders, refunds or notifications, even with the same out_trade_no.
import {
  ConflictError,
  MemoryRefundLedger,
  NotFoundError,
  type PaymentGateway,
  RefundService,
  RefundState,
  SignatureError,
  silentLogger,
  TradeState,
} from "@paybridge/core";
import { ManualClock, startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayPartnerProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wechatServiceProviderGateway } from "./support/wechat.js";

const SP = "1900300001";
const SUB_A = "1900300011";
const SUB_B = "1900300012";
const SP_APPID = "wxsp0000000000001";
const SUB_B_APPID = "wxsubb00000000001";

let sequence = 0;
const fresh = (prefix: string) => {
  sequence += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${sequence}`.slice(0, 32);
};

describe("WeChat Pay service-provider mode against the sandbox", () => {
  let sandbox: WechatSandbox;
  let gateway: PaymentGateway;
  let refunds: RefundService;
  const notifyUrl = () => `${sandbox.origin}/sandbox/notify-sink`;

  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      allowLoopbackHttpNotify: true,
      clock: new ManualClock(Date.now()),
      rateLimits: false,
      notify: { deliver: false },
      serviceProviders: [
        {
          mchid: SP,
          appid: SP_APPID,
          keyMode: "public_key",
          subMerchants: [{ mchid: SUB_A }, { mchid: SUB_B, appids: [SUB_B_APPID] }],
        },
      ],
    });
    gateway = wechatServiceProviderGateway(sandbox, SP, [
      { id: "shop-a", config: { subMchid: SUB_A } },
      { id: "shop-b", config: { subMchid: SUB_B, subAppid: SUB_B_APPID } },
    ]);
    refunds = new RefundService({
      gateway,
      ledger: new MemoryRefundLedger(),
      clock: () => sandbox.engine.now(),
      sleep: async (ms) => sandbox.control.advance(Math.ceil(ms)),
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  const a = () => gateway.forMerchant("shop-a");
  const b = () => gateway.forMerchant("shop-b");
  const order = (
    outTradeNo: string,
    method: "native" | "jsapi" | "h5" | "app" | "mini_program" = "native",
  ) => ({
    outTradeNo,
    description: "partner e2e",
    amount: { fen: 1000, currency: "CNY" as const },
    method,
    notifyUrl: notifyUrl(),
    ...(method === "jsapi" || method === "mini_program" ? { payer: { openid: "o-buyer-0001" } } : {}),
    ...(method === "h5" ? { payer: { clientIp: "203.0.113.7" } } : {}),
  });

  it("serves each sub-merchant through the partner APIs, signed with the service provider's one key", async () => {
    expect(a()).toBeInstanceOf(WechatPayPartnerProvider);
    expect(a().capabilities.modes).toEqual(["service_provider"]);
    // One key store for both: the service provider's keys are opened once.
    expect((a() as WechatPayPartnerProvider).subMerchant.subMchid).toBe(SUB_A);
    for (const method of ["native", "jsapi", "h5", "app", "mini_program"] as const) {
      const no = fresh(`PA${method.slice(0, 2)}`);
      const created = await a().createPayment(order(no, method));
      expect(created.merchantId).toBe("shop-a");
      const held = sandbox.engine.listOrders(SUB_A).find((o) => o.outTradeNo === no);
      expect(held?.appid).toBe(SP_APPID);
      expect(sandbox.engine.listOrders(SUB_B).some((o) => o.outTradeNo === no)).toBe(false);
      if (method === "jsapi" || method === "mini_program") {
        expect(created.action).toMatchObject({
          type: "client_params",
          params: { appId: SP_APPID, signType: "RSA" },
        });
      }
      if (method === "app") {
        expect(created.action).toMatchObject({ type: "client_params", params: { partnerid: SUB_A } });
      }
    }
    // Sub-merchant B has its own app: its JSAPI buyer is a sub_openid under sub_appid.
    const no = fresh("PBjs");
    const created = await b().createPayment(order(no, "jsapi"));
    expect(created.action).toMatchObject({ params: { appId: SUB_B_APPID } });
  });

  it("pays, queries and closes per sub-merchant; the other sub-merchant's number is ORDER_NOT_EXIST", async () => {
    const paid = fresh("PQ");
    await a().createPayment(order(paid));
    expect((await a().queryPayment({ outTradeNo: paid })).state).toBe(TradeState.UNPAID);
    sandbox.control.pay(paid, { mchid: SUB_A });
    const trade = await a().queryPayment({ outTradeNo: paid });
    expect(trade).toMatchObject({ state: TradeState.PAID, merchantId: "shop-a", amount: { fen: 1000 } });
    expect((await a().queryPayment({ providerTradeNo: trade.providerTradeNo ?? "" })).outTradeNo).toBe(paid);
    // Routing must not leak: B asking for A's order (by number or by WeChat's id) is not found.
    await expect(b().queryPayment({ outTradeNo: paid })).rejects.toMatchObject({
      providerCode: "ORDER_NOT_EXIST",
    });
    await expect(b().queryPayment({ providerTradeNo: trade.providerTradeNo ?? "" })).rejects.toMatchObject({
      providerCode: "ORDER_NOT_EXIST",
    });
    await expect(b().closePayment({ outTradeNo: paid })).rejects.toMatchObject({
      providerCode: "ORDER_NOT_EXIST",
    });

    const toClose = fresh("PC");
    await b().createPayment(order(toClose));
    await b().closePayment({ outTradeNo: toClose });
    expect((await b().queryPayment({ outTradeNo: toClose })).state).toBe(TradeState.CLOSED);
    // A paid order's close is refused as paid.
    await expect(a().closePayment({ outTradeNo: paid })).rejects.toThrow(/is paid/);
  });

  it("keeps two sub-merchants' identical out_trade_no apart at the provider", async () => {
    const same = fresh("PS");
    await a().createPayment({ ...order(same), amount: { fen: 1100, currency: "CNY" } });
    await b().createPayment({ ...order(same), amount: { fen: 2200, currency: "CNY" } });
    sandbox.control.pay(same, { mchid: SUB_B });
    expect(await a().queryPayment({ outTradeNo: same })).toMatchObject({
      state: TradeState.UNPAID,
      amount: { fen: 1100 },
    });
    expect(await b().queryPayment({ outTradeNo: same })).toMatchObject({
      state: TradeState.PAID,
      amount: { fen: 2200 },
    });
  });

  it("books a refund against the sub-merchant that owns the order, and the ledger never lets another sub-merchant's same number in", async () => {
    const no = fresh("PR");
    await b().createPayment(order(no));
    sandbox.control.pay(no, { mchid: SUB_B });
    await refunds.importOrder({ outTradeNo: no, merchantId: "shop-b" });
    const refund = await refunds.refund({
      outTradeNo: no,
      outRefundNo: `${no}R`,
      amount: { fen: 300, currency: "CNY" },
    });
    expect(refund.merchantId).toBe("shop-b");
    expect(sandbox.engine.refundsOf(no, SUB_B).map((r) => r.refundFen)).toEqual([300]);
    // Nothing was refunded at sub-merchant A, and A's refund query does not see B's refund.
    await expect(a().queryRefund({ outTradeNo: no, outRefundNo: `${no}R` })).rejects.toMatchObject({
      providerCode: "RESOURCE_NOT_EXISTS",
    });
    const queried = await b().queryRefund({ outTradeNo: no, outRefundNo: `${no}R` });
    expect(queried.amount.fen).toBe(300);
    // The refund ledger keys orders by out_trade_no across merchants: sub-merchant A's order with the
    // same number cannot be recorded (ConflictError naming merchantId), so no refund of A's order can
    // ever be booked against B's payment, nor the other way round.
    await a().createPayment(order(no));
    sandbox.control.pay(no, { mchid: SUB_A });
    await expect(refunds.importOrder({ outTradeNo: no, merchantId: "shop-a" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(sandbox.engine.refundsOf(no, SUB_A)).toEqual([]);
    sandbox.control.advance(10_000);
    const settled = await refunds.sync(`${no}R`);
    expect(settled.state).toBe(RefundState.SUCCESS);
  });

  it("verifies partner notifications and refuses one routed to the wrong sub-merchant", async () => {
    const no = fresh("PN");
    await a().createPayment(order(no));
    sandbox.control.pay(no, { mchid: SUB_A });
    const sent = sandbox.notifications.find((n) => n.outTradeNo === no && n.kind === "trade");
    if (!sent) throw new Error("the sandbox sent no payment notification");
    const raw = { headers: sent.headers, body: sent.body };
    const event = await a().parseNotification(raw);
    expect(event).toMatchObject({
      kind: "trade",
      merchantId: "shop-a",
      trade: { outTradeNo: no, state: TradeState.PAID },
    });
    // The same genuine notification delivered to sub-merchant B's route names sub_mchid A: refused.
    await expect(b().parseNotification(raw)).rejects.toBeInstanceOf(SignatureError);
    await expect(b().parseNotification(raw)).rejects.toThrow(/sub_mchid 1900300011/);

    const refundNo = `${no}R`;
    await a().refund({
      outTradeNo: no,
      outRefundNo: refundNo,
      amount: { fen: 1000, currency: "CNY" },
      total: { fen: 1000, currency: "CNY" },
    });
    sandbox.control.advance(10_000);
    const refundNote = sandbox.notifications.find((n) => n.outRefundNo === refundNo);
    if (!refundNote) throw new Error("the sandbox sent no refund notification");
    const rawRefund = { headers: refundNote.headers, body: refundNote.body };
    expect(await a().parseNotification(rawRefund)).toMatchObject({
      kind: "refund",
      refund: { outRefundNo: refundNo, state: RefundState.SUCCESS },
    });
    await expect(b().parseNotification(rawRefund)).rejects.toBeInstanceOf(SignatureError);
  });

  it("refuses a sub-merchant the service provider has no 受理关系 with, and unknown refunds stay unknown", async () => {
    const stranger = new WechatPayPartnerProvider(
      // The service provider's session, through the gateway's own sub-merchant, names another sub_mchid.
      (a() as unknown as { session: ConstructorParameters<typeof WechatPayPartnerProvider>[0] }).session,
      { subMchid: "1900399999" },
      { merchantId: "stranger", clock: () => new Date(), logger: silentLogger },
    );
    await expect(stranger.queryPayment({ outTradeNo: fresh("PX") })).rejects.toMatchObject({
      providerCode: "PARAM_ERROR",
    });
    await expect(
      b().queryRefund({ outTradeNo: fresh("PX"), outRefundNo: "NOPE0001" }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
