import { cny, RefundState, silentLogger, TradeState } from "@paybridge/core";
import { CloudPaySimulator } from "@paybridge/sandbox";
import { WechatCloudPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./sandbox-setup.js";

/**
 * One WeChat merchant engine behind both transports: the v3 HTTP simulator (real HTTP, real RSA
 * signatures) and the CloudPay simulator. An order refunded through either must look the same
 * through both.
 */
describe("one order, two transports (APIv3 HTTP and CloudPay) on one engine", () => {
  let rig: Rig;
  let cloud: WechatCloudPayProvider;
  let simulator: CloudPaySimulator;

  beforeAll(async () => {
    rig = await startRig("platform_certificate");
    simulator = new CloudPaySimulator({
      engine: rig.sandbox.engine,
      identity: { subAppid: rig.merchant.appid },
    });
    cloud = new WechatCloudPayProvider(
      { subMchId: rig.merchant.mchid, envId: "test-123", functionName: "paycallback", cloudPay: simulator },
      { merchantId: "wx-cloud", clock: () => rig.clock.now(), logger: silentLogger },
    );
  });
  afterAll(async () => {
    simulator?.close();
    await rig?.close();
  });

  it("refunds through both and both agree on every refund and on the trade", async () => {
    const v3 = rig.provider;
    const outTradeNo = `XT${Date.now().toString(36)}`;
    await v3.createPayment({
      outTradeNo,
      description: "two transports",
      amount: cny(1_000),
      method: "native",
      notifyUrl: rig.notifyUrl,
    });
    rig.sandbox.control.pay(outTradeNo);

    const paidV3 = await v3.queryPayment({ outTradeNo });
    const paidCloud = await cloud.queryPayment({ outTradeNo });
    expect(paidCloud).toMatchObject({
      state: TradeState.PAID,
      amount: cny(1_000),
      providerTradeNo: paidV3.providerTradeNo,
    });

    const viaCloud = await cloud.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}C`,
      amount: cny(300),
      total: cny(1_000),
    });
    // The one-minute rule is the engine's: the v3 transport sees the CloudPay refund.
    await expect(
      v3.refund({ outTradeNo, outRefundNo: `${outTradeNo}V`, amount: cny(200), total: cny(1_000) }),
    ).rejects.toMatchObject({ retryable: true });
    rig.sandbox.control.advance(61_000);
    const viaV3 = await v3.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}V`,
      amount: cny(200),
      total: cny(1_000),
    });
    // The same refund number through the other transport is the same refund, never a second one.
    const again = await v3.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}C`,
      amount: cny(300),
      total: cny(1_000),
    });
    expect(again.providerRefundId).toBe(viaCloud.providerRefundId);
    rig.sandbox.control.advance(61_000);

    for (const [no, fen] of [
      [`${outTradeNo}C`, 300],
      [`${outTradeNo}V`, 200],
    ] as const) {
      const a = await v3.queryRefund({ outTradeNo, outRefundNo: no });
      const b = await cloud.queryRefund({ outTradeNo, outRefundNo: no });
      expect(a).toMatchObject({ state: RefundState.SUCCESS, amount: cny(fen) });
      expect(b).toMatchObject({ state: a.state, amount: a.amount, providerRefundId: a.providerRefundId });
      expect(b.successAt?.getTime()).toBe(a.successAt?.getTime());
    }
    expect(viaV3.providerRefundId).toBeTruthy();
    const listed = await cloud.listRefunds({ outTradeNo });
    expect(listed.map((r) => [r.outRefundNo, r.amount.fen, r.state])).toEqual([
      [`${outTradeNo}C`, 300, RefundState.SUCCESS],
      [`${outTradeNo}V`, 200, RefundState.SUCCESS],
    ]);
    expect((await v3.queryPayment({ outTradeNo })).state).toBe(TradeState.REFUND);
    expect((await cloud.queryPayment({ outTradeNo })).state).toBe(TradeState.REFUND);
    // Past the total, refused by both with a final error.
    rig.sandbox.control.advance(61_000);
    await expect(
      cloud.refund({ outTradeNo, outRefundNo: `${outTradeNo}X`, amount: cny(501), total: cny(1_000) }),
    ).rejects.toMatchObject({ retryable: false });
    await expect(
      v3.refund({ outTradeNo, outRefundNo: `${outTradeNo}Y`, amount: cny(501), total: cny(1_000) }),
    ).rejects.toMatchObject({ retryable: false });
  });
});
