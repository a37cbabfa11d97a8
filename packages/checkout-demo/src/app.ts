import { PaymentError } from "@paybridge/core";
import { fastifyNotifications } from "@paybridge/core/fastify";
import Fastify, { type FastifyInstance } from "fastify";
import { registerCashierRoutes } from "./http/cashier-routes.js";
import { errorBody, registerConsoleRoutes, statusOf } from "./http/console-routes.js";
import { securityHeaders } from "./http/security.js";
import { registerStaticFiles } from "./http/static-files.js";
import { shopMessage } from "./shop-errors.js";
import type { ShopWorld } from "./world.js";

export { describeRefund } from "./order-views.js";

/** The page assets, one view per file (see public/). */
export const PUBLIC_FILES = [
  "style.css",
  "lib/dom.js",
  "lib/i18n.js",
  "lib/api.js",
  "lib/states.js",
  "shop.js",
  "cashier/main.js",
  "cashier/view-pay.js",
  "cashier/view-result.js",
  "cashier/countdown.js",
  "console/main.js",
  "console/view-order.js",
  "console/view-refund.js",
  "console/view-errors.js",
] as const;

/**
 * The demo shop's server: the buyer's shop page and cashier (收银台), the merchant console and its
 * API behind a token, and the notification endpoints (PayBridge's Fastify adapter, raw bodies
 * kept for signature checks).
 */
export async function buildApp(world: ShopWorld): Promise<FastifyInstance> {
  // A small body limit: nothing the cashier or console sends is bigger.
  const app = Fastify({ bodyLimit: 64 * 1024 });
  app.addHook("onRequest", securityHeaders);
  await app.register(fastifyNotifications(world.intake), { prefix: "/notify" });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof PaymentError) return reply.code(statusOf(error)).send(errorBody(error));
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ code: "BAD_REQUEST", message: (error as Error).message, shop: shopMessage(error) });
    }
    return reply.code(500).send({ code: "INTERNAL", message: "internal error", shop: shopMessage(error) });
  });

  await registerStaticFiles(app, PUBLIC_FILES);
  await registerCashierRoutes(app, world);
  await registerConsoleRoutes(app, world);
  return app;
}
