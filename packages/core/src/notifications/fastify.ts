import type { NotificationIntake } from "./intake.js";

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
    options: { parseAs: "string" },
    parser: (req: unknown, body: string, done: (err: Error | null, body?: unknown) => void) => void,
  ): void;
  post(
    path: string,
    handler: (req: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>,
  ): unknown;
}

/**
 * A Fastify plugin that answers `POST /:merchantId` with the intake. Register it with a prefix
 * (`app.register(fastifyNotifications(intake), { prefix: "/notify" })`). Inside the plugin every
 * body is kept as the raw string: signatures cover the exact bytes, and a parsed-and-reserialised
 * JSON body would not verify. Fastify encapsulation keeps the rest of the app's parsers as they were.
 */
export function fastifyNotifications(intake: NotificationIntake) {
  return async function paybridgeNotifications(app: FastifyLikeInstance): Promise<void> {
    // Fastify's built-in JSON parser would win over a catch-all, so this scope drops it first.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
    app.post("/:merchantId", async (req, reply) => {
      const { merchantId } = req.params as { merchantId: string };
      const body = typeof req.body === "string" ? req.body : "";
      const result = await intake.handle(merchantId, { headers: req.headers, body });
      return reply
        .code(result.ack.status)
        .headers({ ...result.ack.headers })
        .send(result.ack.body);
    });
  };
}
