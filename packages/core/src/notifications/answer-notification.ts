import type { Logger } from "../logger/logger.js";
import type { NotificationAck } from "../schemas/notification.js";
import type { NotificationIntake } from "./intake.js";
import { plainAnswer } from "./plain-answer.js";
import type { BodyRead } from "./request-body.js";

/**
 * What every HTTP adapter answers once it has tried to read the body: 413 (with `connection:
 * close`, so the rest of an oversized upload is never read) for a body over the limit, 500 with the
 * reason for a body a parser consumed (logged once per adapter, not once per request), and the
 * provider's own answer from the intake otherwise. The intake never rejects.
 */
export function notificationAnswerer(
  intake: NotificationIntake,
  logger: Logger,
  limit: number,
  alreadyWarned = false,
) {
  let warned = alreadyWarned;
  return async (
    merchantId: string,
    headers: Record<string, string | string[] | undefined>,
    read: BodyRead,
  ): Promise<NotificationAck> => {
    if (read.kind === "too_large") {
      return plainAnswer(413, `notification body exceeds ${limit} bytes`, { connection: "close" });
    }
    if (read.kind === "unusable") {
      if (!warned) {
        warned = true;
        logger.error({ reason: read.reason }, `notifications: ${read.reason}`);
      }
      return plainAnswer(500, read.reason);
    }
    return (await intake.handle(merchantId, { headers, body: read.body })).ack;
  };
}
