import type { AddressInfo } from "node:net";
import {
  cny,
  createPayBridgeContainer,
  type ExpectedOrder,
  MemoryRefundLedger,
  NotificationIntake,
  type PaymentGateway,
  RefundService,
  RefundState,
  registerMerchant,
  registerProvider,
  resolveGateway,
  TradeState,
} from "@paybridge/core";
import { expressNotifications } from "@paybridge/core/express";
import { fastifyNotifications } from "@paybridge/core/fastify";
import { ManualClock, startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Waits for `check` to hold, polling; bounded so a broken delivery fails the test instead of hanging. */
async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("notification intake: WeChat sandbox -> Fastify / Express -> ledger", () => {
  let sandbox: WechatSandbox;
  let gateway: PaymentGateway;
  let ledger: MemoryRefundLedger;
  let refunds: RefundService;
  let fastify: FastifyInstance;
  let expressServer: ReturnType<ReturnType<typeof express>["listen"]>;
  let fastifyOrigin: string;
  let expressOrigin: string;
  const book = new Map<string, ExpectedOrder>();
  const applied: string[] = [];
  let seq = 0;

  beforeAll(async () => {
    const clock = new ManualClock(Date.now());
    sandbox = await startWechatSandbox({
      allowLoopbackHttpNotify: true,
      clock,
      merchants: [{ keyMode: "public_key" }],
      refundDelayMs: 1000,
    });
    const container = createPayBridgeContainer();
    registerProvider(container, WechatPayProvider);
    registerMerchant(container, {
      id: "wx-main",
      provider: "wechatpay",
      config: sandbox.merchantConfig(),
    });
    gateway = resolveGateway(container);
    ledger = new MemoryRefundLedger();
    const intake = new NotificationIntake({
      gateway,
      ledger,
      orders: async (no) => book.get(no),
      onEvent: (e) => {
        applied.push(`${e.eventType}:${e.kind === "trade" ? e.trade.outTradeNo : e.refund.outRefundNo}`);
      },
    });

    fastify = Fastify();
    await fastify.register(fastifyNotifications(intake), { prefix: "/notify" });
    await fastify.listen({ host: "127.0.0.1", port: 0 });
    fastifyOrigin = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
    refunds = new RefundService({
      gateway,
      ledger,
      notifyUrl: `${fastifyOrigin}/notify/wx-main`,
      rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
    });

    const app = express();
    app.post("/notify/:merchantId", expressNotifications(intake));
    app.use(express.json());
    expressServer = app.listen(0, "127.0.0.1");
    await new Promise((r) => expressServer.once("listening", r));
    expressOrigin = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await fastify?.close();
    await new Promise((r) => expressServer?.close(r));
    await sandbox?.close();
  });

  async function paidOrder(origin: string, fen: number, bookFen = fen) {
    seq += 1;
    const outTradeNo = `INTAKE${Date.now()}${seq}`;
    book.set(outTradeNo, { outTradeNo, provider: "wechatpay", merchantId: "wx-main", amount: cny(bookFen) });
    await gateway.forMerchant("wx-main").createPayment({
      outTradeNo,
      description: "intake test",
      amount: cny(fen),
      method: "native",
      notifyUrl: `${origin}/notify/wx-main`,
    });
    sandbox.control.pay(outTradeNo);
    return outTradeNo;
  }

  for (const [name, origin] of [
    ["Fastify", () => fastifyOrigin],
    ["Express", () => expressOrigin],
  ] as const) {
    it(`${name}: a paid notification reaches the ledger and WeChat gets its success answer`, async () => {
      const outTradeNo = await paidOrder(origin(), 1200);
      const order = await eventually(() => ledger.getOrder(outTradeNo));
      expect(order).toMatchObject({ tradeState: TradeState.PAID, paidFen: 1200, merchantId: "wx-main" });
      const sent = await eventually(() =>
        sandbox.control.notifications({ outTradeNo }).find((n) => n.delivered),
      );
      // WeChat v3 expects 200/204 for success; the first delivery was accepted, no retries needed.
      expect(sent.deliveries).toHaveLength(1);
      expect(applied).toContain(`TRANSACTION.SUCCESS:${outTradeNo}`);
    });
  }

  it("answers a replayed notification as a duplicate without applying it again", async () => {
    const outTradeNo = await paidOrder(fastifyOrigin, 300);
    const sent = await eventually(() =>
      sandbox.control.notifications({ outTradeNo }).find((n) => n.delivered),
    );
    const before = applied.length;
    const replay = await fetch(`${fastifyOrigin}/notify/wx-main`, {
      method: "POST",
      headers: sent.headers,
      body: sent.body,
    });
    expect(replay.status).toBeLessThan(300);
    expect(applied.length).toBe(before);
  });

  it("refuses a paid notification whose amount differs from the order, so WeChat retries", async () => {
    const outTradeNo = await paidOrder(fastifyOrigin, 500, 400);
    const sent = await eventually(() =>
      sandbox.control.notifications({ outTradeNo }).find((n) => n.deliveries.length >= 2),
    );
    expect(sent.delivered).toBe(false);
    expect(sent.deliveries.every((d) => (d.status ?? 500) >= 400)).toBe(true);
    expect(await ledger.getOrder(outTradeNo)).toBeUndefined();
  });

  it("refuses a tampered body with a failure answer", async () => {
    const outTradeNo = await paidOrder(expressOrigin, 700);
    const sent = await eventually(() =>
      sandbox.control.notifications({ outTradeNo }).find((n) => n.delivered),
    );
    const tampered = await fetch(`${expressOrigin}/notify/wx-main`, {
      method: "POST",
      headers: sent.headers,
      body: sent.body.replace(/"id":"/, '"id":"x'),
    });
    expect(tampered.status).toBeGreaterThanOrEqual(400);
  });

  it("moves a refund forward when its REFUND.SUCCESS notification arrives", async () => {
    const outTradeNo = await paidOrder(fastifyOrigin, 1000);
    await eventually(() => ledger.getOrder(outTradeNo));
    const refund = await refunds.refund({
      outTradeNo,
      outRefundNo: `${outTradeNo}R`,
      amount: cny(400),
    });
    expect(refund.state).toBe(RefundState.SUBMITTED);
    sandbox.control.advance(2000);
    const done = await eventually(async () => {
      const r = await ledger.getRefund(`${outTradeNo}R`);
      return r?.state === RefundState.SUCCESS ? r : undefined;
    });
    expect(done.rawStatus).toBe("SUCCESS");
    expect(applied).toContain(`REFUND.SUCCESS:${outTradeNo}R`);
  });
});
