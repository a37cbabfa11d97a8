import type { Logger } from "../logger/logger.js";
import { resolveBodyLimit } from "./body-limit.js";
import type { NotificationIntake } from "./intake.js";
import { plainAnswer } from "./plain-answer.js";

/*
 * Structural types of the few Fastify APIs used, so core needs no Fastify dependency. A real
 * FastifyInstance satisfies them (tested against Fastify 5 in @paybridge/e2e).
 */
interface FastifyLikeRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
  readonly params: unknown;
}
interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(body: string): unknown;
}
export interface FastifyLikeInstance {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    types: string | string[],
    options: { parseAs: "string"; bodyLimit?: number },
    parser: (req: unknown, body: string, done: (err: Error | null, body?: unknown) => void) => void,
  ): void;
  post(
    path: string,
    handler: (req: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>,
  ): unknown;
}

export interface FastifyNotificationOptions {
  /** Largest body read, in bytes (default 1 MiB); Fastify answers a larger one 413 without buffering it. */
  readonly bodyLimit?: number;
  /** Where adapter faults go; the intake's (redacted) logger by default. */
  readonly logger?: Logger;
}

/**
 * A Fastify plugin that answers `POST /:merchantId` with the intake. Register it with a prefix
 * (`app.register(fastifyNotifications(intake), { prefix: "/notify" })`). Inside the plugin every
 * body is kept as the raw string: signatures cover the exact bytes, and a parsed-and-reserialised
 * JSON body would not verify. Fastify encapsulation keeps the rest of the app's parsers as they were.
 */
export function fastifyNotifications(intake: NotificationIntake, options: FastifyNotificationOptions = {}) {
  const bodyLimit = resolveBodyLimit(options.bodyLimit, "fastifyNotifications.bodyLimit");
  const logger = (options.logger ?? intake.logger).child({ adapter: "fastify" });
  return async function paybridgeNotifications(app: FastifyLikeInstance): Promise<void> {
    // Fastify's built-in JSON parser would win over a catch-all, so this scope drops it first.
    app.removeAllContentTypeParsers();
    // The parser's bodyLimit makes Fastify stop reading and answer 413 (FST_ERR_CTP_BODY_TOO_LARGE).
    app.addContentTypeParser("*", { parseAs: "string", bodyLimit }, (_req, body, done) => done(null, body));
    app.post("/:merchantId", async (req, reply) => {
      let ack = plainAnswer(500, "notification handling failed");
      try {
        const { merchantId } = req.params as { merchantId: string };
        const body = typeof req.body === "string" ? req.body : "";
        ack = (await intake.handle(merchantId, { headers: req.headers, body })).ack;
      } catch (err) {
        logger.error({ err }, "notification adapter fault");
      }
      return reply
        .code(ack.status)
        .headers({ ...ack.headers })
        .send(ack.body);
    });
  };
}
