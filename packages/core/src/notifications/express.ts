import getRawBody from "raw-body";
import type { Logger } from "../logger/logger.js";
import { resolveBodyLimit } from "./body-limit.js";
import { type FormFields, formBodyFrom } from "./form-body.js";
import type { NotificationIntake } from "./intake.js";
import { plainAnswer } from "./plain-answer.js";

/* Structural types of the Express APIs used; a real Express 4/5 app satisfies them. */
interface ExpressLikeRequest extends NodeJS.ReadableStream {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly params: Record<string, string>;
  /** Set when a body parser ran before this handler. */
  readonly body?: unknown;
}
interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  set(values: Record<string, string>): ExpressLikeResponse;
  send(body: string): unknown;
  readonly headersSent?: boolean;
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
  let warnedParsedBody = false;
  const parsers = options.app ? consumingParsers(options.app) : [];
  if (parsers.length > 0) {
    warnedParsedBody = true;
    logger.error(
      { parsers },
      `notifications: ${parsers.join(", ")} is mounted before the notification route; WeChat notifications need the raw body and will be refused. Mount the route before express.json() (or on its own router)`,
    );
  }

  return async (req: ExpressLikeRequest, res: ExpressLikeResponse): Promise<void> => {
    try {
      const merchantId = req.params.merchantId ?? "";
      const read = await readBody(req, limit);
      if (read.kind === "too_large") {
        send(res, plainAnswer(413, `notification body exceeds ${limit} bytes`, { connection: "close" }));
        return;
      }
      if (read.kind === "unusable") {
        if (!warnedParsedBody) {
          warnedParsedBody = true;
          logger.error({ reason: read.reason }, `notifications: ${read.reason}`);
        }
        send(res, plainAnswer(500, read.reason));
        return;
      }
      const result = await intake.handle(merchantId, { headers: req.headers, body: read.body });
      send(res, result.ack);
    } catch (err) {
      logger.error({ err }, "notification adapter fault");
      if (!res.headersSent) send(res, plainAnswer(500, "notification handling failed"));
    }
  };
}

type BodyRead =
  | { readonly kind: "ok"; readonly body: string }
  | { readonly kind: "too_large" }
  | { readonly kind: "unusable"; readonly reason: string };

async function readBody(req: ExpressLikeRequest, limit: number): Promise<BodyRead> {
  const parsed = req.body;
  if (typeof parsed === "string") return within(Buffer.byteLength(parsed), limit, parsed);
  if (Buffer.isBuffer(parsed)) return within(parsed.length, limit, parsed.toString("utf8"));
  // body-parser marks a request it consumed with `_body`; then only its output is left to read.
  const consumed =
    (req as { _body?: unknown })._body === true ||
    (req as { readableEnded?: boolean }).readableEnded === true;
  if (consumed) {
    if (parsed !== null && typeof parsed === "object" && isForm(req)) {
      const form = formBodyFrom(parsed as FormFields);
      if (form.kind === "unusable") return form;
      return within(Buffer.byteLength(form.body), limit, form.body);
    }
    return {
      kind: "unusable",
      reason:
        "raw body unavailable: a body parser (express.json() or similar) ran before the notification route; WeChat signs the raw bytes, so mount the route before it",
    };
  }
  try {
    const length = req.headers["content-length"];
    const body = await getRawBody(req, {
      limit,
      encoding: "utf8",
      ...(typeof length === "string" ? { length } : {}),
    });
    return { kind: "ok", body };
  } catch (err) {
    if ((err as { type?: string }).type === "entity.too.large") return { kind: "too_large" };
    throw err;
  }
}

function within(bytes: number, limit: number, body: string): BodyRead {
  return bytes > limit ? { kind: "too_large" } : { kind: "ok", body };
}

function isForm(req: ExpressLikeRequest): boolean {
  const type = req.headers["content-type"];
  return typeof type === "string" && /^application\/x-www-form-urlencoded\b/i.test(type);
}

function consumingParsers(app: ExpressLikeApp): string[] {
  const stack = app._router?.stack ?? app.router?.stack ?? [];
  return stack.map((layer) => layer.name ?? "").filter((name) => RAW_CONSUMING_PARSERS.has(name));
}

function send(
  res: ExpressLikeResponse,
  ack: { status: number; headers: Readonly<Record<string, string>>; body: string },
) {
  res
    .status(ack.status)
    .set({ ...ack.headers })
    .send(ack.body);
}
