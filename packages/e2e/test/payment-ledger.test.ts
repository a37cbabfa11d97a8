import type { AddressInfo } from "node:net";
import {
  cny,
  createPayBridgeContainer,
  NotificationIntake,
  type PaymentGateway,
  RefundService,
  RefundState,
  registerMerchant,
  registerProvider,
  resolveGateway,
  TradeState,
  ValidationError,
} from "@paybridge/core";
import { fastifyNotifications } from "@paybridge/core/fastify";
import { PostgresPaymentLedger, PostgresRefundLedger } from "@paybridge/postgres";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeTargets } from "./support/payment-store.js";

async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const target of storeTargets()) {
  describe(`payment ledger through the gateway (${target.name} + WeChat sandbox)`, () => {
    let sandbox: WechatSandbox;
    let gateway: PaymentGateway;
    let payments: PostgresPaymentLedger;
    let refunds: RefundService;
    let fastify: FastifyInstance;
    let origin: string;
    let close: () => Promise<void>;
    let seq = 0;

    beforeAll(async () => {
      const store = await target.open();
      close = store.close;
      sandbox = await startWechatSandbox({
        merchants: [{ keyMode: "public_key" }],
        refundDelayMs: 0,
        allowLoopbackHttpNotify: true,
      });
      payments = new PostgresPaymentLedger(store.client, { schema: store.schema });
      const ledger = new PostgresRefundLedger(store.client, { schema: store.schema });
      const container = createPayBridgeContainer({ payments });
      registerProvider(container, WechatPayProvider);
      registerMerchant(container, { id: "wx-main", provider: "wechatpay", config: sandbox.merchantConfig() });
      gateway = resolveGateway(container);
      // No `orders` lookup: the payment ledger is what the notification is checked against.
      const intake = new NotificationIntake({ gateway, ledger });
      fastify = Fastify();
      await fastify.register(fastifyNotifications(intake), { prefix: "/notify" });
      await fastify.listen({ host: "127.0.0.1", port: 0 });
      origin = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
      refunds = new RefundService({
        gateway,
        ledger,
        notifyUrl: `${origin}/notify/wx-main`,
        rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
      });
    });

    afterAll(async () => {
      await fastify?.close();
      await sandbox?.close();
      await close?.();
    });

    const orderNo = () => `PL${Date.now()}${++seq}`;

    it("records the payment before the provider is called, and the notification needs no orders lookup", async () => {
      const outTradeNo = orderNo();
      const expiresAt = new Date(Date.now() + 30 * 60_000);
      await gateway.forMerchant("wx-main").createPayment({
        outTradeNo,
        description: "ledger e2e",
        amount: cny(2590),
        method: "native",
        notifyUrl: `${origin}/notify/wx-main`,
        expiresAt,
      });
      const recorded = await payments.getPayment(outTradeNo);
      expect(recorded).toMatchObject({ state: TradeState.UNPAID, amountFen: 2590, merchantId: "wx-main" });
      expect(recorded?.expiresAt?.getTime()).toBe(expiresAt.getTime());
      sandbox.control.pay(outTradeNo);
      const paid = await eventually(async () => {
        const p = await payments.getPayment(outTradeNo);
        return p?.state === TradeState.PAID ? p : undefined;
      });
      expect(paid.rawStatus).toBe("SUCCESS");
      const refund = await refunds.refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, amount: cny(590) });
      expect([RefundState.SUBMITTED, RefundState.SUCCESS]).toContain(refund.state);
    });

    it("records nothing for input the schema refuses", async () => {
      const outTradeNo = orderNo();
      await expect(
        gateway.forMerchant("wx-main").createPayment({
          outTradeNo,
          description: "bad amount",
          amount: cny(0),
          method: "native",
          notifyUrl: `${origin}/notify/wx-main`,
        }),
      ).rejects.toThrow(ValidationError);
      expect(await payments.getPayment(outTradeNo)).toBeUndefined();
    });

    it("removes the record when the provider's own field rules refuse the input", async () => {
      const outTradeNo = orderNo();
      await expect(
        gateway.forMerchant("wx-main").createPayment({
          outTradeNo,
          // "page" is an Alipay method; WeChatPayProvider refuses it before any network call.
          description: "wrong method",
          amount: cny(100),
          method: "page",
          notifyUrl: `${origin}/notify/wx-main`,
        }),
      ).rejects.toThrow(ValidationError);
      expect(await payments.getPayment(outTradeNo)).toBeUndefined();
    });
  });
}
