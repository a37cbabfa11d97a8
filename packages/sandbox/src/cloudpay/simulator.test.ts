import { describe, expect, it } from "vitest";
import { ManualClock } from "../shared/clock.js";
import { WechatMerchantEngine } from "../wechat/engine/engine.js";
import { CloudPaySimulator } from "./simulator.js";

const MCH = "1900000109";

function setup(keyStyle?: "documented" | "camelCase") {
  const engine = new WechatMerchantEngine({ clock: new ManualClock(Date.UTC(2016, 6, 25, 7, 26, 21)) });
  engine.addMerchant({ mchid: MCH });
  const sim = new CloudPaySimulator({ engine, ...(keyStyle ? { keyStyle } : {}) });
  return { engine, sim };
}

const order = {
  functionName: "paycallback",
  envId: "test-123",
  subMchId: MCH,
  nonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
  body: "腾讯充值中心-QQ会员充值",
  outTradeNo: "1217752501201407033233368018",
  totalFee: 888,
  spbillCreateIp: "123.12.12.123",
  openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
};

describe("CloudPaySimulator", () => {
  it("answers in the documented shape: camelCase returnCode, snake_case fields, _$n refunds", async () => {
    const { engine, sim } = setup();
    const created = await sim.unifiedOrder(order);
    expect(created).toMatchObject({
      returnCode: "SUCCESS",
      result_code: "SUCCESS",
      sub_mch_id: MCH,
      trade_type: "JSAPI",
    });
    expect(created.payment).toMatchObject({
      package: `prepay_id=${String(created.prepay_id)}`,
      signType: "MD5",
    });
    engine.pay(order.outTradeNo, { mchid: MCH });
    const refund = await sim.refund({
      sub_mch_id: MCH,
      nonce_str: "n",
      out_trade_no: order.outTradeNo,
      out_refund_no: "R1",
      total_fee: 888,
      refund_fee: 100,
    });
    expect(refund).toMatchObject({
      result_code: "SUCCESS",
      out_refund_no: "R1",
      refund_fee: 100,
      cash_fee: 888,
    });
    engine.advance(5_000);
    const q = await sim.queryRefund({ sub_mch_id: MCH, nonce_str: "n", out_trade_no: order.outTradeNo });
    expect(q).toMatchObject({
      refund_count: 1,
      out_refund_no_0: "R1",
      refund_status_0: "SUCCESS",
      refund_recv_accout_0: "支付用户零钱",
      refund_account_0: "REFUND_SOURCE_UNSETTLED_FUNDS",
      // 07:26:26Z is the CloudPay.queryRefund example's "2016-07-25 15:26:26" Beijing time.
      refund_success_time_0: "2016-07-25 15:26:26",
    });
    // total_refund_count only comes back when offset is passed (CloudPay.queryRefund page).
    expect(q).not.toHaveProperty("total_refund_count");
    const withOffset = await sim.queryRefund({
      sub_mch_id: MCH,
      nonce_str: "n",
      out_trade_no: order.outTradeNo,
      offset: 0,
    });
    expect(withOffset.total_refund_count).toBe(1);
  });

  it("renders CLOSED / ABNORMAL as REFUNDCLOSE / CHANGE", async () => {
    const { engine, sim } = setup();
    await sim.unifiedOrder(order);
    engine.pay(order.outTradeNo, { mchid: MCH });
    engine.setRefundOutcome("R1", "CLOSED", { mchid: MCH });
    await sim.refund({
      sub_mch_id: MCH,
      nonce_str: "n",
      out_trade_no: order.outTradeNo,
      out_refund_no: "R1",
      total_fee: 888,
      refund_fee: 1,
    });
    engine.advance(60_000);
    engine.setRefundOutcome("R2", "ABNORMAL", { mchid: MCH });
    await sim.refund({
      sub_mch_id: MCH,
      nonce_str: "n",
      out_trade_no: order.outTradeNo,
      out_refund_no: "R2",
      total_fee: 888,
      refund_fee: 1,
    });
    engine.advance(60_000);
    const q = await sim.queryRefund({ sub_mch_id: MCH, nonce_str: "n", out_trade_no: order.outTradeNo });
    expect([q.refund_status_0, q.refund_status_1]).toEqual(["REFUNDCLOSE", "CHANGE"]);
  });

  it("sends a callback to envId/functionName only for orders it created", async () => {
    const { engine, sim } = setup();
    await sim.unifiedOrder(order);
    engine.createOrder(MCH, {
      appid: "wx8888888888888888",
      outTradeNo: "V3ORDER01",
      description: "v3",
      totalFen: 1,
      notifyUrl: "https://example.com/n",
      channel: "native",
    });
    engine.pay(order.outTradeNo, { mchid: MCH });
    engine.pay("V3ORDER01", { mchid: MCH });
    expect(sim.callbacks.map((c) => c.event.outTradeNo)).toEqual([order.outTradeNo]);
    expect(sim.takeCallback(order.outTradeNo)?.event).toMatchObject({
      returnCode: "SUCCESS",
      resultCode: "SUCCESS",
      subMchId: MCH,
      totalFee: 888,
      timeEnd: "20160725152621",
    });
  });

  it("answers bad parameters with PARAM_ERROR naming the field, and counts every call", async () => {
    const { sim } = setup();
    const bad = await sim.refund({
      sub_mch_id: MCH,
      nonce_str: "n",
      out_trade_no: "x",
      out_refund_no: "R1",
      total_fee: 1.5,
      refund_fee: 1,
    });
    expect(bad).toMatchObject({
      result_code: "FAIL",
      err_code: "PARAM_ERROR",
      err_code_des: expect.stringContaining("total_fee"),
    });
    expect(sim.calls).toBe(1);
  });

  it("speaks camelCase keys when asked, as the live service was reported to", async () => {
    const { sim } = setup("camelCase");
    const a = await sim.unifiedOrder(order);
    expect(a).toHaveProperty("resultCode", "SUCCESS");
    expect(a).toHaveProperty("prepayId");
    expect(a).not.toHaveProperty("result_code");
  });
});

