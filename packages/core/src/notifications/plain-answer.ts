import type { NotificationAck } from "../schemas/notification.js";

/** A plain-text HTTP answer for what the adapters decide before any provider is involved (413, 500). */
export function plainAnswer(
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): NotificationAck {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body };
}
