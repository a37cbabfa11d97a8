import type { NotificationAck } from "../schemas/notification.js";

/** The Express response API the adapters answer through (Express 4 and 5, and Nest on Express). */
export interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  set(values: Record<string, string>): ExpressLikeResponse;
  send(body: string): unknown;
  readonly headersSent?: boolean;
}

export function sendExpressAnswer(res: ExpressLikeResponse, ack: NotificationAck): void {
  res
    .status(ack.status)
    .set({ ...ack.headers })
    .send(ack.body);
}
