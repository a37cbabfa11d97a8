import "reflect-metadata";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import { type INestApplication, Inject, Injectable, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import {
  type NotificationIntake as Intake,
  NotificationIntake,
  PaymentGateway,
  TradeState,
} from "@paybridge/core";
import { koaNotifications } from "@paybridge/core/koa";
import { PayBridgeNotificationsModule } from "@paybridge/core/nestjs";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  capturedWechatNotification,
  eventsFor,
  eventually,
  type NotificationRig,
  payAlipayOrder,
  payWechatOrder,
  postUnbounded,
  SMALL_LIMIT,
  startNotificationRig,
} from "./support/notification-rig.js";

/*
 * The Koa middleware and the NestJS module on their real servers (Koa 3 with and without
 * @koa/router, Nest 12 on its Express platform), fed the sandboxes' genuine signed notifications:
 * each is applied once, a tampered one is refused, an endless body is cut off at the limit, and
 * one notification delivered many times at once produces one event.
 */

@Injectable()
class CheckoutService {
  constructor(
    @Inject(PaymentGateway) readonly gateway: PaymentGateway,
    @Inject(NotificationIntake) readonly intake: Intake,
  ) {}
}

describe("notification adapters on real Koa and NestJS servers", () => {
  let rig: NotificationRig;
  const servers: Server[] = [];
  const nestApps: INestApplication[] = [];
  const origins: Record<string, string> = {};

  async function listenKoa(name: string, app: Koa) {
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    servers.push(server);
    origins[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function startNest(name: string, module: object, options: { rawBody?: boolean } = {}) {
    const app = await NestFactory.create(module as never, { logger: false, ...options });
    await app.listen(0, "127.0.0.1");
    nestApps.push(app);
    origins[name] = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    return app;
  }

  beforeAll(async () => {
    rig = await startNotificationRig();

    // Koa with @koa/router: the route names :merchantId.
    const routed = new Koa();
    const router = new Router();
    router.post("/notify/:merchantId", koaNotifications(rig.intake));
    router.post("/small/:merchantId", koaNotifications(rig.intake, { bodyLimit: SMALL_LIMIT }));
    router.get("/health", (ctx) => {
      ctx.body = "ok";
    });
    routed.use(router.routes());
    await listenKoa("koa-router", routed);

    // Plain Koa middleware, no router: it answers POST /notify/<id> and passes the rest on.
    const plain = new Koa();
    plain.use(koaNotifications(rig.intake));
    plain.use(koaNotifications(rig.intake, { prefix: "/small", bodyLimit: SMALL_LIMIT }));
    plain.use((ctx) => {
      ctx.body = "next";
    });
    await listenKoa("koa-plain", plain);

    // A common Koa setup: @koa/bodyparser for the whole app, which keeps ctx.request.rawBody.
    const parsed = new Koa();
    parsed.use(bodyParser({ enableTypes: ["json", "form", "text"] }));
    parsed.use(koaNotifications(rig.intake));
    await listenKoa("koa-bodyparser", parsed);

    @Module({
      imports: [
        PayBridgeNotificationsModule.forRootAsync({ useFactory: () => rig.intake, global: true }),
        PayBridgeNotificationsModule.forRoot({ intake: rig.intake, path: "small", bodyLimit: SMALL_LIMIT }),
      ],
      providers: [CheckoutService],
    })
    class AppModule {}
    await startNest("nest", AppModule, { rawBody: true });

    // Nest with its body parser off: the module reads the stream itself, under its own limit.
    @Module({ imports: [PayBridgeNotificationsModule.forRoot({ intake: rig.intake })] })
    class NoParserModule {}
    const noParser = await NestFactory.create(NoParserModule, { logger: false, bodyParser: false });
    await noParser.listen(0, "127.0.0.1");
    nestApps.push(noParser);
    origins["nest-no-parser"] =
      `http://127.0.0.1:${(noParser.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const app of nestApps) await app.close();
    for (const server of servers) await new Promise((r) => server.close(r));
    await rig?.close();
  });

  const adapters = ["koa-router", "koa-plain", "koa-bodyparser", "nest", "nest-no-parser"] as const;

  for (const name of adapters) {
    it(`${name}: a genuine WeChat notification delivered by the sandbox is applied once`, async () => {
      const outTradeNo = await payWechatOrder(rig, 321, `${origins[name]}/notify/wx-main`);
      const order = await eventually(() => rig.ledger.getOrder(outTradeNo));
      expect(order).toMatchObject({ tradeState: TradeState.PAID, paidFen: 321 });
      const sent = await eventually(() =>
        rig.wechat.control.notifications({ outTradeNo }).find((n) => n.delivered),
      );
      // WeChat's success answer is 204 without a body.
      expect(sent.deliveries.at(-1)?.status).toBe(204);
      expect(eventsFor(rig, outTradeNo)).toHaveLength(1);
    });

    it(`${name}: a genuine Alipay form notification is applied`, async () => {
      const outTradeNo = await payAlipayOrder(rig, 808, `${origins[name]}/notify/ali-main`);
      const sent = rig.alipay.notifications().filter((n) => n.outTradeNo === outTradeNo);
      expect(sent.map((n) => n.acknowledged)).toEqual([true]);
      expect(await rig.ledger.getOrder(outTradeNo)).toMatchObject({
        tradeState: TradeState.PAID,
        paidFen: 808,
      });
    });

    it(`${name}: a tampered WeChat notification is refused and applies nothing`, async () => {
      const note = await capturedWechatNotification(rig, 654);
      const tampered = note.body.replace(/"resource"\s*:\s*\{/, '"resource":{"x":1,');
      expect(tampered).not.toBe(note.body);
      const res = await fetch(`${origins[name]}/notify/wx-main`, {
        method: "POST",
        headers: note.headers,
        body: tampered,
      });
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ code: "FAIL" });
      expect(await rig.ledger.getOrder(note.outTradeNo)).toBeUndefined();
      expect(eventsFor(rig, note.outTradeNo)).toEqual([]);
    });

    it(`${name}: one notification delivered eight times at once produces one event`, async () => {
      const note = await capturedWechatNotification(rig, 777);
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${origins[name]}/notify/wx-main`, {
            method: "POST",
            headers: note.headers,
            body: note.body,
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(204));
      expect(eventsFor(rig, note.outTradeNo)).toHaveLength(1);
      expect(await rig.ledger.getOrder(note.outTradeNo)).toMatchObject({ tradeState: TradeState.PAID });
    });

    it(`${name}: an endless body is refused 413 without being held in memory`, async () => {
      const { status, sent, peakLiveBytes } = await postUnbounded(`${origins[name]}/notify/wx-main`);
      expect(status).toBe(413);
      if (name === "nest") {
        // With rawBody: true, Nest's own JSON parser runs first (limit 100 kB unless the app sets
        // one) and reads an oversized body off to the end before answering 413, discarding it:
        // the whole 256 MiB went out, and the server (this process) held none of it alive.
        expect(sent).toBeGreaterThan(128 * 1024 * 1024);
        expect(peakLiveBytes).toBeLessThan(32 * 1024 * 1024);
      } else {
        // The adapter answered at the limit: far less than the 256 MiB cap went out.
        expect(sent).toBeLessThan(64 * 1024 * 1024);
      }
      expect(rig.unhandled).toEqual([]);
    });

    it(`${name}: a POST for an unknown merchant is answered 404 without echoing the path`, async () => {
      const res = await fetch(`${origins[name]}/notify/nobody-here`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"id":"x"}',
      });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe("unknown notification endpoint");
    });
  }

  for (const name of ["koa-router", "koa-plain", "nest"] as const) {
    it(`${name}: a configured limit answers 413 above it and reads a body at it`, async () => {
      const over = await fetch(`${origins[name]}/small/wx-main`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "x".repeat(SMALL_LIMIT + 1),
      });
      expect(over.status).toBe(413);
      expect(await over.text()).toBe(`notification body exceeds ${SMALL_LIMIT} bytes`);
      const at = await fetch(`${origins[name]}/small/wx-main`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "x".repeat(SMALL_LIMIT),
      });
      // Read whole, then refused by the WeChat provider (not signed): WeChat's failure answer.
      expect(at.status).toBe(500);
      expect(await at.json()).toMatchObject({ code: "FAIL" });
    });
  }

  it("koa-plain: requests outside the prefix pass on to the next middleware", async () => {
    const get = await fetch(`${origins["koa-plain"]}/notify/wx-main`);
    expect(await get.text()).toBe("next");
    const deeper = await fetch(`${origins["koa-plain"]}/notify/wx-main/extra`, {
      method: "POST",
      body: "{}",
    });
    expect(await deeper.text()).toBe("next");
    const health = await fetch(`${origins["koa-router"]}/health`);
    expect(await health.text()).toBe("ok");
  });

  it("nest: NotificationIntake and PaymentGateway come from Nest's DI, the intake's own", () => {
    const app = nestApps[0];
    if (!app) throw new Error("nest app not started");
    const checkout = app.get(CheckoutService);
    expect(checkout.intake).toBe(rig.intake);
    expect(checkout.gateway).toBe(rig.gateway);
    expect(app.get(PaymentGateway)).toBe(rig.gateway);
  });

  it("nest without rawBody: a JSON notification is answered 500 saying how to fix it, logged once", async () => {
    @Module({ imports: [PayBridgeNotificationsModule.forRoot({ intake: rig.intake })] })
    class ParsedModule {}
    const app = await startNest("nest-parsed", ParsedModule);
    const note = await capturedWechatNotification(rig, 999);
    const before = rig.logger.lines.filter((l) => l.level === "error").length;
    for (let i = 0; i < 2; i += 1) {
      const res = await fetch(`${origins["nest-parsed"]}/notify/wx-main`, {
        method: "POST",
        headers: note.headers,
        body: note.body,
      });
      expect(res.status).toBe(500);
      expect(await res.text()).toMatch(/raw body unavailable: .*rawBody: true/);
    }
    const errors = rig.logger.lines.filter((l) => l.level === "error").slice(before);
    expect(errors).toHaveLength(1);
    expect(await rig.ledger.getOrder(note.outTradeNo)).toBeUndefined();
    await app.close();
    nestApps.splice(nestApps.indexOf(app), 1);
  });

  it("bad module and middleware settings are refused when they are built", () => {
    expect(() => koaNotifications(rig.intake, { bodyLimit: 0 })).toThrow(
      /koaNotifications\.bodyLimit: must be a positive whole number of bytes/,
    );
    expect(() => koaNotifications(rig.intake, { prefix: "notify" })).toThrow(/koaNotifications\.prefix/);
    expect(() => PayBridgeNotificationsModule.forRoot({ intake: rig.intake, bodyLimit: -1 })).toThrow(
      /PayBridgeNotificationsModule\.bodyLimit/,
    );
    expect(() => PayBridgeNotificationsModule.forRoot({ intake: rig.intake, path: "notify/:id" })).toThrow(
      /PayBridgeNotificationsModule\.path/,
    );
    expect(() => PayBridgeNotificationsModule.forRoot({ intake: {} as Intake })).toThrow(
      /intake must be a NotificationIntake/,
    );
  });
});

describe("core's main entry loads neither Koa nor Nest", () => {
  // The built ESM graph reachable from the main entry, followed through every relative import.
  const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../../core/dist/esm");
  function bareImports(): Set<string> {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(
        /(?:import|export)\s[^"']*?from\s*["']([^"']+)["']|import\s*["']([^"']+)["']/g,
      )) {
        const spec = m[1] ?? m[2] ?? "";
        if (spec.startsWith(".")) visit(join(dirname(file), spec));
        else bare.add(spec);
      }
    };
    visit(join(dist, "index.js"));
    return bare;
  }

  it("imports no framework package (build first)", () => {
    const bare = [...bareImports()];
    expect(bare).toContain("zod");
    expect(bare.filter((s) => /^(koa|@koa\/|@nestjs\/|express|fastify)/.test(s))).toEqual([]);
  });
});
