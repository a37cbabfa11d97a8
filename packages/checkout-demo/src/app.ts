import { readFile } from "node:fs/promises";
import {
  cny,
  fastifyNotifications,
  fenToYuan,
  type LedgerRefund,
  PaymentError,
  REFUND_STATE_INFO,
  ValidationError,
  yuanToFen,
} from "@paybridge/core";
import Fastify, { type FastifyInstance } from "fastify";
import QRCode from "qrcode";
import { CHANNELS, isChannel } from "./channels.js";
import type { ShopOrder } from "./order-book.js";
import type { OrderView, RefundView } from "./views.js";
import type { World } from "./world.js";

const publicDir = new URL("../public/", import.meta.url);

/** HTTP status for a PaymentError: the caller's fault (4xx) or the provider's (502). */
function statusOf(error: PaymentError): number {
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
    default:
      return 502;
  }
}

export function describeRefund(r: LedgerRefund): RefundView {
  const info = REFUND_STATE_INFO[r.state];
  return {
    outRefundNo: r.outRefundNo,
    amountYuan: fenToYuan(r.amountFen),
    attempts: r.attempts,
    lastError: r.lastError ?? null,
    refund: { state: r.state, name: info.name, label: info.label, rawStatus: r.rawStatus ?? "" },
  };
}

/**
 * The demo shop's server: a cashier page, an order API, a refund admin API and the notification
 * endpoints (PayBridge's Fastify adapter, raw bodies kept for signature checks).
 */
export async function buildApp(world: World): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(fastifyNotifications(world.intake), { prefix: "/notify" });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof PaymentError) {
      return reply
        .code(statusOf(error))
        .send({ code: error.code, message: error.message, retryable: error.retryable });
    }
    return reply.code(500).send({ code: "INTERNAL", message: String((error as Error).message ?? error) });
  });

  app.get("/", async (_req, reply) =>
    reply.type("text/html").send(await readFile(new URL("index.html", publicDir))),
  );
  app.get("/app.js", async (_req, reply) =>
    reply.type("text/javascript").send(await readFile(new URL("app.js", publicDir))),
  );

  const view = async (o: ShopOrder): Promise<OrderView> => ({
    outTradeNo: o.outTradeNo,
    description: o.description,
    channel: o.channel,
    provider: o.provider,
    merchantId: o.merchantId,
    amountYuan: fenToYuan(o.amount.fen),
    action: o.action,
    trade: world.orders.describe(o),
    refunds: (await world.refunds.listRefunds(o.outTradeNo)).map(describeRefund),
  });

  app.get("/api/orders", async () => ({
    mode: "sandbox",
    orders: await Promise.all(world.orders.all().reverse().map(view)),
  }));

  let sequence = 0;
  app.post("/api/orders", async (req) => {
    const body = (req.body ?? {}) as { description?: unknown; amountYuan?: unknown; channel?: unknown };
    if (!isChannel(body.channel)) {
      throw new ValidationError("channel", `channel must be one of ${Object.keys(CHANNELS).join(", ")}`);
    }
    const channel = CHANNELS[body.channel];
    const amount = cny(yuanToFen(String(body.amountYuan ?? ""), "amountYuan"));
    sequence += 1;
    const outTradeNo = `DEMO${Date.now()}${String(sequence).padStart(3, "0")}`;
    const route = {
      outTradeNo,
      method: channel.method,
      ...("provider" in channel ? { provider: channel.provider } : {}),
      ...("client" in channel ? { client: channel.client } : {}),
    };
    const merchant = world.gateway.merchantFor(route);
    const provider = world.gateway.forMerchant(merchant.id);
    const created = await provider.createPayment({
      outTradeNo,
      description: String(body.description ?? "").trim() || "demo order",
      amount,
      method: channel.method,
      notifyUrl: `${req.protocol}://${req.host}/notify/${merchant.id}`,
      ...(channel.method === "jsapi" ? { payer: { openid: "oDemoBuyerOpenid0000000000001" } } : {}),
      ...(channel.method === "page" ? { returnUrl: `${req.protocol}://${req.host}/` } : {}),
    });
    const order = world.orders.add({
      outTradeNo,
      description: String(body.description ?? "demo order"),
      channel: body.channel,
      provider: provider.id,
      merchantId: merchant.id,
      amount,
      action: created.action,
    });
    return view(order);
  });

  const mustOrder = (outTradeNo: string) => {
    const order = world.orders.get(outTradeNo);
    if (!order) throw new PaymentError("NOT_FOUND", `no order ${outTradeNo}`);
    return order;
  };

  app.get("/api/orders/:no/qr.svg", async (req, reply) => {
    const order = mustOrder((req.params as { no: string }).no);
    if (order.action.type !== "qr_code")
      throw new PaymentError("NOT_FOUND", `order ${order.outTradeNo} has no QR code`);
    return reply
      .type("image/svg+xml")
      .send(await QRCode.toString(order.action.content, { type: "svg", margin: 1 }));
  });

  // Sandbox only: plays the buyer at the simulator, as scanning the QR code and paying would.
  app.post("/api/orders/:no/sandbox-pay", async (req) => {
    const order = mustOrder((req.params as { no: string }).no);
    if (order.provider === "alipay") {
      // Alipay creates a page-pay trade only when the buyer's browser opens the pay link.
      if (order.action.type === "redirect") await fetch(order.action.url);
      await world.alipay.pay(order.outTradeNo);
    } else world.wechat.control.pay(order.outTradeNo);
    return { ok: true };
  });

  app.post("/api/orders/:no/refunds", async (req) => {
    const order = mustOrder((req.params as { no: string }).no);
    const body = (req.body ?? {}) as { amountYuan?: unknown; reason?: unknown };
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
      ...(typeof body.reason === "string" && body.reason ? { reason: body.reason } : {}),
    });
    return describeRefund(refund);
  });

  app.post("/api/refunds/:no/approve", async (req) => {
    const refund = await world.refunds.approve((req.params as { no: string }).no);
    world.orders.applyRefundState(refund.outTradeNo, refund.state);
    return describeRefund(refund);
  });

  app.post("/api/refunds/:no/reject", async (req) =>
    describeRefund(
      await world.refunds.reject((req.params as { no: string }).no, "rejected in the admin view"),
    ),
  );

  return app;
}
