import { cny, PaymentError, ValidationError, yuanToFen } from "@paybridge/core";
import type { FastifyInstance } from "fastify";
import { createPaymentFor } from "../cashier.js";
import { CHANNELS, isChannel } from "../channels.js";
import { describeRefund, orderView, refundContext } from "../order-views.js";
import { shopMessage } from "../shop-errors.js";
import type { ShopWorld } from "../world.js";
import { ConsoleFeed } from "./console-feed.js";
import { sandboxPay } from "./sandbox-buyer.js";
import { consoleCookie, hasConsoleToken, sameToken } from "./security.js";

export const ORDER_NO = /^[A-Za-z0-9_-]{1,64}$/;

export function param(params: unknown, name: string): string {
  const value = (params as Record<string, string>)[name] ?? "";
  if (!ORDER_NO.test(value)) throw new ValidationError(name, `${name} must be 1-64 letters, digits, _ or -`);
  return value;
}

/**
 * The merchant's side: the console page and its API (orders, refunds, a live feed), which the
 * scripted demo also drives. Everything under /api/orders and /api/refunds needs the console token.
 */
export async function registerConsoleRoutes(app: FastifyInstance, world: ShopWorld): Promise<ConsoleFeed> {
  const snapshot = async () => ({
    mode: "sandbox",
    orders: await Promise.all(
      world.orders
        .all()
        .reverse()
        .map((o) => orderView(world, o)),
    ),
  });
  const feed = new ConsoleFeed(snapshot);
  app.addHook("onClose", async () => feed.close());

  // Opening /console?token=... hands the browser the token as a cookie and drops it from the URL.
  app.get("/console", async (req, reply) => {
    const { token } = req.query as { token?: string };
    if (token !== undefined) {
      if (!sameToken(token, world.consoleToken))
        return reply.code(403).type("text/plain").send("wrong console token");
      return reply.header("set-cookie", consoleCookie(token)).redirect("/console");
    }
    const { pageHtml } = await import("./static-files.js");
    return reply.type("text/html; charset=utf-8").send(await pageHtml("console.html"));
  });

  app.addHook("onRequest", async (req, reply) => {
    const path = req.url.split("?")[0] ?? "";
    if (!path.startsWith("/api/orders") && !path.startsWith("/api/refunds")) return;
    if (!hasConsoleToken(req, world.consoleToken)) {
      return reply.code(401).send({
        code: "UNAUTHORIZED",
        message: "console token required",
        shop: {
          zh: "请使用启动时终端里打印的控制台链接打开商户后台。",
          en: "Open the merchant console with the link printed in the terminal at start-up.",
        },
      });
    }
  });

  app.get("/api/orders", snapshot);

  app.get("/api/orders/events", async (req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    if (!(await feed.add(reply.raw))) {
      reply.raw.end("event: full\ndata: {}\n\n");
    }
    req.raw.on("close", () => reply.raw.end());
  });

  let sequence = 0;
  app.post("/api/orders", async (req) => {
    const body = (req.body ?? {}) as { description?: unknown; amountYuan?: unknown; channel?: unknown };
    if (!isChannel(body.channel)) {
      throw new ValidationError("channel", `channel must be one of ${Object.keys(CHANNELS).join(", ")}`);
    }
    const amount = cny(yuanToFen(String(body.amountYuan ?? ""), "amountYuan"));
    sequence = (sequence + 1) % 1000;
    const order = await createPaymentFor(world, {
      channel: body.channel,
      outTradeNo: `DEMO${Date.now()}${String(sequence).padStart(3, "0")}`,
      description: String(body.description ?? "").trim() || "demo order",
      amount,
      clientIp: req.ip,
    });
    void feed.tick();
    return orderView(world, order);
  });

  const mustOrder = (outTradeNo: string) => {
    const order = world.orders.get(outTradeNo);
    if (!order) throw new PaymentError("NOT_FOUND", `no order ${outTradeNo}`);
    return order;
  };

  // Sandbox only: plays the buyer at the simulator, as scanning the QR code and paying would.
  app.post("/api/orders/:no/sandbox-pay", async (req) => {
    await sandboxPay(world, mustOrder(param(req.params, "no")));
    return { ok: true };
  });

  app.post("/api/orders/:no/refunds", async (req, reply) => {
    const order = mustOrder(param(req.params, "no"));
    const body = (req.body ?? {}) as { amountYuan?: unknown; reason?: unknown };
    try {
      const amount = cny(yuanToFen(String(body.amountYuan ?? ""), "amountYuan"));
      // The paid notification normally recorded the order in the ledger already; if it has not
      // arrived yet, ask the provider (importOrder refuses an order that is not paid).
      if (!(await world.refunds.ledger.getOrder(order.outTradeNo))) {
        await world.refunds.importOrder({ outTradeNo: order.outTradeNo, merchantId: order.merchantId });
      }
      const count = (await world.refunds.listRefunds(order.outTradeNo)).length;
      const refund = await world.refunds.request({
        outTradeNo: order.outTradeNo,
        outRefundNo: `${order.outTradeNo}R${count + 1}`,
        amount,
        ...(typeof body.reason === "string" && body.reason ? { reason: body.reason.slice(0, 80) } : {}),
      });
      void feed.tick();
      return describeRefund(refund);
    } catch (error) {
      if (!(error instanceof PaymentError)) throw error;
      const shop = shopMessage(error, await refundContext(world, order));
      return reply.code(statusOf(error)).send(errorBody(error, shop));
    }
  });

  const refundAction = (name: string, run: (no: string) => Promise<Parameters<typeof describeRefund>[0]>) =>
    app.post(`/api/refunds/:no/${name}`, async (req) => {
      const refund = await run(param(req.params, "no"));
      world.orders.applyRefundState(refund.outTradeNo, refund.state);
      void feed.tick();
      return describeRefund(refund);
    });
  refundAction("approve", (no) => world.refunds.approve(no));
  refundAction("reject", (no) => world.refunds.reject(no, "rejected in the merchant console"));
  // Sends again a refund not accepted yet (2), with the same refund number and amount.
  refundAction("submit", (no) => world.refunds.submit(no));

  return feed;
}

/** HTTP status for a PaymentError: the caller's fault (4xx) or the provider's (502). */
export function statusOf(error: PaymentError): number {
  switch (error.code) {
    case "VALIDATION":
      return 400;
    case "NOT_FOUND":
      return 404;
    case "REFUND_RULE":
    case "INVALID_TRANSITION":
    case "TRADE_STATE":
    case "INVALID_REQUEST":
    case "INSUFFICIENT_FUNDS":
      return 409;
    case "RATE_LIMITED":
      return 429;
    default:
      return 502;
  }
}

export function errorBody(error: PaymentError, shop = shopMessage(error)) {
  return { code: error.code, message: error.message, retryable: error.retryable, shop };
}
