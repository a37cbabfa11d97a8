import type { NotificationIntake } from "./intake.js";

/* Structural types of the Express APIs used; a real Express 4/5 app satisfies them. */
interface ExpressLikeRequest extends AsyncIterable<Buffer | string> {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly params: Record<string, string>;
  /** Set when a body parser ran before this handler; then the raw bytes are gone. */
  readonly body?: unknown;
}
interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  set(values: Record<string, string>): ExpressLikeResponse;
  send(body: string): unknown;
}

async function readRaw(req: ExpressLikeRequest): Promise<string> {
  if (typeof req.body === "string") return req.body;
  if (Buffer.isBuffer(req.body)) return req.body.toString("utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * An Express handler for `app.post("/notify/:merchantId", expressNotifications(intake))`. It reads
 * the raw body itself, so mount it before (or outside the reach of) express.json(): signatures
 * cover the exact bytes. A body already parsed into an object is refused rather than guessed at.
 */
export function expressNotifications(intake: NotificationIntake) {
  return async (req: ExpressLikeRequest, res: ExpressLikeResponse): Promise<void> => {
    const merchantId = req.params.merchantId ?? "";
    if (req.body !== undefined && typeof req.body === "object" && !Buffer.isBuffer(req.body)) {
      res
        .status(500)
        .set({ "content-type": "text/plain" })
        .send("raw body unavailable: mount before express.json()");
      return;
    }
    const result = await intake.handle(merchantId, { headers: req.headers, body: await readRaw(req) });
    res
      .status(result.ack.status)
      .set({ ...result.ack.headers })
      .send(result.ack.body);
  };
}
