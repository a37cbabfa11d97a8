import { constants, privateDecrypt, publicEncrypt } from "node:crypto";
import { WechatEngineError } from "../engine/errors.js";

/**
 * WeChat's side of 敏感信息加解密 (https://pay.weixin.qq.com/doc/v3/merchant/4013053257,
 * https://pay.weixin.qq.com/doc/v3/merchant/4013053264): merchants encrypt up with the WeChat Pay
 * public key or a platform certificate and name it in Wechatpay-Serial; WeChat encrypts down with
 * the merchant's API certificate key. RSAES-OAEP, SHA-1 / MGF1, base64.
 */
export function decryptUpstream(privateKeyPem: string, ciphertext: string): string {
  try {
    return privateDecrypt(
      { key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING },
      Buffer.from(ciphertext, "base64"),
    ).toString("utf8");
  } catch {
    // WeChat answers a field it cannot decrypt with PARAM_ERROR.
    throw new WechatEngineError("PARAM_ERROR", "敏感信息解密失败,请检查加密使用的公钥与 Wechatpay-Serial");
  }
}

export function encryptDownstream(merchantPublicKeyPem: string, plaintext: string): string {
  return publicEncrypt(
    { key: merchantPublicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING },
    Buffer.from(plaintext, "utf8"),
  ).toString("base64");
}
