// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first.
import "reflect-metadata";
import { createHash, createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import type { RsaKeyPair } from "../shared/rsa.js";
import { toCryptoKeyPair } from "./keys.js";

/**
 * Public-key-certificate mode (公钥证书模式, https://opendocs.alipay.com/common/056zub): the merchant
 * holds the app certificate (appCertPublicKey_<appid>.crt), Alipay's public-key certificate
 * (alipayCertPublicKey_RSA2.crt) and Alipay's root bundle (alipayRootCert.crt). Every request
 * carries app_cert_sn and alipay_root_cert_sn, and every response alipay_cert_sn.
 */
export interface AlipayCertificates {
  /** Root bundle as Alipay ships it: an ECDSA root and an RSA root. Only RSA-signed roots count toward the SN. */
  readonly alipayRootCertContent: string;
  /** Alipay's public-key certificate, issued by the RSA root; its key signs responses and notifications. */
  readonly alipayPublicCertContent: string;
  /** The merchant app's certificate, issued by the RSA root for the app's public key. */
  readonly appCertContent: string;
  readonly appCertSn: string;
  readonly alipayCertSn: string;
  readonly alipayRootCertSn: string;
  /**
   * The RSA root's private key (PKCS#8 PEM), which only the simulator holds: with it the sandbox
   * issues a new Alipay public-key certificate mid-run (rotation). Absent for certificates read
   * back from files written before the sandbox kept it; those cannot rotate.
   */
  readonly alipayRootPrivateKey?: string;
}

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type SigningAlgorithm = NonNullable<x509.X509CertificateCreateParamsBase["signingAlgorithm"]>;
const RSA_SHA256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as SigningAlgorithm;

const YEAR_MS = 365 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The sandbox root's name (an RSA root, as in Alipay's bundle next to an ECC one). */
export const SANDBOX_ROOT_NAME =
  "C=CN, O=PayBridge Sandbox, OU=Certification Authority, CN=PayBridge Sandbox Alipay Root CA";
/** The subject of Alipay's public-key certificates the sandbox issues. */
export const ALIPAY_CERT_SUBJECT = "C=CN, O=PayBridge Sandbox Alipay, CN=支付宝(中国)网络技术有限公司";

const RSA_KEY_PARAMS = {
  name: "RSASSA-PKCS1-v1_5",
  hash: "SHA-256",
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

export function serial(): string {
  // Positive 64-bit serial: the first byte below 0x80 keeps the DER INTEGER positive.
  const bytes = webcrypto.getRandomValues(new Uint8Array(8));
  bytes[0] = (bytes[0] ?? 1) & 0x7f || 1;
  return Buffer.from(bytes).toString("hex");
}

export async function createAlipayCertificates(
  alipayKeys: RsaKeyPair,
  appKeys: RsaKeyPair,
  appId: string,
): Promise<AlipayCertificates> {
  const notBefore = new Date(Date.now() - DAY_MS);
  const notAfter = new Date(Date.now() + 10 * YEAR_MS);
  const { certificate: rsaRoot, keys: rootKeys } = await createRoot(SANDBOX_ROOT_NAME, notBefore, notAfter);
  // Alipay's real root bundle also holds an SM2/ECDSA root; the SDKs skip roots not signed with RSA.
  const ecKeys = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  const ecRoot = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "C=CN, O=PayBridge Sandbox, CN=PayBridge Sandbox ECC Root CA",
    notBefore,
    notAfter,
    keys: ecKeys,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as SigningAlgorithm,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const issue = async (pair: RsaKeyPair, subject: string) => {
    const keys = await toCryptoKeyPair(pair);
    return x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: rsaRoot.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: RSA_SHA256,
    });
  };
  const alipayCert = await issue(alipayKeys, ALIPAY_CERT_SUBJECT);
  const appCert = await issue(appKeys, `C=CN, O=PayBridge Sandbox Merchant, OU=Alipay, CN=${appId}`);
  const alipayRootCertContent = `${ecRoot.toString("pem")}\n${rsaRoot.toString("pem")}\n`;
  return {
    alipayRootCertContent,
    alipayPublicCertContent: `${alipayCert.toString("pem")}\n`,
    appCertContent: `${appCert.toString("pem")}\n`,
    appCertSn: certSn(appCert),
    alipayCertSn: certSn(alipayCert),
    alipayRootCertSn: rootCertSn(alipayRootCertContent),
    alipayRootPrivateKey: pem(
      "PRIVATE KEY",
      await webcrypto.subtle.exportKey("pkcs8", rootKeys.privateKey as webcrypto.CryptoKey),
    ),
  };
}

