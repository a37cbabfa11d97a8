import { existsSync } from "node:fs";
import { join } from "node:path";
import { type AlipayCertificates, certSn, rootCertSn } from "../../alipay/certificates.js";
import type { RsaKeyPair } from "../../shared/rsa.js";
import { CliStartError } from "../errors.js";
import { ensureKeyDir, keySetState, matchingPair, readKeyFile, writeKeyFile } from "../key-files.js";

/**
 * The files under --keys-dir/alipay, named as the Alipay open platform's key tool and certificate
 * downloads name them (公钥证书模式 https://opendocs.alipay.com/common/056zub; the app certificate is
 * appCertPublicKey_<APPID>.crt there, a fixed name here). Files under simulator/ are Alipay's own
 * private key, which only the simulator reads.
 */
export const ALIPAY_KEY_FILES = {
  /** The app's RSA2 private key (应用私钥), PKCS#8. Secret. */
  appPrivateKey: "app_private_key.pem",
  /** The app's public key (应用公钥), what a merchant uploads to Alipay. */
  appPublicKey: "app_public_key.pem",
  /** Alipay's public key (支付宝公钥), public-key mode. */
  alipayPublicKey: "alipay_public_key.pem",
  /** Certificate mode: the app certificate, Alipay's public-key certificate and the root bundle. */
  appCertificate: "appCertPublicKey.crt",
  alipayPublicCertificate: "alipayCertPublicKey_RSA2.crt",
  alipayRootCertificate: "alipayRootCert.crt",
  /** appId and sellerId. */
  app: "app.json",
  /** Alipay's private key: the simulator signs answers and notifications with it. Secret. */
  alipayPrivateKey: "simulator/alipay_private_key.pem",
} as const;
export type AlipayKeyFile = keyof typeof ALIPAY_KEY_FILES;

/**
 * The sandbox root's private key, with which it issues rotated Alipay certificates. Optional: key
 * folders written before the sandbox kept it still load, and only rotation is unavailable then.
 */
export const ALIPAY_ROOT_PRIVATE_KEY_FILE = "simulator/alipay_root_private_key.pem";

export interface AlipayKeyMaterial {
  readonly appId: string;
  readonly sellerId: string;
  readonly appKeys: RsaKeyPair;
  readonly alipayKeys: RsaKeyPair;
  readonly certificates: AlipayCertificates;
}

export function alipayKeyPaths(dir: string): Record<AlipayKeyFile, string> {
  return Object.fromEntries(
    Object.entries(ALIPAY_KEY_FILES).map(([k, name]) => [k, join(dir, name)]),
  ) as Record<AlipayKeyFile, string>;
}

/** Whether `dir` holds a complete key set (read it) or none (generate one); half a set throws. */
export function hasAlipayKeys(dir: string): boolean {
  return keySetState(dir, Object.values(ALIPAY_KEY_FILES)) === "complete";
}

/** Writes what a sandbox started with generated keys uses, so the next run reads the same keys. */
export function writeAlipayKeys(dir: string, m: AlipayKeyMaterial): void {
  const f = ALIPAY_KEY_FILES;
  ensureKeyDir(join(dir, "simulator"));
  writeKeyFile(dir, f.appPrivateKey, m.appKeys.privateKey, true);
  writeKeyFile(dir, f.appPublicKey, m.appKeys.publicKey, false);
  writeKeyFile(dir, f.alipayPublicKey, m.alipayKeys.publicKey, false);
  writeKeyFile(dir, f.appCertificate, m.certificates.appCertContent, false);
  writeKeyFile(dir, f.alipayPublicCertificate, m.certificates.alipayPublicCertContent, false);
  writeKeyFile(dir, f.alipayRootCertificate, m.certificates.alipayRootCertContent, false);
  writeKeyFile(dir, f.app, `${JSON.stringify({ appId: m.appId, sellerId: m.sellerId }, null, 2)}\n`, false);
  writeKeyFile(dir, f.alipayPrivateKey, m.alipayKeys.privateKey, true);
  if (m.certificates.alipayRootPrivateKey)
    writeKeyFile(dir, ALIPAY_ROOT_PRIVATE_KEY_FILE, m.certificates.alipayRootPrivateKey, true);
}

/** Reads a complete key set, checking that every certificate and public key matches its private key. */
export function readAlipayKeys(dir: string): AlipayKeyMaterial {
  const f = ALIPAY_KEY_FILES;
  const app = readAppFile(dir);
  const appKeys = matchingPair(dir, f.appPrivateKey, f.appPublicKey).pair;
  const alipayKeys = matchingPair(dir, f.alipayPrivateKey, f.alipayPublicKey).pair;
  matchingPair(dir, f.appPrivateKey, f.appCertificate);
  matchingPair(dir, f.alipayPrivateKey, f.alipayPublicCertificate);
  const appCertContent = readKeyFile(dir, f.appCertificate);
  const alipayPublicCertContent = readKeyFile(dir, f.alipayPublicCertificate);
  const alipayRootCertContent = readKeyFile(dir, f.alipayRootCertificate);
  try {
    return {
      ...app,
      appKeys,
      alipayKeys,
      certificates: {
        appCertContent,
        alipayPublicCertContent,
        alipayRootCertContent,
        // The SNs are derived from the certificates, as Alipay's SDKs derive them.
        appCertSn: certSn(appCertContent),
        alipayCertSn: certSn(alipayPublicCertContent),
        alipayRootCertSn: rootCertSn(alipayRootCertContent),
        ...(existsSync(join(dir, ALIPAY_ROOT_PRIVATE_KEY_FILE))
          ? { alipayRootPrivateKey: readKeyFile(dir, ALIPAY_ROOT_PRIVATE_KEY_FILE) }
          : {}),
      },
    };
  } catch (error) {
    throw new CliStartError(`cannot read the certificates in ${dir}: ${(error as Error).message}`);
  }
}

function readAppFile(dir: string): { appId: string; sellerId: string } {
  const path = join(dir, ALIPAY_KEY_FILES.app);
  let data: unknown;
  try {
    data = JSON.parse(readKeyFile(dir, ALIPAY_KEY_FILES.app));
  } catch (error) {
    if (error instanceof CliStartError) throw error;
    throw new CliStartError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const digits = (name: "appId" | "sellerId"): string => {
    const value = record[name];
    if (typeof value !== "string" || !/^\d{6,32}$/.test(value)) {
      throw new CliStartError(`${path}: "${name}" must be a string of digits`);
    }
    return value;
  };
  return { appId: digits("appId"), sellerId: digits("sellerId") };
}
