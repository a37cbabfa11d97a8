import { createVerify } from "node:crypto";
import { cny, RefundState, TradeState, UnsupportedOperationError } from "@paybridge/core";
import { uniqueOutTradeNo as uid } from "@paybridge/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./sandbox-setup.js";

describe.each(["platform_certificate", "public_key"] as const)("wechatpay v3 end to end (%s)", (keyMode) => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig(keyMode);
  });
  afterAll(() => rig.close());

  const create = (fen: number, method: "native" | "jsapi" | "mini_program" | "h5" | "app" = "native") =>
    rig.provider.createPayment({
      outTradeNo: uid("E2E"),
      description: "PayBridge e2e",
      amount: cny(fen),
      method,
      notifyUrl: rig.notifyUrl,
      payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", clientIp: "127.0.0.1" },
    });

  it("creates jsapi / mini-program payments with client parameters signed by the merchant key", async () => {
    for (const method of ["jsapi", "mini_program"] as const) {
      const result = await create(100, method);
      expect(result.action.type).toBe("client_params");
      if (result.action.type !== "client_params") return;
      const p = result.action.params;
      expect(p.package).toBe(`prepay_id=${result.providerReference}`);
      expect(p.signType).toBe("RSA");
      // https://pay.weixin.qq.com/doc/v3/merchant/4012791857: appId\ntimeStamp\nnonceStr\npackage\n.
      const message = `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`;
      expect(
        createVerify("RSA-SHA256")
          .update(message)
          .verify(rig.merchant.publicKey, p.paySign ?? "", "base64"),
      ).toBe(true);
      expect(rig.sandbox.engine.peekOrder(result.outTradeNo)?.tradeType).toBe("JSAPI");
    }
  });

  it("creates native (QR), h5 (redirect) and app (SDK parameters) payments", async () => {
    const native = await create(100, "native");
    expect(native.action).toMatchObject({ type: "qr_code", content: expect.stringMatching(/^weixin:\/\//) });
    const h5 = await create(100, "h5");
    expect(h5.action).toMatchObject({
      type: "redirect",
      url: expect.stringMatching(/^https:\/\/wx\.tenpay\.com\//),
    });
    expect(rig.sandbox.engine.peekOrder(h5.outTradeNo)?.payerClientIp).toBe("127.0.0.1");
    const app = await create(100, "app");
    expect(app.action.type).toBe("client_params");
    if (app.action.type === "client_params") {
      expect(app.action.params).toMatchObject({ partnerid: rig.merchant.mchid, package: "Sign=WXPay" });
      expect(app.providerReference).toMatch(/^wx/);
    }
  });

  it("pay -> query (0, then 3) -> partial refunds PROCESSING (3) -> SUCCESS (4), by both order numbers", async () => {
    const { outTradeNo } = await create(1000);
    const unpaid = await rig.provider.queryPayment({ outTradeNo });
    expect([unpaid.state, unpaid.rawStatus]).toEqual([TradeState.UNPAID, "NOTPAY"]);
    rig.sandbox.control.pay(outTradeNo);
    const paid = await rig.provider.queryPayment({ outTradeNo });
    expect([paid.state, paid.rawStatus, paid.amount, paid.paidAmount]).toEqual([
      TradeState.PAID,
      "SUCCESS",
      cny(1000),
      cny(1000),
    ]);
    expect(paid.paidAt).toBeInstanceOf(Date);
    const byId = await rig.provider.queryPayment({ providerTradeNo: paid.providerTradeNo ?? "" });
    expect(byId.outTradeNo).toBe(outTradeNo);

    const first = await rig.provider.refund({
      outTradeNo,
      providerTradeNo: paid.providerTradeNo,
      outRefundNo: `${outTradeNo}-R1`,
      amount: cny(300),
      total: cny(1000),
      reason: "商品已售完",
      fundsAccount: "AVAILABLE",
      from: [
        { account: "AVAILABLE", fen: 200 },
        { account: "UNAVAILABLE", fen: 100 },
      ],
      goodsDetail: [
        {
          merchantGoodsId: "SKU-1",
          goodsName: "iPhone",
          unitPriceFen: 300,
          refundFen: 300,
          refundQuantity: 1,
        },
      ],
      notifyUrl: rig.notifyUrl,
    });
    expect([first.state, first.rawStatus, first.amount]).toEqual([
      RefundState.SUBMITTED,
      "PROCESSING",
      cny(300),
    ]);
    expect(first.providerRefundId).toMatch(/^50/);
    // Every field of the v3 refund page reached the simulator.
    const recorded = rig.sandbox.engine.refundsOf(outTradeNo)[0];
    expect(recorded).toMatchObject({
      reason: "商品已售完",
      fundsAccount: "AVAILABLE",
      notifyUrl: rig.notifyUrl,
      from: [
        { account: "AVAILABLE", amountFen: 200 },
        { account: "UNAVAILABLE", amountFen: 100 },
      ],
      goodsDetail: [
        { merchantGoodsId: "SKU-1", goodsName: "iPhone", unitPriceFen: 300, refundAmountFen: 300 },
      ],
    });
    expect((await rig.provider.queryPayment({ outTradeNo })).state).toBe(TradeState.REFUND);

    rig.sandbox.control.advance(60_000);
    const second = await rig.provider.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}-R2`,
      amount: cny(700),
      total: cny(1000),
    });
    expect(second.state).toBe(RefundState.SUBMITTED);
    rig.sandbox.control.advance(10_000);
    for (const no of ["R1", "R2"]) {
      const done = await rig.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}-${no}` });
      expect([done.state, done.rawStatus]).toEqual([RefundState.SUCCESS, "SUCCESS"]);
      expect(done.successAt).toBeInstanceOf(Date);
      expect(done.receivedAccount).toBe("支付用户零钱");
    }
    const event = await rig.provider.parseNotification(
      await rig.sandbox.control
        .nextNotification(outTradeNo, "refund")
        .then((n) => ({ headers: { ...n.headers }, body: n.body })),
    );
    expect(event).toMatchObject({
      kind: "refund",
      eventType: "REFUND.SUCCESS",
      refund: { state: RefundState.SUCCESS },
    });
  });

  it("maps ABNORMAL (5) and CLOSED (6), in queries and in notifications", async () => {
    for (const [outcome, state] of [
      ["ABNORMAL", RefundState.ABNORMAL],
      ["CLOSED", RefundState.CLOSED],
    ] as const) {
      const { outTradeNo } = await create(500);
      rig.sandbox.control.pay(outTradeNo);
      const outRefundNo = `${outTradeNo}-X`;
      rig.sandbox.control.setRefundOutcome(outRefundNo, outcome);
      await rig.provider.refund({ outTradeNo, outRefundNo, amount: cny(500), total: cny(500) });
      rig.sandbox.control.advance(10_000);
      const queried = await rig.provider.queryRefund({ outTradeNo, outRefundNo });
      expect([queried.state, queried.rawStatus]).toEqual([state, outcome]);
      const n = await rig.sandbox.control.nextNotification(outTradeNo, "refund");
      const event = await rig.provider.parseNotification({ headers: { ...n.headers }, body: n.body });
      expect(event).toMatchObject({
        kind: "refund",
        eventType: `REFUND.${outcome}`,
        refund: { state, outRefundNo },
      });
    }
  });

  it("maps a failed payment (2) and a closed one (1); closing a paid order is a final TradeStateError", async () => {
    const failed = await create(100);
    rig.sandbox.control.fail(failed.outTradeNo);
    expect((await rig.provider.queryPayment({ outTradeNo: failed.outTradeNo })).state).toBe(
      TradeState.FAILED,
    );
    const closed = await create(100);
    await rig.provider.closePayment({ outTradeNo: closed.outTradeNo });
    expect((await rig.provider.queryPayment({ outTradeNo: closed.outTradeNo })).rawStatus).toBe("CLOSED");
    const paid = await create(100);
    rig.sandbox.control.pay(paid.outTradeNo);
    // v3 refuses with the generic INVALID_REQUEST; the provider queries and names the trade_state.
    await expect(rig.provider.closePayment({ outTradeNo: paid.outTradeNo })).rejects.toMatchObject({
      name: "TradeStateError",
      providerCode: "SUCCESS",
      retryable: false,
      cause: { providerCode: "INVALID_REQUEST" },
    });
  });

  it("cannot list refunds on APIv3", async () => {
    expect(rig.provider.capabilities.listRefunds).toBe(false);
    await expect(rig.provider.listRefunds({ outTradeNo: "ABCDEF123" })).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
  });

  it("delivers notifications to notify_url and retries on failure on the compressed schedule", async () => {
    const { createServer } = await import("node:http");
    let calls = 0;
    const receiver = createServer((_req, res) => {
      calls += 1;
      res.writeHead(calls < 3 ? 500 : 204);
      res.end();
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
    const address = receiver.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const result = await rig.provider.createPayment({
        outTradeNo: uid("NT"),
        description: "notify",
        amount: cny(1),
        method: "native",
        notifyUrl: `http://127.0.0.1:${port}/wechat/notify`,
      });
      rig.sandbox.control.pay(result.outTradeNo);
      const sent = await rig.sandbox.control.nextNotification(result.outTradeNo, "trade");
      await expect.poll(() => sent.delivered, { timeout: 5_000 }).toBe(true);
      expect(sent.deliveries.map((d) => d.status)).toEqual([500, 500, 204]);
      expect(calls).toBe(3);
    } finally {
      receiver.close();
    }
  });
});
