import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import type { RsaKeyPair } from "../shared/rsa.js";

// RSA2 keys are RSA 2048 (https://opendocs.alipay.com/common/02kdnc: 密钥长度 2048); the sandbox
// generates them with the shared generateRsaKeyPair (../shared/rsa.ts).

const RSA_SIGN = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

/** The same key pair as WebCrypto keys, which the X.509 generator signs with. */
export async function toCryptoKeyPair(pair: RsaKeyPair): Promise<webcrypto.CryptoKeyPair> {
  const pkcs8 = createPrivateKey(pair.privateKey).export({ type: "pkcs8", format: "der" });
  const spki = createPublicKey(pair.publicKey).export({ type: "spki", format: "der" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, RSA_SIGN, true, ["sign"]);
  const publicKey = await webcrypto.subtle.importKey("spki", spki, RSA_SIGN, true, ["verify"]);
  return { privateKey, publicKey };
}
