import { z } from "zod";
import { CURRENCIES } from "../money/money.js";

export const currencySchema = z.enum(CURRENCIES, { error: `must be one of ${CURRENCIES.join(", ")}` });

const fen = z
  .number({ error: "must be an integer number of fen" })
  .int({ error: "must be an integer number of fen, not a fraction" })
  .nonnegative({ error: "must not be negative" })
  .max(Number.MAX_SAFE_INTEGER, { error: "must be at most Number.MAX_SAFE_INTEGER" });

export const moneySchema = z.strictObject({ fen, currency: currencySchema });

/**
 * A positive amount exactly as positiveMoneySchema would return it, or undefined when it is not
 * certainly one (the schema then decides and words the error): for the schemas' fast paths.
 */
export function fastPositiveMoney(
  value: unknown,
): { fen: number; currency: (typeof CURRENCIES)[number] } | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const m = value as Record<string, unknown>;
  let keys = 0;
  for (const key in m) {
    if (!Object.hasOwn(m, key) || (key !== "fen" && key !== "currency")) return undefined;
    keys += 1;
  }
  const { fen, currency } = m;
  if (keys !== 2 || typeof fen !== "number" || !Number.isSafeInteger(fen) || fen < 1) return undefined;
  if (typeof currency !== "string" || !(CURRENCIES as readonly string[]).includes(currency)) return undefined;
  return { fen, currency: currency as (typeof CURRENCIES)[number] };
}

/** A refund or payment amount: at least one fen. */
export const positiveMoneySchema = z.strictObject({
  fen: fen.min(1, { error: "must be at least 1 fen" }),
  currency: currencySchema,
});

/** The patterns of outTradeNoSchema and outRefundNoSchema, for the schemas' fast paths. */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{1,64}$/;
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|@]{1,64}$/;

/**
 * Merchant order number: what every provider shares. Each provider narrows it with its own rule
 * (WeChat v3 6-32 characters of digits, letters and _-|*; Alipay at most 64 of digits, letters and
 * _), checked by the provider's `fieldRules` before anything is recorded or sent.
 */
export const outTradeNoSchema = z
  .string({ error: "must be a string" })
  .regex(OUT_TRADE_NO, { error: "must be 1-64 characters of digits, letters and _-|*" });

/**
 * Merchant refund number, string(64). WeChat v3 refund pages allow digits, letters and _-|*@
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012556457), the Pay Score refund page only _-|@
 * (https://pay.weixin.qq.com/docs/merchant/apis/weixin-pay-score/refunds/create.html); we accept the set both allow.
 * Alipay out_request_no is also at most 64 characters.
 */
export const outRefundNoSchema = z
  .string({ error: "must be a string" })
  .regex(OUT_REFUND_NO, { error: "must be 1-64 characters of digits, letters and _-|@" });

export const providerIdSchema = z
  .string({ error: "must be a string" })
  .regex(/^[a-z][a-z0-9-]{1,31}$/, { error: "must be a lowercase provider id such as wechatpay" });

export const merchantIdSchema = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .max(64, { error: "must be at most 64 characters" });

/**
 * https, or plain http on a loopback host (a local sandbox). Used for URLs PayBridge itself calls
 * (gateway origins); notify URLs follow each provider's own rules (see `notifyUrlSchema`).
 */
export const httpsOrLoopbackUrlSchema = z
  .string({ error: "must be a URL" })
  .url({ error: "must be an absolute URL" })
  .refine((u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u), {
    error: "must be https (http only on loopback, for the sandbox)",
  });

/**
 * What every provider shares for a notify URL: an absolute http(s) URL. Each provider adds its own
 * rules (WeChat: https, at most 256 characters, no query string; Alipay: at most 256 characters).
 */
export const notifyUrlSchema = z
  .string({ error: "must be a URL" })
  .url({ error: "must be an absolute URL" })
  .refine((u) => /^https?:\/\//i.test(u), { error: "must be an http or https URL" });

/** What `proxyUrlSchema` accepts: http(s), a host, no path beyond "/", no query or fragment. */
function isProxyUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    (url.protocol === "http:" || url.protocol === "https:") &&
    url.hostname !== "" &&
    url.pathname === "/" &&
    url.search === "" &&
    url.hash === ""
  );
}

/**
 * The HTTP forward proxy a provider's calls go through, as `http://[user:password@]host:port`
 * (or `https://` for a proxy spoken to over TLS). Calls to an https provider cross it as a CONNECT
 * tunnel, so TLS stays end to end and the proxy sees only the host name. Credentials in the URL
 * are sent as Proxy-Authorization (Basic).
 */
export const proxyUrlSchema = z
  .string({ error: "must be an http:// or https:// proxy URL, as a string" })
  .refine(isProxyUrl, {
    error:
      "must be an http:// or https:// proxy URL such as http://proxy.example:3128 (no path, query or fragment)",
  });
