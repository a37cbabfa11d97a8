import { createDecipheriv, createSecretKey, type KeyObject } from "node:crypto";

/**
 * AEAD_AES_256_GCM decryption of notification resources and downloaded certificates
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012071382): key = APIv3 key, ciphertext =
 * base64(data || 16-byte tag). Throws when the key is wrong or a byte changed.
 */
export function decryptResource(
  resource: { ciphertext: string; nonce: string; associated_data?: string | undefined },
  apiV3Key: string | KeyObject,
): string {
  const data = Buffer.from(resource.ciphertext, "base64");
  if (data.length < 17) throw new Error("ciphertext too short");
  const decipher = createDecipheriv(
    "aes-256-gcm",
    typeof apiV3Key === "string" ? Buffer.from(apiV3Key, "utf8") : apiV3Key,
    Buffer.from(resource.nonce, "utf8"),
  );
  decipher.setAAD(Buffer.from(resource.associated_data ?? "", "utf8"));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
    "utf8",
  );
}

/** The APIv3 key as a KeyObject, imported once per merchant instead of once per decryption. */
export function apiV3SecretKey(apiV3Key: string): KeyObject {
  return createSecretKey(Buffer.from(apiV3Key, "utf8"));
}
