import { httpsOrLoopbackUrlSchema } from "@paybridge/core";

/**
 * WeChat's rule for every notify_url, a refund's included: "通知URL必须为外网可访问的URL，不能携带参数。
 * 公网域名必须为HTTPS", string(256) (https://pay.weixin.qq.com/doc/v3/merchant/4012791856; the refund
 * request's notify_url, https://pay.weixin.qq.com/doc/v3/merchant/4012556457, is the same field).
 * http is accepted on loopback only, for the sandbox. Checked before any call, and by RefundService
 * when it is built, so a bad URL is a configuration error, not a refund the provider refuses later.
 */
export const wechatNotifyUrlSchema = httpsOrLoopbackUrlSchema
  .refine((u) => Buffer.byteLength(u, "utf8") <= 256, { error: "must be at most 256 bytes (string(256))" })
  .refine((u) => !u.includes("?"), { error: "must not carry a query string (不能携带参数)" })
  .refine((u) => !u.includes("#"), { error: "must not carry a # fragment" });
