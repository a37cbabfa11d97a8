import { WechatEngineError } from "../engine/errors.js";
import type { Json } from "./wire-input.js";

/**
 * APIv3 accepts only the UTF-8 characters of one to three bytes: "不支持 Unicode 辅助平面中的四至六
 * 字节编码的字符" (接口规则, https://pay.weixin.qq.com/doc/v3/merchant/4012081709). An emoji in
 * `description` is the usual way to meet this. The first string holding such a character is named.
 */
export function assertNoFourByteCharacters(body: Json): void {
  const path = firstFourBytePath(body, "");
  if (path !== undefined) {
    throw new WechatEngineError(
      "INVALID_REQUEST",
      `${path} 含有 4 字节的 UTF-8 字符(如 emoji),微信支付 APIv3 只支持 1 至 3 字节编码的字符`,
    );
  }
}

function firstFourBytePath(value: unknown, path: string): string | undefined {
  if (typeof value === "string") {
    for (const ch of value) if ((ch.codePointAt(0) ?? 0) > 0xffff) return path || "(body)";
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const hit = firstFourBytePath(item, `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const hit = firstFourBytePath(v, path ? `${path}.${k}` : k);
      if (hit) return hit;
    }
  }
  return undefined;
}

const LOOPBACK_HOST = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/;

/**
 * notify_url of an order or a refund: "异步接收微信支付结果通知的回调地址,通知URL必须为外网可访问的URL,
 * 不能携带参数。公网域名必须为HTTPS" and string(256) (JSAPI下单,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791856, the same on the Native / H5 / APP pages
 * beside it; the refund request's notify_url follows the same rule).
 * WeChat cannot reach a developer's machine, so a plain-http loopback URL is accepted only when the
 * sandbox runs with `allowLoopbackHttpNotify` (the project's own tests and demo turn it on).
 */
export function assertNotifyUrl(url: string, field: string, allowLoopbackHttp: boolean): void {
  function refuse(rule: string): never {
    throw new WechatEngineError("PARAM_ERROR", `${field} ${rule}: ${url}`);
  }
  if (Buffer.byteLength(url, "utf8") > 256) refuse("超过 256 字节");
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed) refuse("不是合法的 URL");
  if (parsed.search !== "" || url.includes("?")) refuse("不能携带查询参数");
  if (parsed.hash !== "") refuse("不能携带 # 片段");
  if (parsed.protocol === "https:") return;
  if (parsed.protocol === "http:" && allowLoopbackHttp && LOOPBACK_HOST.test(parsed.hostname)) return;
  refuse(
    allowLoopbackHttp
      ? "必须是 https(http 只允许回环地址 127.0.0.1 / localhost / [::1])"
      : "必须是 https(沙箱未开启 allowLoopbackHttpNotify,不接受 http)",
  );
}
