import { type FormFields, formBodyFrom } from "./form-body.js";

/** A Node request as the framework hands it over (Express req, Koa ctx.req, Nest's Express req). */
export interface NodeRequestLike extends NodeJS.ReadableStream {
  readonly headers: Record<string, string | string[] | undefined>;
}

/** What a framework's body parser may have left on the request before the adapter ran. */
export interface ParsedBody {
  /** The exact bytes a parser kept aside (Nest's `rawBody: true`, koa-bodyparser's `rawBody`). */
  readonly raw?: unknown;
  /** What a parser produced (`req.body`, `ctx.request.body`). */
  readonly parsed?: unknown;
}

export type BodyRead =
  | { readonly kind: "ok"; readonly body: string }
  | { readonly kind: "too_large" }
  | { readonly kind: "unusable"; readonly reason: string };

/**
 * The notification body as the provider sent it, at most `limit` bytes. WeChat signs the exact
 * bytes of its JSON body, so the bytes are taken, in this order, from what a parser kept aside,
 * from a parser that produced text or bytes, from the request stream when nothing consumed it,
 * and, for an Alipay form only, from the decoded form (Alipay signs the decoded values,
 * https://opendocs.alipay.com/common/02mse7). A stream some other parser consumed cannot be
 * verified: `unusable`, with `hint` saying how to wire the route so it can.
 */
export async function readNotificationBody(
  req: NodeRequestLike,
  limit: number,
  found: ParsedBody,
  hint: string,
): Promise<BodyRead> {
  const { raw, parsed } = found;
  if (typeof raw === "string") return within(Buffer.byteLength(raw), limit, raw);
  if (Buffer.isBuffer(raw)) return within(raw.length, limit, raw.toString("utf8"));
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
    return { kind: "unusable", reason: `raw body unavailable: ${hint}` };
  }
  // Loaded here, not at import: raw-body (with iconv-lite) is needed only by a notification read
  // from the stream, and importing @paybridge/core should not pay for it (issue 15, item 5).
  const { default: getRawBody } = await import("raw-body");
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

function isForm(req: NodeRequestLike): boolean {
  const type = req.headers["content-type"];
  return typeof type === "string" && /^application\/x-www-form-urlencoded\b/i.test(type);
}