/** A self-signed RSA CA certificate and its key pair. */
export async function createRoot(name: string, notBefore: Date, notAfter: Date) {
  const keys = await webcrypto.subtle.generateKey(RSA_KEY_PARAMS, true, ["sign", "verify"]);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: RSA_SHA256,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return { certificate, keys };
}

/** What one issuing step needs: the issuer's name and private key, the subject's public key. */
export interface IssueRequest {
  readonly issuerName: string;
  readonly issuerPrivateKey: webcrypto.CryptoKey;
  /** SPKI PEM of the key the certificate binds. */
  readonly subjectPublicKey: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Issues one end-entity certificate (PEM) as the sandbox root does. */
export async function issueCertificate(request: IssueRequest): Promise<string> {
  const publicKey = await webcrypto.subtle.importKey(
    "spki",
    createPublicKey(request.subjectPublicKey).export({ type: "spki", format: "der" }),
    RSA_SHA256,
    true,
    ["verify"],
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: request.subject,
    issuer: request.issuerName,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey,
    signingKey: request.issuerPrivateKey,
    signingAlgorithm: RSA_SHA256,
  });
  return `${cert.toString("pem")}\n`;
}

/** Imports a PKCS#8 PEM RSA key for signing certificates. */
export function importSigningKey(pkcs8Pem: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey(
    "pkcs8",
    createPrivateKey(pkcs8Pem).export({ type: "pkcs8", format: "der" }),
    RSA_SHA256,
    true,
    ["sign"],
  );
}

/** The RSA root of a bundle (the one whose signature is RSA), as @peculiar/x509 reads it. */
export function rsaRootOf(bundlePem: string): x509.X509Certificate {
  const blocks = bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const root = blocks
    .map((block) => new x509.X509Certificate(block))
    .find((cert) => signatureOid(cert).startsWith(RSA_SIGNATURE_OID_PREFIX));
  if (!root) throw new Error("the root bundle holds no RSA root");
  return root;
}

function pem(label: string, der: ArrayBuffer): string {
  const body = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/**
 * The certificate SN Alipay uses: md5(issuer DN + decimal serial), the DN written from the last
 * RDN to the first as "CN=...,OU=...,O=...,C=..." (Java's X500Principal.getName(), RFC 2253).
 * See "公钥证书 SN 计算" in https://opendocs.alipay.com/common/056zub.
 */
export function certSn(cert: x509.X509Certificate | string): string {
  const c = typeof cert === "string" ? new x509.X509Certificate(cert) : cert;
  const rdns = c.issuerName.toJSON();
  const dn = [...rdns]
    .reverse()
    .flatMap((rdn) => Object.entries(rdn).flatMap(([type, values]) => values.map((v) => `${type}=${v}`)))
    .join(",");
  const decimalSerial = BigInt(`0x${c.serialNumber}`).toString(10);
  return createHash("md5")
    .update(dn + decimalSerial, "utf8")
    .digest("hex");
}

const RSA_SIGNATURE_OID_PREFIX = "1.2.840.113549.1.1";

/** Root SN: the SNs of the RSA-signed roots of the bundle, joined with "_" (ECDSA / SM2 roots are skipped). */
export function rootCertSn(bundlePem: string): string {
  const blocks = bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks
    .map((pem) => new x509.X509Certificate(pem))
    .filter((cert) => signatureOid(cert).startsWith(RSA_SIGNATURE_OID_PREFIX))
    .map((cert) => certSn(cert))
    .join("_");
}

function signatureOid(cert: x509.X509Certificate): string {
  const alg = cert.signatureAlgorithm as { name: string; hash?: { name: string } };
  // @peculiar/x509 reports algorithms by WebCrypto name; RSASSA-PKCS1-v1_5 is the 1.2.840.113549.1.1.x family.
  return alg.name === "RSASSA-PKCS1-v1_5" || alg.name === "RSA-PSS"
    ? `${RSA_SIGNATURE_OID_PREFIX}.x`
    : alg.name;
}
