import { type ProviderFieldRules, parseInput } from "@paybridge/core/provider-kit";
import { z } from "zod";

/**
 * WeChat Pay's own field rules, on top of the core schemas (which keep only what WeChat and Alipay
 * share). Checked before anything is recorded or sent; each failure names the field and the rule.
 */

/** 商户订单号: "只能是数字、大小写字母_-|*", 6-32 characters (JSAPI下单, https://pay.weixin.qq.com/doc/v3/merchant/4012791856). */
export const WECHAT_V3_OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;

/**
 * "不支持 Unicode 辅助平面中的四至六字节编码的字符" (接口规则, https://pay.weixin.qq.com/doc/v3/merchant/4012081709):
 * APIv3 takes UTF-8 characters of one to three bytes only; an emoji is four.
 */
export function hasFourByteCharacter(value: string): boolean {
  for (const ch of value) if ((ch.codePointAt(0) ?? 0) > 0xffff) return true;
  return false;
}

const LOOPBACK_HOST = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/;

/**
 * notify_url of an order or a refund: "通知URL必须为外网可访问的URL，不能携带参数。公网域名必须为HTTPS",
 * string(256) (JSAPI下单 https://pay.weixin.qq.com/doc/v3/merchant/4012791856 and the Native / H5 /
 * APP pages beside it; 退款申请 notify_url string(256), 退款结果通知
 * https://pay.weixin.qq.com/doc/v3/merchant/4012082053: 必须为HTTPS协议, 不能携带参数). WeChat cannot
 * reach a developer's machine, so plain http on a loopback host is accepted only with the explicit
 * `allowLoopbackHttpNotify` (the sandbox's own option of the same name).
 */
export function wechatNotifyUrlRule(allowLoopbackHttp: boolean) {
  return z.string({ error: "must be a URL" }).superRefine((url, ctx) => {
    const refuse = (message: string) => ctx.addIssue({ code: "custom", message });
    if (Buffer.byteLength(url, "utf8") > 256)
      return refuse("must be at most 256 bytes (WeChat notify_url string(256))");
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse("must be an absolute URL");
    }
    if (parsed.search !== "" || url.includes("?"))
      return refuse("must not carry a query string (WeChat notify_url: 不能携带参数)");
    if (parsed.hash !== "" || url.includes("#"))
      return refuse("must not carry a #fragment (WeChat notify_url: 不能携带参数)");
    if (parsed.protocol === "https:") return;
    if (parsed.protocol === "http:" && allowLoopbackHttp && LOOPBACK_HOST.test(parsed.hostname)) return;
    refuse(
      allowLoopbackHttp
        ? "must be https (WeChat notify_url; plain http only on a loopback host, for the sandbox)"
        : "must be https (WeChat notify_url; plain http on loopback needs allowLoopbackHttpNotify: true, for the sandbox)",
    );
  });
}

export interface WechatFieldRuleOptions {
  /** 商户订单号 rule: v3 6-32 characters; CloudPay (v2) "32个字符内". */
  readonly outTradeNo: { readonly pattern: RegExp; readonly rule: string };
  /** description / body: at most this many characters. */
  readonly descriptionMax: number;
  /** Refuse 4-byte UTF-8 characters (APIv3). */
  readonly oneToThreeByteOnly: boolean;
  /** reason / refund_desc: at most this many UTF-8 bytes. */
  readonly reasonMaxBytes: number;
  /** Whether notify URLs are sent (v3); CloudPay calls a cloud function instead and sends none. */
  readonly notifyUrl: z.ZodType<string> | undefined;
}

function outTradeNoSchema(o: WechatFieldRuleOptions) {
  return z.string().regex(o.outTradeNo.pattern, { error: o.outTradeNo.rule });
}

function textRules(max: number, oneToThreeByteOnly: boolean, name: string) {
  return z
    .string()
    .max(max, { error: `must be at most ${max} characters (WeChat ${name})` })
    .refine((v) => !oneToThreeByteOnly || !hasFourByteCharacter(v), {
      error: `must not contain 4-byte UTF-8 characters such as emoji (WeChat APIv3 takes 1-3 byte characters only)`,
    });
}

export function wechatFieldRules(o: WechatFieldRuleOptions): ProviderFieldRules {
  const reason = z
    .string()
    .refine((v) => Buffer.byteLength(v, "utf8") <= o.reasonMaxBytes, {
      error: `must be at most ${o.reasonMaxBytes} bytes of UTF-8 (WeChat reason: 不可超过${o.reasonMaxBytes}个字节)`,
    })
    .refine((v) => !o.oneToThreeByteOnly || !hasFourByteCharacter(v), {
      error:
        "must not contain 4-byte UTF-8 characters such as emoji (WeChat APIv3 takes 1-3 byte characters only)",
    });
  const payment = z.looseObject({
    outTradeNo: outTradeNoSchema(o),
    description: textRules(o.descriptionMax, o.oneToThreeByteOnly, "description"),
    ...(o.notifyUrl ? { notifyUrl: o.notifyUrl } : {}),
    attach: textRules(128, o.oneToThreeByteOnly, "attach").optional(),
  });
  const refund = z.looseObject({
    outTradeNo: outTradeNoSchema(o),
    reason: reason.optional(),
    ...(o.notifyUrl ? { notifyUrl: o.notifyUrl.optional() } : {}),
  });
  const orderNo = outTradeNoSchema(o);
  // The same rules checked by hand first, on every refund and query; only a value they do not
  // certainly pass goes through the schema, which then words the error. zod's object walk was
  // the largest share of what PayBridge adds to a refund + query (docs/performance.md, section 1).
  const pattern = new RegExp(o.outTradeNo.pattern.source, o.outTradeNo.pattern.flags.replace(/[gy]/g, ""));
  const orderNoPasses = (value: unknown) => typeof value === "string" && pattern.test(value);
  const reasonPasses = (value: unknown) =>
    value === undefined ||
    (typeof value === "string" &&
      Buffer.byteLength(value, "utf8") <= o.reasonMaxBytes &&
      (!o.oneToThreeByteOnly || !hasFourByteCharacter(value)));
  const notifyUrlPasses = checkedOnce(o.notifyUrl);
  const refundPasses = (input: unknown) => {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
    const r = input as { outTradeNo?: unknown; reason?: unknown; notifyUrl?: unknown };
    return orderNoPasses(r.outTradeNo) && reasonPasses(r.reason) && notifyUrlPasses(r.notifyUrl);
  };
  return {
    payment: (input, root) => void parseInput(payment, input, root),
    refund: (input, root) => {
      if (!refundPasses(input)) parseInput(refund, input, root);
    },
    outTradeNo: (value, field) => {
      if (!orderNoPasses(value)) parseInput(orderNo, value, field);
    },
    notifyUrl: (value, field) => {
      if (o.notifyUrl) parseInput(o.notifyUrl, value, field);
    },
  };
}

/**
 * Whether an optional notify URL passes `rule` (absent passes; with no rule nothing is sent, and
 * the schema's own check decides). The rule is a pure function of the string, so the URLs that
 * passed are remembered: a merchant sends the same one or two on every call. A few only, so a
 * caller sending a different URL each time costs no memory.
 */
function checkedOnce(rule: z.ZodType<string> | undefined): (value: unknown) => boolean {
  const passed = new Set<string>();
  return (value) => {
    if (value === undefined) return true;
    if (rule === undefined) return true;
    if (typeof value !== "string") return false;
    if (passed.has(value)) return true;
    if (!rule.safeParse(value).success) return false;
    if (passed.size >= 8) passed.clear();
    passed.add(value);
    return true;
  };
}
