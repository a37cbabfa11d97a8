import { constants, createPrivateKey, type KeyObject, privateDecrypt, publicEncrypt } from "node:crypto";
import { ValidationError } from "@paybridge/core/provider-kit";

/**
 * 敏感信息加解密 (https://pay.weixin.qq.com/doc/v3/merchant/4013053257 with the WeChat Pay public key,
 * https://pay.weixin.qq.com/doc/v3/merchant/4013053264 with a platform certificate): RSAES-OAEP
 * (SHA-1 and MGF1, Node's RSA_PKCS1_OAEP_PADDING default), base64. A 2048-bit key takes at most
 * 214 bytes of UTF-8 per field.
 */
export const OAEP_MAX_BYTES = 214;

export function encryptSensitiveField(key: KeyObject, plaintext: string, field = "plaintext"): string {
  if (typeof plaintext !== "string" || plaintext.length === 0) {
    throw new ValidationError(field, `${field}: must be a non-empty string`);
  }
  const bytes = Buffer.from(plaintext, "utf8");
  if (bytes.length > OAEP_MAX_BYTES) {
    throw new ValidationError(
      field,
      `${field}: RSA-OAEP with a 2048-bit key takes at most ${OAEP_MAX_BYTES} bytes of UTF-8 (got ${bytes.length})`,
    );
  }
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING }, bytes).toString("base64");
}

/** Decrypts a field WeChat encrypted with the merchant's API certificate key (apiclient_key.pem). */
export function decryptSensitiveField(
  privateKey: KeyObject | string,
  ciphertext: string,
  field = "ciphertext",
): string {
  if (typeof ciphertext !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertext)) {
    throw new ValidationError(field, `${field}: must be base64`);
  }
  try {
    const key = typeof privateKey === "string" ? createPrivateKey(privateKey) : privateKey;
    return privateDecrypt(
      { key, padding: constants.RSA_PKCS1_OAEP_PADDING },
      Buffer.from(ciphertext, "base64"),
    ).toString("utf8");
  } catch {
    // The cause would only say "oaep decoding error": the ciphertext is not for this merchant key.
    throw new ValidationError(field, `${field}: does not decrypt with the merchant private key (RSA-OAEP)`);
  }
}
