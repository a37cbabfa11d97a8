import type { Logger } from "../logger/logger.js";
import { notificationAnswerer } from "./answer-notification.js";
import { resolveBodyLimit } from "./body-limit.js";
import { type ExpressLikeResponse, sendExpressAnswer } from "./express-answer.js";
import type { NotificationIntake } from "./intake.js";
import { plainAnswer } from "./plain-answer.js";
import { readNotificationBody } from "./request-body.js";

/* Structural types of the Express APIs used; a real Express 4/5 app satisfies them. */
interface ExpressLikeRequest extends NodeJS.ReadableStream {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly params: Record<string, string>;
  /** Set when a body parser ran before this handler. */
  readonly body?: unknown;
}
/** An Express application or router, only as far as its middleware stack is inspected. */
interface ExpressLikeApp {
  readonly _router?: { readonly stack?: readonly { readonly name?: string }[] };
  readonly router?: { readonly stack?: readonly { readonly name?: string }[] };
}

export interface ExpressNotificationOptions {
  /** Largest body read, in bytes (default 1 MiB); a larger one is answered 413 without being buffered. */
  readonly bodyLimit?: number;
  /**
   * The app (or router) the handler is mounted on. When given, its middleware is inspected once,
   * now, and a body parser that would consume the raw bytes WeChat signs is logged as an error at
   * start-up instead of being discovered on the first notification.
   */
  readonly app?: ExpressLikeApp;
  /** Where that start-up error and adapter faults go; the intake's (redacted) logger by default. */
  readonly logger?: Logger;
}

/*
 * body-parser's JSON middleware (named jsonParser in Express 4 and 5) turns WeChat's application/json
 * body into an object, after which the signed bytes are gone. text() and raw() keep the bytes, and
 * urlencoded() output is verifiable for Alipay, so only this one is reported.
 */
const RAW_CONSUMING_PARSERS = new Set(["jsonParser"]);

const EXPRESS_HINT =
  "a body parser (express.json() or similar) ran before the notification route; WeChat signs the raw bytes, so mount the route before it";

/**
 * An Express handler for `app.post("/notify/:merchantId", expressNotifications(intake))`, for
 * Express 4 and 5. It reads the raw body itself, at most `bodyLimit` bytes (413 beyond), because
 * WeChat's signature covers the exact bytes of a JSON body. An Alipay form already decoded by
 * express.urlencoded() is accepted: Alipay signs the decoded parameter values
 * (https://opendocs.alipay.com/common/02mse7), so the decoded form verifies as the raw one does.
 * A body parsed any other way (express.json(), text(), raw() mounted before) cannot be verified
 * and is answered 500 with a message saying why; the provider retries once that is fixed.
 * The returned promise never rejects (Express 4 does not catch rejections).
 */
export function expressNotifications(intake: NotificationIntake, options: ExpressNotificationOptions = {}) {
  const limit = resolveBodyLimit(options.bodyLimit, "expressNotifications.bodyLimit");
  const logger = (options.logger ?? intake.logger).child({ adapter: "express" });
  const parsers = options.app ? consumingParsers(options.app) : [];
  if (parsers.length > 0) {
    logger.error(
      { parsers },
      `notifications: ${parsers.join(", ")} is mounted before the notification route; WeChat notifications need the raw body and will be refused. Mount the route before express.json() (or on its own router)`,
    );
  }
  const answer = notificationAnswerer(intake, logger, limit, parsers.length > 0);

  return async (req: ExpressLikeRequest, res: ExpressLikeResponse): Promise<void> => {
    try {
      const read = await readNotificationBody(req, limit, { parsed: req.body }, EXPRESS_HINT);
      sendExpressAnswer(res, await answer(req.params.merchantId ?? "", req.headers, read));
    } catch (err) {
      logger.error({ err }, "notification adapter fault");
      if (!res.headersSent) sendExpressAnswer(res, plainAnswer(500, "notification handling failed"));
    }
  };
}

function consumingParsers(app: ExpressLikeApp): string[] {
  const stack = app._router?.stack ?? app.router?.stack ?? [];
  return stack.map((layer) => layer.name ?? "").filter((name) => RAW_CONSUMING_PARSERS.has(name));
}