describe("CloudPaySimulator coupons", () => {
  it("answers the v2 coupon fields on the order, the refund and the refund query", async () => {
    const { engine, sim } = setup();
    await sim.unifiedOrder({ ...order, totalFee: 1000 });
    engine.pay(order.outTradeNo, {
      mchid: MCH,
      promotions: [
        { type: "CASH", amountFen: 100, couponId: "C1" },
        { type: "NOCASH", amountFen: 50, couponId: "C2" },
      ],
    });
    const q = await sim.queryOrder({ sub_mch_id: MCH, nonce_str: "n", out_trade_no: order.outTradeNo });
    expect(q).toMatchObject({
      total_fee: 1000,
      cash_fee: 850,
      coupon_fee: 150,
      settlement_total_fee: 950,
      coupon_count: 2,
      coupon_type_0: "CASH",
      coupon_id_0: "C1",
      coupon_fee_0: 100,
      coupon_type_1: "NO_CASH",
      coupon_fee_1: 50,
    });
    const refund = await sim.refund({
      sub_mch_id: MCH,
      nonce_str: "n",
      out_trade_no: order.outTradeNo,
      out_refund_no: "R1",
      total_fee: 1000,
      refund_fee: 500,
    });
    expect(refund).toMatchObject({
      refund_fee: 500,
      settlement_refund_fee: 475,
      settlement_total_fee: 950,
      cash_fee: 850,
      cash_refund_fee: 425,
      coupon_refund_fee: 75,
      coupon_refund_count: 2,
      coupon_refund_id_0: "C1",
      coupon_refund_fee_0: 50,
      coupon_type_1: "NO_CASH",
      coupon_refund_fee_1: 25,
    });
    const rq = await sim.queryRefund({ sub_mch_id: MCH, nonce_str: "n", out_refund_no: "R1" });
    expect(rq).toMatchObject({
      settlement_total_fee: 950,
      settlement_refund_fee_0: 475,
      coupon_refund_fee_0: 75,
      coupon_refund_count_0: 2,
      coupon_refund_id_0_0: "C1",
      coupon_type_0_0: "CASH",
      coupon_refund_fee_0_1: 25,
    });
  });
});
