import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AEAD_AES_256_GCM as WeChat Pay v3 uses it for notification resources and downloaded platform
 * certificates: key = the 32-byte APIv3 key, 12-character nonce, associated_data as AAD,
 * ciphertext = base64(encrypted || 16-byte tag).
 * https://pay.weixin.qq.com/doc/v3/merchant/4012071382 (回调报文解密)
 */
export interface AeadResource {
  readonly algorithm: "AEAD_AES_256_GCM";
  readonly ciphertext: string;
  readonly associated_data: string;
  readonly nonce: string;
}

export function aeadEncrypt(plaintext: string, apiV3Key: string, associatedData: string): AeadResource {
  const nonce = randomBytes(9).toString("base64url").slice(0, 12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(apiV3Key, "utf8"), Buffer.from(nonce, "utf8"));
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const encrypted = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: "AEAD_AES_256_GCM",
    ciphertext: encrypted.toString("base64"),
    associated_data: associatedData,
    nonce,
  };
}

/** Throws when the key is wrong or any byte was changed (GCM tag mismatch). */
export function aeadDecrypt(resource: Omit<AeadResource, "algorithm">, apiV3Key: string): string {
  const data = Buffer.from(resource.ciphertext, "base64");
  if (data.length < 17) throw new Error("ciphertext too short");
  const decipher = createDecipheriv(
    "aes-256-gcm",
    Buffer.from(apiV3Key, "utf8"),
    Buffer.from(resource.nonce, "utf8"),
  );
  decipher.setAAD(Buffer.from(resource.associated_data ?? "", "utf8"));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
    "utf8",
  );
}

/** A random 32-character APIv3 key (WeChat requires exactly 32 bytes). */
export function randomApiV3Key(): string {
  return randomBytes(24).toString("base64url").slice(0, 32);
}
