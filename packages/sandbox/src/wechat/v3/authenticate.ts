import { WechatEngineError } from "../engine/errors.js";
import type { WechatSandboxMerchant } from "./credentials.js";
import { type ParsedAuthorization, requestMessage, rsaVerify } from "./signing.js";

/** What checking a request's signature needs from the sandbox. */
export interface AuthenticationContext {
  readonly merchantOf: (mchid: string) => WechatSandboxMerchant | undefined;
  /** Wall clock for the request timestamp (ms). */
  readonly wireNow: () => number;
  /** How far a request timestamp may be from the wire clock (WeChat: 5 minutes). */
  readonly windowMs: number;
}

/**
 * Verifies a request's Authorization (签名认证, https://pay.weixin.qq.com/doc/v3/merchant/4012365336):
 * the merchant exists, the certificate serial is its own, the timestamp is recent and the RSA
 * signature over the request message holds. Returns the merchant; throws SIGN_ERROR otherwise.
 */
export function authenticate(
  auth: ParsedAuthorization,
  ctx: AuthenticationContext,
  method: string,
  path: string,
  raw: string,
): WechatSandboxMerchant {
  const merchant = ctx.merchantOf(auth.mchid);
  if (!merchant) throw new WechatEngineError("MCH_NOT_EXISTS", `商户号 ${auth.mchid} 不存在`);
  // Serial numbers are hex; WeChat compares them case-insensitively.
  if (auth.serialNo.toUpperCase() !== merchant.serialNo.toUpperCase()) {
    throw new WechatEngineError("SIGN_ERROR", `商户证书序列号 ${auth.serialNo} 与商户号不匹配`);
  }
  const ts = Number(auth.timestamp);
  if (!Number.isInteger(ts) || Math.abs(ctx.wireNow() - ts * 1000) > ctx.windowMs) {
    throw new WechatEngineError("SIGN_ERROR", "请求时间戳与当前时间相差超过 5 分钟");
  }
  const message = requestMessage(method, path, auth.timestamp, auth.nonce, raw);
  if (!rsaVerify(merchant.publicKey, message, auth.signature)) {
    throw new WechatEngineError("SIGN_ERROR", "签名错误");
  }
  return merchant;
}
