import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

export interface RsaKeyPair {
  /** PKCS#8 PEM, as WeChat's apiclient_key.pem. */
  readonly privateKey: string;
  /** SPKI PEM, as WeChat's pub_key.pem in public-key mode. */
  readonly publicKey: string;
}

/** A fresh 2048-bit RSA key pair (WeChat's WECHATPAY2-SHA256-RSA2048 scheme). */
export function generateRsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { privateKey, publicKey };
}

/** An uppercase hex serial number of 40 digits, the shape of WeChat certificate serials. */
export function randomSerial(): string {
  // The first byte is kept in 0x10-0x7f: positive as a DER integer (no sign byte added) and
  // without a leading zero nibble, so the serial round-trips through a certificate unchanged.
  const bytes = randomBytes(20);
  bytes[0] = ((bytes[0] ?? 0) % 0x70) + 0x10;
  return bytes.toString("hex").toUpperCase();
}

/**
 * A self-signed X.509 certificate for `keys`, built in pure JavaScript (node-forge) so the sandbox
 * needs no openssl binary. Used for the simulated WeChat Pay platform certificate.
 */
export function selfSignedCertificate(
  keys: RsaKeyPair,
  options: { serial: string; commonName: string; notBefore: Date; notAfter: Date },
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = options.serial.toLowerCase();
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const attrs = [
    { name: "commonName", value: options.commonName },
    { name: "organizationName", value: "PayBridge Sandbox" },
    { name: "countryName", value: "CN" },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  const privateKey = forge.pki.privateKeyFromPem(keys.privateKey) as forge.pki.rsa.PrivateKey;
  cert.sign(privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A short stable fingerprint of a public key, for logs (never log keys themselves). */
export function keyFingerprint(publicKeyPem: string): string {
  return createHash("sha256").update(publicKeyPem).digest("hex").slice(0, 16);
}
