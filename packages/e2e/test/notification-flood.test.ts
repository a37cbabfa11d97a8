// 2,000 paid notifications, each delivered 4 times (twice to each of two intake instances), all
// at once on shared PostgreSQL (or PGlite): each payment changes once, each event is written once
// and reaches the idempotent handler exactly once. The handler records event ids in its own table
// (the pattern of docs/recovery.md) and also counts every call, so a second delivery would show.
import type { AddressInfo } from "node:net";
import {
  createPayBridgeContainer,
  EventDispatcher,
  NotificationIntake,
  type PayBridgeEvent,
  registerMerchant,
  registerProvider,
  resolveGateway,
  TradeState,
} from "@paybridge/core";
import { fastifyNotifications } from "@paybridge/core/fastify";
import {
  PostgresNotificationInbox,
  PostgresPaymentLedger,
  PostgresRefundLedger,
  quoteSchema,
} from "@paybridge/postgres";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeTargets } from "./support/payment-store.js";

const ORDERS = 2000;
const COPIES = 4;

for (const target of storeTargets()) {
  describe(`notification flood (${target.name}): ${ORDERS} x ${COPIES} to two intakes`, () => {
    let sandbox: WechatSandbox;
    let close: () => Promise<void>;
    beforeAll(async () => {
      sandbox = await startWechatSandbox({
        merchants: [{ keyMode: "public_key" }],
        allowLoopbackHttpNotify: true,
      });
    });
    afterAll(async () => {
      await close?.();
      await sandbox?.close();
    });

    it("each event reaches the idempotent handler exactly once", async () => {
      const store = await target.open();
      const servers: FastifyInstance[] = [];
      close = async () => {
        for (const s of servers) await s.close();
        await store.close();
      };
      const { client: db, schema } = store;
      const s = quoteSchema(schema);
      await db.query(`CREATE TABLE ${s}.handled_events (id text PRIMARY KEY)`);
      const calls = new Map<string, number>();
      const handler = async (e: PayBridgeEvent) => {
        calls.set(e.id, (calls.get(e.id) ?? 0) + 1);
        await db.query(`INSERT INTO ${s}.handled_events (id) VALUES ($1) ON CONFLICT DO NOTHING`, [e.id]);
      };
      const payments = new PostgresPaymentLedger(db, { schema });
      const origins: string[] = [];
      // Two backend instances: each its own gateway, intake and dispatcher, one database.
      for (let i = 0; i < 2; i += 1) {
        const container = createPayBridgeContainer({ payments });
        registerProvider(container, WechatPayProvider);
        registerMerchant(container, {
          id: "wx-main",
          provider: "wechatpay",
          config: sandbox.merchantConfig(),
        });
        const gateway = resolveGateway(container);
        const intake = new NotificationIntake({
          gateway,
          ledger: new PostgresRefundLedger(db, { schema }),
          inbox: new PostgresNotificationInbox(db, { schema }),
          events: new EventDispatcher({ outbox: payments.outbox, handlers: { "*": handler } }),
        });
        const app = Fastify();
        await app.register(fastifyNotifications(intake), { prefix: "/notify" });
        await app.listen({ host: "127.0.0.1", port: 0 });
        servers.push(app);
        origins.push(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
      }
      // Orders recorded as createPayment records them, and paid at the sandbox, whose
      // notifications are built (signed, encrypted) but held: the test delivers them itself.
      const m = sandbox.merchant();
      sandbox.control.setDeliveryMode({ hold: true });
      const prefix = `FLD${process.pid}${Date.now().toString(36)}`;
      const nos = Array.from({ length: ORDERS }, (_, i) => `${prefix}${i}`.slice(0, 32));
      const now = new Date();
      for (const no of nos) {
        await payments.recordPayment(
          { outTradeNo: no, provider: "wechatpay", merchantId: "wx-main", currency: "CNY", amountFen: 100 },
          now,
        );
        sandbox.engine.createOrder(m.mchid, {
          appid: m.appid,
          outTradeNo: no,
          description: "flood",
          totalFen: 100,
          notifyUrl: `${origins[0]}/notify/wx-main`,
          channel: "native",
        });
        sandbox.control.pay(no, { mchid: m.mchid });
      }
      const notices = sandbox.control
        .notifications({ kind: "trade" })
        .filter((n) => n.outTradeNo.startsWith(prefix));
      expect(notices).toHaveLength(ORDERS);
      const sends = notices.flatMap((n) =>
        Array.from({ length: COPIES }, (_, c) => ({ n, origin: origins[c % 2] as string })),
      );
      // Interleaved so the copies of one notification are in flight together.
      const started = performance.now();
      let next = 0;
      const statuses = new Map<number, number>();
      const lane = async () => {
        for (let i = next++; i < sends.length; i = next++) {
          const { n, origin } = sends[i] as (typeof sends)[number];
          const res = await fetch(`${origin}/notify/wx-main`, {
            method: "POST",
            headers: n.headers,
            body: n.body,
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: 32 }, lane));
      const seconds = (performance.now() - started) / 1000;
      // A notification refused under contention would be retried by WeChat; none should be.
      expect(Object.fromEntries(statuses)).toEqual({ 204: ORDERS * COPIES });
      const paid = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${s}.payments WHERE state = $1 AND out_trade_no LIKE $2`,
        [TradeState.PAID, `${prefix}%`],
      );
      expect(paid.rows[0]?.n).toBe(ORDERS);
      const events = await db.query<{ n: number; d: number }>(
        `SELECT count(*)::int AS n, count(delivered_at)::int AS d FROM ${s}.outbox_events WHERE stream LIKE $1`,
        [`${prefix}%`],
      );
      expect(events.rows[0]).toEqual({ n: ORDERS, d: ORDERS });
      const handled = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.handled_events`);
      expect(handled.rows[0]?.n).toBe(ORDERS);
      expect(calls.size).toBe(ORDERS);
      expect([...calls.values()].every((c) => c === 1)).toBe(true);
      console.log(
        `notification flood (${target.name}): ${ORDERS * COPIES} deliveries in ${seconds.toFixed(1)} s (${((ORDERS * COPIES) / seconds).toFixed(0)}/s), ${ORDERS} events, each handled once`,
      );
    }, 600_000);
  });
}
