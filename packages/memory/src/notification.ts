import { createHmac, timingSafeEqual } from "node:crypto";
import type { NotificationAck, RawNotification } from "@paybridge/core";
import { parseAnswer, SignatureError } from "@paybridge/core/provider-kit";
import { MEMORY_PROVIDER_ID } from "./errors.js";
import { type MemoryNotificationBody, notificationBodySchema } from "./wire-types.js";

/** How long a notification stays acceptable after it was signed, as WeChat's 5-minute window. */
export const NOTIFICATION_WINDOW_MS = 5 * 60_000;

/**
 * Verifies a notification's HMAC-SHA256 signature over `timestamp\nbody` and its age, then parses
 * its body. A forged, tampered or stale notification is a SignatureError; nothing of it is read.
 */
export function verifyNotification(raw: RawNotification, secret: string, now: Date): MemoryNotificationBody {
  const timestamp = String(raw.headers[`x-${MEMORY_PROVIDER_ID}-timestamp`] ?? "");
  const signature = String(raw.headers[`x-${MEMORY_PROVIDER_ID}-signature`] ?? "");
  const expected = createHmac("sha256", secret).update(`${timestamp}\n${raw.body}`).digest();
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureError(`${MEMORY_PROVIDER_ID} notification signature does not verify`, {
      provider: MEMORY_PROVIDER_ID,
    });
  }
  if (Math.abs(now.getTime() - Number(timestamp) * 1000) > NOTIFICATION_WINDOW_MS) {
    throw new SignatureError(`${MEMORY_PROVIDER_ID} notification is outside the 5-minute window`, {
      provider: MEMORY_PROVIDER_ID,
    });
  }
  let value: unknown = raw.body;
  try {
    value = JSON.parse(raw.body);
  } catch {
    // Not JSON: parseAnswer below names the answer as a whole as the offending field.
  }
  return parseAnswer({
    provider: MEMORY_PROVIDER_ID,
    method: "notification",
    schema: notificationBodySchema,
    value,
  });
}

/** The answer the network expects: 200 "success", anything else makes it send again. */
export function acknowledge(ok: boolean): NotificationAck {
  return {
    status: ok ? 200 : 500,
    headers: { "content-type": "text/plain" },
    body: ok ? "success" : "fail",
  };
}
