import { createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto } from "node:crypto";

/** An RSA key pair as PEM text, the form merchants paste into configuration files. */
export interface RsaKeyPair {
  /** PKCS#8 ("-----BEGIN PRIVATE KEY-----"). */
  readonly privateKeyPem: string;
  /** SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"), what the Alipay console shows as 公钥. */
  readonly publicKeyPem: string;
}

/**
 * RSA2 keys are RSA 2048 (https://opendocs.alipay.com/common/02kdnc: 密钥长度 2048).
 * Generated in-process, so every sandbox run has keys nobody else holds.
 */
export function generateRsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

const RSA_SIGN = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

/** The same key pair as WebCrypto keys, which the X.509 generator signs with. */
export async function toCryptoKeyPair(pair: RsaKeyPair): Promise<webcrypto.CryptoKeyPair> {
  const pkcs8 = createPrivateKey(pair.privateKeyPem).export({ type: "pkcs8", format: "der" });
  const spki = createPublicKey(pair.publicKeyPem).export({ type: "spki", format: "der" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, RSA_SIGN, true, ["sign"]);
  const publicKey = await webcrypto.subtle.importKey("spki", spki, RSA_SIGN, true, ["verify"]);
  return { privateKey, publicKey };
}
