// The recovery worker against the WeChat and Alipay sandboxes over real HTTP, on PGlite (jobs in
// process) and, with DATABASE_URL, on PostgreSQL (jobs on pg-boss). Intervals come from the
// worker's configuration, so the jobs run every second instead of every 30 s to a minute.
import { RefundState, TradeState } from "@paybridge/core";
import { quoteSchema } from "@paybridge/postgres";
import {
  type AlipaySandbox,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { lateRefundNo, type RecoveryEngine } from "@paybridge/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeTargets } from "./support/payment-store.js";
import { eventually, moreRuns, type RecoveryRig, startRecoveryRig } from "./support/recovery-rig.js";

const NOT_NOTIFIED_AFTER_MS = 1500;
// PayBridge's clock runs this far ahead of the Alipay gateway's (see the late-payment case).
const ALIPAY_CLOCK_BEHIND_MS = 60_000;

for (const target of storeTargets()) {
  describe(`recovery worker (${target.name}, ${target.name === "PostgreSQL" ? "pg-boss" : "in process"})`, () => {
    let wechat: WechatSandbox;
    let alipay: AlipaySandbox;
    let rig: RecoveryRig;
    let close: () => Promise<void>;
    let seq = 0;
    const orderNo = (p: string) => `${p}${Date.now().toString(36)}${++seq}`.slice(0, 32);

    beforeAll(async () => {
      const store = await target.open();
      wechat = await startWechatSandbox({
        merchants: [{ keyMode: "public_key" }],
        refundDelayMs: 0,
        allowLoopbackHttpNotify: true,
      });
      alipay = await startAlipaySandbox({ startTime: new Date(Date.now() - ALIPAY_CLOCK_BEHIND_MS) });
      const bossSchema = `${store.schema}_boss`;
      const url = process.env.DATABASE_URL;
      const engine: RecoveryEngine =
        target.name === "PostgreSQL" && url
          ? {
              kind: "pg-boss",
              connectionString: url,
              schema: bossSchema,
              pollingIntervalSeconds: 0.5,
              maintenanceIntervalSeconds: 1,
              expireInSeconds: 60,
            }
          : { kind: "in-process" };
      rig = await startRecoveryRig({
        db: store.client,
        schema: store.schema,
        wechat,
        alipay,
        engine,
        config: {
          queryUnnotified: { intervalMs: 1000, notNotifiedAfterMs: NOT_NOTIFIED_AFTER_MS },
          closeExpired: { intervalMs: 1000, graceMs: 0, minAgeMs: 0 },
          latePayments: { intervalMs: 1000, autoRefund: true },
          pollRefunds: { intervalMs: 1000 },
          prune: { enabled: false },
          dispatchEvents: { intervalMs: 1000 },
        },
      });
      close = async () => {
        await rig?.close();
        await store.client.query(`DROP SCHEMA IF EXISTS ${quoteSchema(bossSchema)} CASCADE`);
        await store.close();
      };
    });

    afterAll(async () => {
      await close?.();
      await wechat?.close();
      await alipay?.close();
    });

    it("a paid notification the sandbox drops for good: the worker's query finds the payment, its event is delivered once", async () => {
      const no = orderNo("RWD");
      wechat.control.dropNotifications({ outTradeNo: no, kind: "trade" });
      await rig.gateway.forMerchant("wx-main").createPayment({
        outTradeNo: no,
        description: "lost notification",
        amount: { fen: 1999, currency: "CNY" },
        method: "native",
        notifyUrl: `${rig.origin}/notify/wx-main`,
      });
      wechat.control.pay(no);
      const paid = await eventually(async () => {
        const p = await rig.payments.getPayment(no);
        return p?.state === TradeState.PAID ? p : undefined;
      }, "payment paid through the worker's query");
      expect(wechat.control.notifications({ outTradeNo: no })).toMatchObject([
        { dropped: true, deliveries: [] },
      ]);
      // Queried only once it was not notified within the configured delay.
      expect(paid.updatedAt.getTime() - paid.createdAt.getTime()).toBeGreaterThanOrEqual(
        NOT_NOTIFIED_AFTER_MS,
      );
      expect(paid.rawStatus).toBe("SUCCESS");
      // The refund ledger learned the order too: it can be refunded straight away.
      expect((await rig.refundLedger.getOrder(no))?.paidFen).toBe(1999);
      await eventually(() => rig.handled.get(`trade.paid:${no}`) === 1, "trade.paid delivered");
      await moreRuns(rig, "queryUnnotified", 2);
      await moreRuns(rig, "dispatchEvents", 2);
      expect(rig.handled.get(`trade.paid:${no}`)).toBe(1);
    });

    it("an unpaid order expires and is closed at the provider; a close racing the buyer's payment records it paid", async () => {
      const closed = orderNo("RWC");
      const raced = orderNo("RWR");
      // Long enough for both creates and the payment on a loaded machine; the close waits for it.
      const soon = new Date(Date.now() + 5000);
      for (const no of [closed, raced]) {
        await rig.gateway.forMerchant("wx-main").createPayment({
          outTradeNo: no,
          description: "expiring",
          amount: { fen: 500, currency: "CNY" },
          method: "native",
          notifyUrl: `${rig.origin}/notify/wx-main`,
          expiresAt: soon,
        });
      }
      // The buyer pays `raced` just before the close lands; its notification is lost.
      wechat.control.dropNotifications({ outTradeNo: raced, kind: "trade" });
      wechat.control.pay(raced);
      await eventually(
        async () => (await rig.payments.getPayment(closed))?.state === TradeState.CLOSED,
        "closed",
      );
      expect(wechat.engine.getOrder(wechat.merchant().mchid, { outTradeNo: closed }).tradeState).toBe(
        "CLOSED",
      );
      const r = await eventually(async () => {
        const p = await rig.payments.getPayment(raced);
        return p && p.state !== TradeState.UNPAID ? p : undefined;
      }, "raced payment settled");
      expect(r.state).toBe(TradeState.PAID);
      expect(r.paidAfterCloseAt).toBeUndefined();
      await eventually(() => rig.handled.get(`trade.closed:${closed}`) === 1, "trade.closed delivered");
    });

    it("a late payment after the local close is refunded automatically, exactly once", async () => {
      // An Alipay precreate QR code is no trade until a buyer scans it: at expiry the worker's
      // query and close answer ACQ.TRADE_NOT_EXIST and PayBridge closes the order locally. The
      // gateway's clock is behind PayBridge's, so the code still pays for a moment: the buyer
      // scans and pays, and the paid notification arrives after the local close.
      const no = orderNo("RWL");
      const amount = { fen: 2500, currency: "CNY" as const };
      await rig.gateway.forMerchant("ali-main").createPayment({
        outTradeNo: no,
        description: "late payment",
        amount,
        method: "native",
        notifyUrl: `${rig.origin}/notify/ali-main`,
        expiresAt: new Date(Date.now() + 2000),
      });
      const local = await eventually(async () => {
        const p = await rig.payments.getPayment(no);
        return p?.state === TradeState.CLOSED ? p : undefined;
      }, "closed locally");
      expect(local.rawStatus).toBe("ACQ.TRADE_NOT_EXIST");
      await alipay.pay(no);
      const refunded = await eventually(async () => {
        const p = await rig.payments.getPayment(no);
        return p?.state === TradeState.REFUND ? p : undefined;
      }, "late payment refunded");
      expect(refunded.paidAfterCloseAt).toBeInstanceOf(Date);
      const refund = await rig.refunds.getRefund(lateRefundNo(no));
      expect(refund).toMatchObject({ state: RefundState.SUCCESS, amountFen: 2500 });
      await moreRuns(rig, "latePayments", 3);
      await moreRuns(rig, "pollRefunds", 1);
      // The oracle is the gateway's own book: the money went back once.
      expect(alipay.trade(no)?.refundedFen).toBe(2500);
      const refundCalls = alipay
        .calls()
        .filter((c) => c.method === "alipay.trade.refund" && c.biz.out_request_no === lateRefundNo(no));
      expect(refundCalls).toHaveLength(1);
      expect(await rig.refunds.listRefunds(no)).toHaveLength(1);
      await eventually(() => rig.handled.get(`trade.paid_after_close:${no}`) === 1, "late event delivered");
      expect(rig.handled.get(`refund.succeeded:${lateRefundNo(no)}`)).toBe(1);
      const health = await rig.worker.health();
      expect(health.unknownOutcomeRefunds.count).toBe(0);
    });
  });
}
