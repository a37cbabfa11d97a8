import { cny, InvalidRequestError, RefundState, TradeState, ValidationError } from "@paybridge/core";
import { CloudPayClient, cloudPayEventToRawNotification } from "@paybridge/wechatpay";
import { describe, expect, it } from "vitest";
import { cloudPaySetup, OPENID, SUB_MCH_ID } from "./cloudpay-harness.js";

const MINUTE = 60_000;

async function paidOrder(setup = cloudPaySetup(), outTradeNo = "CP20250101A", fen = 10_000) {
  await setup.provider.createPayment({
    outTradeNo,
    description: "礼盒",
    amount: cny(fen),
    method: "mini_program",
    notifyUrl: "https://example.com/unused",
    payer: { openid: OPENID },
  });
  setup.engine.pay(outTradeNo, { mchid: SUB_MCH_ID });
  return setup;
}

describe("CloudPay transport: the whole refund flow against the simulator", () => {
  it("creates, pays, refunds, settles, and reads everything back through cloud.cloudPay", async () => {
    const s = await paidOrder();
    const { provider, engine, simulator } = s;
    const callback = simulator.takeCallback("CP20250101A");
    expect(callback).toMatchObject({ envId: "test-123", functionName: "paycallback" });
    const event = await provider.parseNotification(cloudPayEventToRawNotification(callback?.event ?? {}));
    expect(event).toMatchObject({ kind: "trade", trade: { state: TradeState.PAID, amount: cny(10_000) } });

    const first = await provider.refund({
      outTradeNo: "CP20250101A",
      outRefundNo: "CP20250101A-R1",
      amount: cny(3_000),
      total: cny(10_000),
      reason: "商品已售完",
    });
    expect(first).toMatchObject({
      state: RefundState.SUBMITTED,
      rawStatus: "PROCESSING",
      amount: cny(3_000),
    });
    expect((await provider.queryPayment({ outTradeNo: "CP20250101A" })).state).toBe(TradeState.REFUND);

    // Refund rule: one minute between two partial refunds of one order, enforced by the engine.
    await expect(
      provider.refund({
        outTradeNo: "CP20250101A",
        outRefundNo: "CP20250101A-R2",
        amount: cny(1),
        total: cny(10_000),
      }),
    ).rejects.toMatchObject({ providerCode: "FREQUENCY_LIMITED", retryable: true });

    engine.advance(MINUTE);
    const settled = await provider.queryRefund({ outTradeNo: "CP20250101A", outRefundNo: "CP20250101A-R1" });
    expect(settled).toMatchObject({
      state: RefundState.SUCCESS,
      rawStatus: "SUCCESS",
      channel: "ORIGINAL",
      receivedAccount: "支付用户零钱",
      providerRefundId: first.providerRefundId,
    });
    // refund_success_time is written and read as Beijing time: the instant survives the round trip.
    expect(settled.successAt?.getTime()).toBe(engine.now().getTime() - MINUTE + 5_000);

    engine.setRefundOutcome("CP20250101A-R2", "ABNORMAL", { mchid: SUB_MCH_ID });
    await provider.refund({
      outTradeNo: "CP20250101A",
      outRefundNo: "CP20250101A-R2",
      amount: cny(500),
      total: cny(10_000),
    });
    engine.advance(MINUTE);
    engine.setRefundOutcome("CP20250101A-R3", "CLOSED", { mchid: SUB_MCH_ID });
    await provider.refund({
      outTradeNo: "CP20250101A",
      outRefundNo: "CP20250101A-R3",
      amount: cny(200),
      total: cny(10_000),
    });
    engine.advance(MINUTE);
    const all = await provider.listRefunds({ outTradeNo: "CP20250101A" });
    expect(all.map((r) => [r.outRefundNo, r.rawStatus, r.state])).toEqual([
      ["CP20250101A-R1", "SUCCESS", RefundState.SUCCESS],
      ["CP20250101A-R2", "CHANGE", RefundState.ABNORMAL],
      ["CP20250101A-R3", "REFUNDCLOSE", RefundState.CLOSED],
    ]);
  });

  it("sends the doc pages' field names with a fresh nonce_str on every call", async () => {
    const s = cloudPaySetup();
    const seen: Record<string, unknown>[] = [];
    const spy = new Proxy(s.simulator, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return (params: Record<string, unknown>) => {
          seen.push(params);
          return value.call(target, params);
        };
      },
    });
    const client = new CloudPayClient(spy, { subMchId: SUB_MCH_ID });
    await client.unifiedOrder({
      functionName: "paycallback",
      envId: "test-123",
      body: "x",
      outTradeNo: "CPNONCE01",
      totalFee: 100,
      spbillCreateIp: "127.0.0.1",
      openid: OPENID,
    });
    s.engine.pay("CPNONCE01", { mchid: SUB_MCH_ID });
    await client.refund({
      outTradeNo: "CPNONCE01",
      outRefundNo: "CPNONCE01R",
      totalFee: 100,
      refundFee: 40,
      refundDesc: "退",
      refundAccount: "REFUND_SOURCE_UNSETTLED_FUNDS",
    });
    await client.queryRefund({ outTradeNo: "CPNONCE01" });
    await client.queryOrder({ outTradeNo: "CPNONCE01" });
    expect(seen[1]).toEqual({
      sub_mch_id: SUB_MCH_ID,
      nonce_str: expect.stringMatching(/^[0-9a-f]{32}$/),
      out_trade_no: "CPNONCE01",
      out_refund_no: "CPNONCE01R",
      total_fee: 100,
      refund_fee: 40,
      refund_desc: "退",
      refund_account: "REFUND_SOURCE_UNSETTLED_FUNDS",
    });
    const nonces = seen.map((p) => p.nonce_str ?? p.nonceStr);
    expect(new Set(nonces).size).toBe(4);
  });

  it("refunds by transaction_id as well, and rejects a refund without any order key before calling", async () => {
    const s = await paidOrder(cloudPaySetup(), "CPTXN0001", 500);
    const order = await s.provider.queryPayment({ outTradeNo: "CPTXN0001" });
    const before = s.simulator.calls;
    await expect(
      s.provider.client.refund({ outRefundNo: "X1", totalFee: 500, refundFee: 1 }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(s.simulator.calls).toBe(before);
    const r = await s.provider.refund({
      outTradeNo: "CPTXN0001",
      providerTradeNo: order.providerTradeNo,
      outRefundNo: "CPTXN0001R",
      amount: cny(100),
      total: cny(500),
    });
    expect(r.outTradeNo).toBe("CPTXN0001");
  });
});

