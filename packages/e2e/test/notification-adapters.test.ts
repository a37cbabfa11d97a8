import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cny, MemoryLogger, type NotificationIntake, TradeState } from "@paybridge/core";
import { expressNotifications } from "@paybridge/core/express";
import { fastifyNotifications } from "@paybridge/core/fastify";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import express5 from "express";
import express4 from "express4";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  type NotificationRig,
  SMALL_LIMIT,
  startNotificationRig,
} from "./support/notification-rig.js";

/*
 * The notification adapters on their real servers: Express 4, Express 5 and Fastify 5, each fed
 * genuine signed notifications from the sandboxes and hostile requests from an anonymous caller.
 * Koa and NestJS are in notification-adapters-koa-nest.test.ts, on the same rig.
 */

type Express = typeof express5;

describe("notification adapters on real Express 4, Express 5 and Fastify servers", () => {
  let rig: NotificationRig;
  const servers: Server[] = [];
  let fastify: FastifyInstance;
  const origins: Record<string, string> = {};

  function mountPlain(name: string, express: Express) {
    const app = express();
    app.post("/notify/:merchantId", expressNotifications(intake()));
    app.post("/small/:merchantId", expressNotifications(intake(), { bodyLimit: SMALL_LIMIT }));
    return [name, app] as const;
  }
  const intake = (): NotificationIntake => rig.intake;

  beforeAll(async () => {
    rig = await startNotificationRig();

    const apps: (readonly [string, ReturnType<Express>])[] = [
      mountPlain("express4", express4 as unknown as Express),
      mountPlain("express5", express5),
    ];
    // A common setup: the form parser mounted for the whole app, before the notification route.
    const form4 = (express4 as unknown as Express)();
    form4.use((express4 as unknown as Express).urlencoded({ extended: true }));
    form4.post("/notify/:merchantId", expressNotifications(intake()));
    apps.push(["express4-urlencoded", form4]);
    const form5 = express5();
    form5.use(express5.urlencoded());
    form5.post("/notify/:merchantId", expressNotifications(intake()));
    apps.push(["express5-urlencoded", form5]);
    for (const [name, app] of apps) {
      const server = app.listen(0, "127.0.0.1");
      await new Promise((r) => server.once("listening", r));
      servers.push(server);
      origins[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    fastify = Fastify();
    await fastify.register(fastifyNotifications(intake()), { prefix: "/notify" });
    await fastify.register(fastifyNotifications(intake(), { bodyLimit: SMALL_LIMIT }), { prefix: "/small" });
    await fastify.listen({ host: "127.0.0.1", port: 0 });
    origins.fastify = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await fastify?.close();
    for (const server of servers) await new Promise((r) => server.close(r));
    await rig?.close();
  });

  const plainAdapters = ["express4", "express5", "fastify"] as const;

  for (const name of plainAdapters) {
    it(`${name}: a POST for an unknown merchant is answered 404 and crashes nothing`, async () => {
      const res = await fetch(`${origins[name]}/notify/nobody-here`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"id":"x"}',
      });
      expect(res.status).toBe(404);
      const text = await res.text();
      // No stack page, no echo of the caller's path.
      expect(text).toBe("unknown notification endpoint");
      expect(rig.unhandled).toEqual([]);
      expect(rig.logger.text()).toContain("notification for an unknown merchant");
    });

    it(`${name}: a body over the default 1 MiB limit is answered 413`, async () => {
      const res = await fetch(`${origins[name]}/notify/wx-main`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(1024 * 1024 + 1),
      });
      expect(res.status).toBe(413);
      await res.arrayBuffer();
      expect(rig.unhandled).toEqual([]);
    });

    it(`${name}: a body over a configured limit is answered 413, one at the limit is read`, async () => {
      const over = await fetch(`${origins[name]}/small/wx-main`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(SMALL_LIMIT + 1),
      });
      expect(over.status).toBe(413);
      await over.arrayBuffer();
      const at = await fetch(`${origins[name]}/small/wx-main`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(SMALL_LIMIT),
      });
      // Read whole and refused by the WeChat provider (not signed): WeChat's failure answer.
      expect(at.status).toBe(500);
      expect(await at.json()).toMatchObject({ code: "FAIL" });
    });

    it(`${name}: a genuine WeChat notification is applied`, async () => {
      const outTradeNo = uniqueOutTradeNo("AD");
      rig.book.set(outTradeNo, {
        outTradeNo,
        provider: "wechatpay",
        merchantId: "wx-main",
        amount: cny(321),
      });
      await rig.gateway.forMerchant("wx-main").createPayment({
        outTradeNo,
        description: "adapter test",
        amount: cny(321),
        method: "native",
        notifyUrl: `${origins[name]}/notify/wx-main`,
      });
      rig.wechat.control.pay(outTradeNo);
      const order = await eventually(() => rig.ledger.getOrder(outTradeNo));
      expect(order).toMatchObject({ tradeState: TradeState.PAID, paidFen: 321 });
    });
  }

  for (const name of ["express4-urlencoded", "express5-urlencoded"] as const) {
    it(`${name}: an Alipay notification decoded by express.urlencoded() verifies and is applied`, async () => {
      const outTradeNo = uniqueOutTradeNo("AF");
      rig.book.set(outTradeNo, { outTradeNo, provider: "alipay", merchantId: "ali-main", amount: cny(808) });
      await rig.gateway.forMerchant("ali-main").createPayment({
        outTradeNo,
        description: "表单通知 & 测试 +1",
        amount: cny(808),
        method: "native",
        notifyUrl: `${origins[name]}/notify/ali-main`,
        attach: "a=1&b=两",
      });
      await rig.alipay.pay(outTradeNo);
      await rig.alipay.settled();
      const sent = rig.alipay.notifications().filter((n) => n.outTradeNo === outTradeNo);
      expect(sent.map((n) => n.acknowledged)).toEqual([true]);
      expect(await rig.ledger.getOrder(outTradeNo)).toMatchObject({
        tradeState: TradeState.PAID,
        paidFen: 808,
      });
    });

    it(`${name}: a tampered decoded form is refused`, async () => {
      const outTradeNo = uniqueOutTradeNo("AT");
      rig.book.set(outTradeNo, { outTradeNo, provider: "alipay", merchantId: "ali-main", amount: cny(909) });
      await rig.gateway.forMerchant("ali-main").createPayment({
        outTradeNo,
        description: "tamper",
        amount: cny(909),
        method: "native",
        notifyUrl: "http://127.0.0.1:9/unreachable",
      });
      await rig.alipay.pay(outTradeNo);
      await rig.alipay.settled();
      const note = rig.alipay.notifications().find((n) => n.outTradeNo === outTradeNo);
      if (!note) throw new Error("no notification captured");
      const body = note.body.replace(/total_amount=9\.09/, "total_amount=0.01");
      expect(body).not.toBe(note.body);
      const res = await fetch(`${origins[name]}/notify/ali-main`, {
        method: "POST",
        headers: note.headers,
        body,
      });
      expect(await res.text()).toBe("failure");
      expect(await rig.ledger.getOrder(outTradeNo)).toBeUndefined();
    });
  }

  it("express.json() mounted before the route: logged once at start-up, and each such request answered 500", async () => {
    const startupLog = new MemoryLogger();
    for (const express of [express4 as unknown as Express, express5]) {
      const app = express();
      app.use(express.json());
      app.post("/notify/:merchantId", expressNotifications(intake(), { app, logger: startupLog }));
      const server = app.listen(0, "127.0.0.1");
      await new Promise((r) => server.once("listening", r));
      servers.push(server);
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (let i = 0; i < 2; i += 1) {
        const res = await fetch(`${origin}/notify/wx-main`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"id":"n1","resource":{}}',
        });
        expect(res.status).toBe(500);
        expect(await res.text()).toMatch(/raw body unavailable/);
      }
    }
    const errors = startupLog.lines.filter((l) => l.level === "error");
    // Once per adapter, when it was built (before any request), not once per request.
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e.msg).toMatch(/jsonParser is mounted before the notification route/);
  });

  it("a bad bodyLimit is refused when the adapter is built", () => {
    expect(() => expressNotifications(intake(), { bodyLimit: 0 })).toThrow(
      /expressNotifications\.bodyLimit: must be a positive whole number of bytes/,
    );
    expect(() => fastifyNotifications(intake(), { bodyLimit: 1.5 })).toThrow(
      /fastifyNotifications\.bodyLimit: must be a positive whole number of bytes/,
    );
  });
});
