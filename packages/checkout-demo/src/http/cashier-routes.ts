import { cny, detectClient, NotFoundError, ValidationError, yuanToFen } from "@paybridge/core";
import type { FastifyInstance } from "fastify";
import QRCode from "qrcode";
import { closeCheckout, mustCheckout, openCheckout, refreshCheckout } from "../cashier.js";
import { CHANNELS, type Channel, isChannel } from "../channels.js";
import type { Checkout } from "../checkout-book.js";
import type { ShopWorld } from "../world.js";
import { param } from "./console-routes.js";
import { sandboxFail, sandboxPay } from "./sandbox-buyer.js";
import { pageHtml } from "./static-files.js";

/** What the cashier page shows for one pay option; links are checked to be http(s) here. */
function payOption(world: ShopWorld, checkout: Checkout, channel: Channel, outTradeNo: string) {
  const order = world.orders.get(outTradeNo);
  if (!order) throw new NotFoundError(`no payment ${outTradeNo}`);
  const a = order.action;
  const provider = order.provider === "alipay" ? "alipay" : "wechatpay";
  const base = { channel, provider, method: CHANNELS[channel].method, state: order.tradeState };
  if (a.type === "qr_code")
    return { ...base, kind: "qr", qr: `/api/checkout/${checkout.id}/qr/${channel}.svg` };
  if (a.type === "redirect" && /^https?:\/\//.test(a.url)) return { ...base, kind: "link", url: a.url };
  // JSAPI: the parameters WeixinJSBridge's getBrandWCPayRequest takes inside WeChat.
  if (a.type === "client_params") return { ...base, kind: "wallet", params: a.params };
  return { ...base, kind: "none" };
}

/** The buyer's side: the shop page, the cashier (收银台) and its small API. No token: buyers use it. */
export async function registerCashierRoutes(app: FastifyInstance, world: ShopWorld): Promise<void> {
  const shop = await pageHtml("shop.html");
  const cashier = await pageHtml("cashier.html");
  app.get("/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(shop));
  app.get("/pay/:id", async (req, reply) => {
    param(req.params, "id");
    return reply.type("text/html; charset=utf-8").send(cashier);
  });

  app.post("/api/checkout", async (req) => {
    const body = (req.body ?? {}) as { description?: unknown; amountYuan?: unknown };
    const description = typeof body.description === "string" ? body.description.trim() : "";
    if (!description) throw new ValidationError("description", "description must not be empty");
    const amount = cny(yuanToFen(String(body.amountYuan ?? ""), "amountYuan"));
    // The channel follows the buyer's client, as the injector's routeByClient does.
    const client = detectClient(req.headers["user-agent"]);
    const checkout = await openCheckout(world, { description, amount, client, clientIp: req.ip });
    return { id: checkout.id };
  });

  app.get("/api/checkout/:id", async (req) => {
    const checkout = mustCheckout(world, param(req.params, "id"));
    const status = await refreshCheckout(world, checkout);
    const { fenToYuan } = await import("@paybridge/core");
    return {
      id: checkout.id,
      description: checkout.description,
      amountYuan: fenToYuan(checkout.amount.fen),
      client: checkout.client,
      status,
      // The page counts down from the server's own clock, so a wrong clock on the phone cannot
      // show time that is not there.
      remainingMs: Math.max(0, checkout.expiresAt.getTime() - world.clock.now().getTime()),
      expiresAt: checkout.expiresAt.toISOString(),
      sandbox: true,
      options: Object.entries(checkout.payments).map(([channel, no]) =>
        payOption(world, checkout, channel as Channel, no),
      ),
    };
  });

  const optionOf = (checkout: Checkout, value: unknown) => {
    if (!isChannel(value) || !checkout.payments[value]) {
      throw new ValidationError(
        "channel",
        `channel must be one of ${Object.keys(checkout.payments).join(", ")}`,
      );
    }
    const order = world.orders.get(checkout.payments[value] ?? "");
    if (!order) throw new NotFoundError(`no payment for ${value}`);
    return order;
  };

  app.get("/api/checkout/:id/qr/:file", async (req, reply) => {
    const checkout = mustCheckout(world, param(req.params, "id"));
    const file = (req.params as { file: string }).file;
    const order = optionOf(checkout, file.replace(/\.svg$/, ""));
    if (order.action.type !== "qr_code") throw new NotFoundError(`${file} is not a QR code`);
    return reply
      .type("image/svg+xml")
      .send(await QRCode.toString(order.action.content, { type: "svg", margin: 1 }));
  });

  app.post("/api/checkout/:id/cancel", async (req) => {
    const checkout = mustCheckout(world, param(req.params, "id"));
    await closeCheckout(world, checkout);
    return { ok: true };
  });

  // Sandbox only: the buyer pays, or the payment fails, in the chosen wallet.
  app.post("/api/checkout/:id/sandbox-pay", async (req) => {
    const checkout = mustCheckout(world, param(req.params, "id"));
    await sandboxPay(world, optionOf(checkout, (req.body as { channel?: unknown } | null)?.channel));
    return { ok: true };
  });
  app.post("/api/checkout/:id/sandbox-fail", async (req) => {
    const checkout = mustCheckout(world, param(req.params, "id"));
    const order = optionOf(checkout, (req.body as { channel?: unknown } | null)?.channel);
    if (order.provider === "alipay") {
      throw new ValidationError(
        "channel",
        "the Alipay sandbox keeps a failed attempt open (WAIT_BUYER_PAY); fail a WeChat payment",
      );
    }
    await sandboxFail(world, order);
    return { ok: true };
  });
}