describe("CloudPay refund query paging (the CloudPay.queryRefund example: 36 refunds)", () => {
  async function thirtySix() {
    const s = await paidOrder(cloudPaySetup(), "CP36REFUNDS", 3_600);
    for (let i = 1; i <= 36; i += 1) {
      await s.provider.client.refund({
        outTradeNo: "CP36REFUNDS",
        outRefundNo: `CP36R${String(i).padStart(2, "0")}`,
        totalFee: 3_600,
        refundFee: 100,
      });
      s.engine.advance(MINUTE);
    }
    return s;
  }

  it("offset 24 returns the 25th refund onward, at most 10, with total_refund_count 36", async () => {
    const s = await thirtySix();
    const page = await s.provider.client.queryRefund({ outTradeNo: "CP36REFUNDS", offset: 24 });
    expect(page.totalRefundCount).toBe(36);
    expect(page.refundCount).toBe(10);
    expect(page.refunds[0]?.outRefundNo).toBe("CP36R25");
    expect(page.refunds.map((r) => r.outRefundNo).at(-1)).toBe("CP36R34");
    const last = await s.provider.client.queryRefund({ outTradeNo: "CP36REFUNDS", offset: 30 });
    expect(last.refunds.map((r) => r.outRefundNo)).toEqual([
      "CP36R31",
      "CP36R32",
      "CP36R33",
      "CP36R34",
      "CP36R35",
      "CP36R36",
    ]);
  });

  it("listRefunds walks offsets 0, 10, 20, 30 and returns all 36 in order", async () => {
    const s = await thirtySix();
    const before = s.simulator.calls;
    const all = await s.provider.listRefunds({ outTradeNo: "CP36REFUNDS" });
    expect(all).toHaveLength(36);
    expect(all.map((r) => r.outRefundNo)).toEqual(
      Array.from({ length: 36 }, (_, i) => `CP36R${String(i + 1).padStart(2, "0")}`),
    );
    expect(all.every((r) => r.state === RefundState.SUCCESS)).toBe(true);
    expect(s.simulator.calls - before).toBe(4);
  });

  it("an offset past the total is PARAM_ERROR, surfaced as a clear InvalidRequestError", async () => {
    const s = await thirtySix();
    const past = s.provider.client.queryRefund({ outTradeNo: "CP36REFUNDS", offset: 40 });
    await expect(past).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(past).rejects.toThrow(/offset 40 is past the order's refunds/);
    await expect(past).rejects.toMatchObject({ providerCode: "PARAM_ERROR", retryable: false });
    await expect(s.provider.client.queryRefund({ outTradeNo: "CP36REFUNDS", offset: -1 })).rejects.toThrow(
      /queryRefund\.offset/,
    );
  });

  it("honours the key priority refund_id > out_refund_no > transaction_id > out_trade_no", async () => {
    const s = await thirtySix();
    const other = await paidOrder(s, "CPOTHER01", 100);
    await other.provider.client.refund({
      outTradeNo: "CPOTHER01",
      outRefundNo: "CPOTHER01R",
      totalFee: 100,
      refundFee: 100,
    });
    const c = s.provider.client;
    const r07 = (await c.queryRefund({ outRefundNo: "CP36R07" })).refunds[0];
    const txn = (await s.provider.queryPayment({ outTradeNo: "CPOTHER01" })).providerTradeNo;
    // refund_id beats out_refund_no.
    const byId = await c.queryRefund({ refundId: r07?.refundId ?? "", outRefundNo: "CPOTHER01R" });
    expect(byId.refunds.map((r) => r.outRefundNo)).toEqual(["CP36R07"]);
    // out_refund_no beats transaction_id and out_trade_no.
    const byNo = await c.queryRefund({
      outRefundNo: "CPOTHER01R",
      transactionId: "4200000000000000000000000000",
      outTradeNo: "CP36REFUNDS",
    });
    expect(byNo.outTradeNo).toBe("CPOTHER01");
    // transaction_id beats out_trade_no.
    const byTxn = await c.queryRefund({ transactionId: txn ?? "", outTradeNo: "CP36REFUNDS" });
    expect(byTxn.refunds.map((r) => r.outRefundNo)).toEqual(["CPOTHER01R"]);
    const byOrder = await c.queryRefund({ outTradeNo: "CP36REFUNDS" });
    expect(byOrder.refundCount).toBe(10);
    await expect(c.queryRefund({})).rejects.toThrow(
      /give one of refundId, outRefundNo, transactionId, outTradeNo/,
    );
  });
});

describe("CloudPay downloadBill", () => {
  it("returns the day's bill as typed rows and refuses a day without records", async () => {
    const s = await paidOrder(cloudPaySetup(), "CPBILL001", 1_234);
    await s.provider.client.refund({
      outTradeNo: "CPBILL001",
      outRefundNo: "CPBILL001R",
      totalFee: 1_234,
      refundFee: 234,
    });
    const day = s.engine.now();
    const billDate = new Date(day.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "");
    const bill = await s.provider.client.downloadBill({ billDate, billType: "ALL" });
    expect(bill.rows.map((r) => [r.商户订单号, r.交易状态, r.总金额, r.退款金额])).toEqual([
      ["CPBILL001", "SUCCESS", "12.34", "0.00"],
      ["CPBILL001", "REFUND", "0.00", "2.34"],
    ]);
    expect(bill.summary?.总交易单数).toBe("2");
    await expect(s.provider.client.downloadBill({ billDate: "20200101" })).rejects.toThrow(/No Bill Exist/);
    await expect(s.provider.client.downloadBill({ billDate: "2020-01-01" })).rejects.toThrow(
      /downloadBill\.billDate/,
    );
  });
});
