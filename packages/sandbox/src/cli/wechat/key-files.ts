import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { selfSignedCertificate } from "../../shared/rsa.js";
import {
  createMerchant,
  createPlatformKeys,
  type WechatKeyMode,
  type WechatPlatformKeys,
  type WechatSandboxMerchantOptions,
} from "../../wechat/v3/credentials.js";
import { CliStartError } from "../errors.js";
import { ensureKeyDir, keySetState, matchingPair, readKeyFile, writeKeyFile } from "../key-files.js";

/**
 * The files under --keys-dir/wechat. The first four are what a merchant's app loads, named as the
 * WeChat Pay merchant platform names its downloads (apiclient_key.pem, apiclient_cert.pem,
 * pub_key.pem: https://pay.weixin.qq.com/doc/v3/merchant/4012153196 and 4013038816); the two under
 * simulator/ are WeChat Pay's own private keys, which only the simulator reads.
 */
export const WECHAT_KEY_FILES = {
  /** Merchant API private key (商户API私钥), PKCS#8. Secret. */
  merchantPrivateKey: "apiclient_key.pem",
  /** Merchant API certificate; its serial is the merchantSerialNo the client sends. */
  merchantCertificate: "apiclient_cert.pem",
  /** WeChat Pay platform certificate (平台证书), which clients also download from /v3/certificates. */
  platformCertificate: "wechatpay_platform_cert.pem",
  /** WeChat Pay public key (微信支付公钥), public-key mode. */
  wechatpayPublicKey: "pub_key.pem",
  /** mchid, appid, apiV3Key, wechatpayPublicKeyId. Secret (it holds the APIv3 key). */
  merchant: "merchant.json",
  /** The platform certificate's private key: the simulator signs responses with it. Secret. */
  platformPrivateKey: "simulator/platform_cert_key.pem",
  /** The private half of pub_key.pem: the simulator signs in public-key mode with it. Secret. */
  wechatpayPublicKeyPrivate: "simulator/pub_key_private.pem",
} as const;
export type WechatKeyFile = keyof typeof WECHAT_KEY_FILES;

interface MerchantFile {
  readonly mchid: string;
  readonly appid: string;
  readonly apiV3Key: string;
  readonly wechatpayPublicKeyId: string;
}

/** Keys for one simulator run, and where they live on disk (if they do). */
export interface WechatKeyMaterial {
  readonly merchant: WechatSandboxMerchantOptions;
  readonly platform: WechatPlatformKeys;
  /** Absolute path of every file in WECHAT_KEY_FILES. */
  readonly files: Readonly<Record<WechatKeyFile, string>>;
  /** True when this run generated and wrote the files, false when it read them. */
  readonly created: boolean;
}

/** Reads the key set in `dir`, or generates one and writes it there when the folder holds none. */
export function loadOrCreateWechatKeys(dir: string, keyMode: WechatKeyMode, now: Date): WechatKeyMaterial {
  const names = Object.values(WECHAT_KEY_FILES);
  const files = Object.fromEntries(
    Object.entries(WECHAT_KEY_FILES).map(([k, name]) => [k, join(dir, name)]),
  ) as Record<WechatKeyFile, string>;
  if (keySetState(dir, names) === "complete") {
    return { ...readWechatKeys(dir, keyMode), files, created: false };
  }
  const platform = createPlatformKeys(now);
  // createMerchant picks the mchid, appid, serial and APIv3 key the way the simulator always does.
  const generated = createMerchant({ keyMode }, platform);
  const certificate = selfSignedCertificate(
    { privateKey: generated.privateKey, publicKey: generated.publicKey },
    {
      serial: generated.serialNo,
      commonName: generated.mchid,
      notBefore: platform.certificateNotBefore,
      notAfter: platform.certificateNotAfter,
    },
  );
  const merchantFile: MerchantFile = {
    mchid: generated.mchid,
    appid: generated.appid,
    apiV3Key: generated.apiV3Key,
    wechatpayPublicKeyId: platform.publicKeyId,
  };
  ensureKeyDir(join(dir, "simulator"));
  const f = WECHAT_KEY_FILES;
  writeKeyFile(dir, f.merchantPrivateKey, generated.privateKey, true);
  writeKeyFile(dir, f.merchantCertificate, certificate, false);
  writeKeyFile(dir, f.platformCertificate, platform.certificatePem, false);
  writeKeyFile(dir, f.wechatpayPublicKey, platform.publicKeyKeys.publicKey, false);
  writeKeyFile(dir, f.merchant, `${JSON.stringify(merchantFile, null, 2)}\n`, true);
  writeKeyFile(dir, f.platformPrivateKey, platform.certificateKeys.privateKey, true);
  writeKeyFile(dir, f.wechatpayPublicKeyPrivate, platform.publicKeyKeys.privateKey, true);
  return {
    merchant: {
      mchid: generated.mchid,
      appid: generated.appid,
      keyMode,
      serialNo: generated.serialNo,
      keys: { privateKey: generated.privateKey, publicKey: generated.publicKey },
      apiV3Key: generated.apiV3Key,
    },
    platform,
    files,
    created: true,
  };
}

function readWechatKeys(dir: string, keyMode: WechatKeyMode): Omit<WechatKeyMaterial, "files" | "created"> {
  const f = WECHAT_KEY_FILES;
  const info = readMerchantFile(dir);
  const merchantKeys = matchingPair(dir, f.merchantPrivateKey, f.merchantCertificate);
  const platformKeys = matchingPair(dir, f.platformPrivateKey, f.platformCertificate);
  const publicKeyKeys = matchingPair(dir, f.wechatpayPublicKeyPrivate, f.wechatpayPublicKey);
  const platformCert = new X509Certificate(readKeyFile(dir, f.platformCertificate));
  return {
    merchant: {
      mchid: info.mchid,
      appid: info.appid,
      keyMode,
      serialNo: merchantKeys.serial ?? "",
      keys: merchantKeys.pair,
      apiV3Key: info.apiV3Key,
    },
    platform: {
      certificateKeys: platformKeys.pair,
      certificateSerial: platformKeys.serial ?? "",
      certificatePem: platformCert.toString(),
      certificateNotBefore: new Date(platformCert.validFrom),
      certificateNotAfter: new Date(platformCert.validTo),
      publicKeyKeys: publicKeyKeys.pair,
      publicKeyId: info.wechatpayPublicKeyId,
    },
  };
}

function readMerchantFile(dir: string): MerchantFile {
  const path = join(dir, WECHAT_KEY_FILES.merchant);
  let data: unknown;
  try {
    data = JSON.parse(readKeyFile(dir, WECHAT_KEY_FILES.merchant));
  } catch (error) {
    if (error instanceof CliStartError) throw error;
    throw new CliStartError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const field = (name: keyof MerchantFile, rule: RegExp, what: string): string => {
    const value = record[name];
    if (typeof value !== "string" || !rule.test(value)) {
      throw new CliStartError(`${path}: "${name}" must be ${what}`);
    }
    return value;
  };
  return {
    mchid: field("mchid", /^\d{6,32}$/, "the numeric merchant id"),
    appid: field("appid", /^[0-9A-Za-z_]{6,32}$/, "an appid"),
    apiV3Key: field("apiV3Key", /^.{32}$/, "exactly 32 characters (the APIv3 key)"),
    wechatpayPublicKeyId: field("wechatpayPublicKeyId", /^PUB_KEY_ID_[0-9A-Za-z]+$/, "PUB_KEY_ID_..."),
  };
}
