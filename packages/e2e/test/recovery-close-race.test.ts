// The close-expired job's race: the worker queries an expired order (unpaid), and the buyer's
// payment lands at WeChat before the worker's close does. WeChat refuses to close a paid order
// (https://pay.weixin.qq.com/doc/v3/merchant/4013070360), so the job must query again and record
// the payment, never close it locally. A buyer can
// only pay an order WeChat has not expired yet, so the race needs the worker's clock ahead of
// WeChat's, as an app server's may be: here by a minute.
import { TradeState } from "@paybridge/core";
import { startAlipaySandbox, startWechatSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeTargets } from "./support/payment-store.js";
import { eventually, type RecoveryRig, startRecoveryRig } from "./support/recovery-rig.js";

const WORKER_CLOCK_AHEAD_MS = 60_000;

for (const target of storeTargets()) {
  describe(`close-expired racing the buyer (${target.name}, jobs in process)`, () => {
    let rig: RecoveryRig;
    let close: () => Promise<void>;
    const wechatReady = startWechatSandbox({
      merchants: [{ keyMode: "public_key" }],
      refundDelayMs: 0,
      allowLoopbackHttpNotify: true,
    });

    beforeAll(async () => {
      const store = await target.open();
      const wechat = await wechatReady;
      const alipay = await startAlipaySandbox();
      rig = await startRecoveryRig({
        db: store.client,
        schema: store.schema,
        wechat,
        alipay,
        engine: { kind: "in-process" },
        // The app server's: the worker's and its event dispatcher's alike.
        clock: () => new Date(Date.now() + WORKER_CLOCK_AHEAD_MS),
        config: {
          queryUnnotified: { enabled: false },
          closeExpired: { intervalMs: 500, graceMs: 0, minAgeMs: 0 },
          latePayments: { enabled: false },
          pollRefunds: { enabled: false },
          prune: { enabled: false },
          dispatchEvents: { intervalMs: 500 },
        },
      });
      close = async () => {
        await rig?.close();
        await store.close();
        await wechat.close();
        await alipay.close();
      };
    });

    afterAll(async () => {
      await close?.();
    });

    it("the buyer pays between the worker's query and its close: the refused close is queried again and recorded paid", async () => {
      const wechat = await wechatReady;
      const no = `RCR${Date.now().toString(36)}`;
      const provider = rig.gateway.forMerchant("wx-main");
      // The buyer's payment reaches WeChat just before the worker's close (after its query saw
      // the order unpaid); the paid notification is lost, so only the worker can find it.
      const closePayment = provider.closePayment.bind(provider);
      const queryPayment = provider.queryPayment.bind(provider);
      const queried: number[] = [];
      let closesSent = 0;
      // The ledger records the payment before the create is sent (recording-provider.ts), so a job
      // run can find it while WeChat holds no order yet: it would then close it locally as never
      // created (minAgeMs is 0 here), which is a different path. The worker's queries of this
      // order wait until the create has returned, so the race tested is the one named above.
      let createReturned: () => void = () => {};
      const created = new Promise<void>((resolve) => {
        createReturned = resolve;
      });
      provider.queryPayment = async (input) => {
        if ("outTradeNo" in input && input.outTradeNo === no) await created;
        const trade = await queryPayment(input);
        if ("outTradeNo" in input && input.outTradeNo === no) queried.push(trade.state);
        return trade;
      };
      provider.closePayment = async (input) => {
        if (input.outTradeNo === no && closesSent++ === 0) {
          wechat.control.dropNotifications({ outTradeNo: no, kind: "trade" });
          wechat.control.pay(no);
        }
        return closePayment(input);
      };
      // Expired for the worker at once, still payable at WeChat for a minute.
      await provider
        .createPayment({
          outTradeNo: no,
          description: "racing the close",
          amount: { fen: 700, currency: "CNY" },
          method: "native",
          notifyUrl: `${rig.origin}/notify/wx-main`,
          expiresAt: new Date(Date.now() + WORKER_CLOCK_AHEAD_MS / 2),
        })
        .finally(createReturned);
      try {
        const paid = await eventually(async () => {
          const p = await rig.payments.getPayment(no);
          return p && p.state !== TradeState.UNPAID ? p : undefined;
        }, "the raced payment settled");
        expect(paid.state).toBe(TradeState.PAID);
        expect(paid.paidAfterCloseAt).toBeUndefined();
        // One close was sent and refused; the query before it saw the order unpaid, the one after paid.
        expect(closesSent).toBe(1);
        expect(queried).toEqual([TradeState.UNPAID, TradeState.PAID]);
        expect(wechat.engine.getOrder(wechat.merchant().mchid, { outTradeNo: no }).tradeState).toBe(
          "SUCCESS",
        );
        await eventually(() => rig.handled.get(`trade.paid:${no}`) === 1, "trade.paid delivered");
        expect(rig.handled.get(`trade.closed:${no}`)).toBeUndefined();
      } finally {
        provider.closePayment = closePayment;
        provider.queryPayment = queryPayment;
      }
    });
  });
}
