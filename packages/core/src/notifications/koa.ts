import { ConfigurationError } from "../errors/errors.js";
import type { Logger } from "../logger/logger.js";
import type { NotificationAck } from "../schemas/notification.js";
import { notificationAnswerer } from "./answer-notification.js";
import { resolveBodyLimit } from "./body-limit.js";
import type { NotificationIntake } from "./intake.js";
import { plainAnswer } from "./plain-answer.js";
import { type NodeRequestLike, readNotificationBody } from "./request-body.js";

/*
 * Structural types of the Koa context fields used, so core needs no Koa dependency (and importing
 * core never loads Koa). A real Koa 2 / 3 context satisfies them (tested against Koa 3 with
 * @koa/router in @paybridge/e2e).
 */
export interface KoaLikeContext {
  readonly req: NodeRequestLike;
  readonly method: string;
  readonly path: string;
  /** Set by @koa/router for `router.post("/notify/:merchantId", ...)`. */
  readonly params?: Record<string, string | undefined>;
  /** A body parser's output; koa-bodyparser and @koa/bodyparser also keep the text as `rawBody`. */
  readonly request: { readonly body?: unknown; readonly rawBody?: unknown };
  status: number;
  body: unknown;
  set(fields: Record<string, string>): void;
}
export type KoaLikeNext = () => Promise<unknown>;

export interface KoaNotificationOptions {
  /** Largest body read, in bytes (default 1 MiB); a larger one is answered 413 without being buffered. */
  readonly bodyLimit?: number;
  /**
   * Without a router: the path prefix the middleware answers, `POST <prefix>/<merchantId>`
   * (default "/notify"); every other request passes to `next`. Ignored on a @koa/router route,
   * whose `:merchantId` param is used.
   */
  readonly prefix?: string;
  /** Where adapter faults go; the intake's (redacted) logger by default. */
  readonly logger?: Logger;
}

const KOA_HINT =
  "a body parser ran before the notification route and kept no rawBody; WeChat signs the raw bytes, so mount the route before it (or use @koa/bodyparser, which keeps ctx.request.rawBody)";

/**
 * Koa middleware for notifications, for Koa 2 and 3. On a @koa/router route:
 * `router.post("/notify/:merchantId", koaNotifications(intake))`; as plain middleware:
 * `app.use(koaNotifications(intake))` answers `POST /notify/:merchantId` and passes the rest on.
 * It reads the raw body itself, at most `bodyLimit` bytes (413 beyond), because WeChat's
 * signature covers the exact bytes; a body parser mounted before it is fine when it keeps
 * `ctx.request.rawBody` (@koa/bodyparser and koa-bodyparser do). It never throws, so no request
 * reaches Koa's default error page.
 */
export function koaNotifications(intake: NotificationIntake, options: KoaNotificationOptions = {}) {
  const limit = resolveBodyLimit(options.bodyLimit, "koaNotifications.bodyLimit");
  const match = prefixMatcher(options.prefix ?? "/notify");
  const logger = (options.logger ?? intake.logger).child({ adapter: "koa" });
  const answer = notificationAnswerer(intake, logger, limit);

  return async (ctx: KoaLikeContext, next: KoaLikeNext): Promise<void> => {
    const merchantId = ctx.params?.merchantId ?? (ctx.method === "POST" ? match(ctx.path) : undefined);
    if (merchantId === undefined) {
      await next();
      return;
    }
    let ack: NotificationAck;
    try {
      const found = { raw: ctx.request.rawBody, parsed: ctx.request.body };
      const read = await readNotificationBody(ctx.req, limit, found, KOA_HINT);
      ack = await answer(merchantId, ctx.req.headers, read);
    } catch (err) {
      logger.error({ err }, "notification adapter fault");
      ack = plainAnswer(500, "notification handling failed");
    }
    // Koa answers an empty string as 200: an empty answer (WeChat's 204) is set as no body at all.
    // Body first: setting it adjusts status and content-type, which the ack then sets as it says.
    ctx.body = ack.body === "" ? null : ack.body;
    ctx.status = ack.status;
    ctx.set({ ...ack.headers });
  };
}

/** `<prefix>/<one path segment>` to the decoded segment; anything else to undefined. */
function prefixMatcher(prefix: string): (path: string) => string | undefined {
  if (!/^\/[^?#]*$/.test(prefix)) {
    throw new ConfigurationError(
      `koaNotifications.prefix: must be a path starting with "/", got ${JSON.stringify(prefix)}`,
    );
  }
  const base = prefix.replace(/\/+$/, "");
  return (path) => {
    if (!path.startsWith(`${base}/`)) return undefined;
    const rest = path.slice(base.length + 1);
    if (rest === "" || rest.includes("/")) return undefined;
    try {
      return decodeURIComponent(rest);
    } catch {
      return undefined;
    }
  };
}
