import { createHash } from "node:crypto";
import { randomApiV3Key } from "../../shared/aead.js";
import {
  generateRsaKeyPair,
  type RsaKeyPair,
  randomSerial,
  selfSignedCertificate,
} from "../../shared/rsa.js";
import type { WechatSwitchOptions } from "./switch-schedule.js";

/**
 * How WeChat Pay signs for a merchant (https://pay.weixin.qq.com/doc/v3/merchant/4013038816):
 * platform certificates, the WeChat Pay public key, or `switch`, the days while a merchant moves
 * from the first to the second (https://pay.weixin.qq.com/doc/v3/merchant/4012154180).
 */
export type WechatKeyMode = "platform_certificate" | "public_key" | "switch";

/** WeChat Pay's own keys as the sandbox plays it: a platform certificate and a public key (PUB_KEY_ID_...). */
export interface WechatPlatformKeys {
  readonly certificateKeys: RsaKeyPair;
  readonly certificateSerial: string;
  readonly certificatePem: string;
  readonly certificateNotBefore: Date;
  readonly certificateNotAfter: Date;
  readonly publicKeyKeys: RsaKeyPair;
  readonly publicKeyId: string;
}

/** Everything a merchant's client needs to talk to the sandbox; also what tests configure providers with. */
export interface WechatSandboxMerchant {
  readonly mchid: string;
  readonly appid: string;
  readonly appids: readonly string[];
  /** Merchant API certificate serial sent in Authorization serial_no. */
  readonly serialNo: string;
  readonly privateKey: string;
  /** The merchant's public key, which the sandbox verifies requests with. */
  readonly publicKey: string;
  readonly apiV3Key: string;
  readonly keyMode: WechatKeyMode;
  /** The platform-certificate serial (platform_certificate mode) or PUB_KEY_ID_... (public_key mode). */
  readonly wechatpaySerial: string;
  readonly platformCertificate: string;
  readonly wechatpayPublicKeyId: string;
  readonly wechatpayPublicKey: string;
  /** Where refund notifications go when a refund request names no notify_url (商户平台配置). */
  readonly refundNotifyUrl: string | undefined;
  readonly switch: WechatSwitchOptions | undefined;
}

export interface WechatSandboxMerchantOptions {
  readonly mchid?: string;
  readonly appid?: string;
  readonly appids?: readonly string[];
  readonly keyMode?: WechatKeyMode;
  readonly serialNo?: string;
  /** Bring your own merchant key pair; a fresh one is generated otherwise. */
  readonly keys?: RsaKeyPair;
  readonly apiV3Key?: string;
  readonly refundNotifyUrl?: string;
  /** The notification ramp in `switch` mode (default WeChat's seven days from the sandbox's start). */
  readonly switch?: WechatSwitchOptions;
}

export function createPlatformKeys(now: Date): WechatPlatformKeys {
  const certificateKeys = generateRsaKeyPair();
  const certificateSerial = randomSerial();
  const notBefore = new Date(now.getTime() - 24 * 3600_000);
  const notAfter = new Date(now.getTime() + 5 * 365 * 24 * 3600_000);
  const certificatePem = selfSignedCertificate(certificateKeys, {
    serial: certificateSerial,
    commonName: "Tenpay.com Root CA (PayBridge sandbox)",
    notBefore,
    notAfter,
  });
  const publicKeyKeys = generateRsaKeyPair();
  const digits = BigInt(
    `0x${createHash("sha256").update(publicKeyKeys.publicKey).digest("hex").slice(0, 24)}`,
  )
    .toString()
    .padStart(28, "0")
    .slice(0, 28);
  return {
    certificateKeys,
    certificateSerial,
    certificatePem,
    certificateNotBefore: notBefore,
    certificateNotAfter: notAfter,
    publicKeyKeys,
    publicKeyId: `PUB_KEY_ID_01${digits}`,
  };
}

let merchantSequence = 0;

export function createMerchant(
  options: WechatSandboxMerchantOptions,
  platform: WechatPlatformKeys,
): WechatSandboxMerchant {
  merchantSequence += 1;
  const keys = options.keys ?? generateRsaKeyPair();
  const mchid = options.mchid ?? `19000${(10000 + merchantSequence).toString()}`;
  const appid = options.appid ?? `wx${createHash("md5").update(mchid).digest("hex").slice(0, 16)}`;
  const keyMode = options.keyMode ?? "platform_certificate";
  return {
    mchid,
    appid,
    appids: [...new Set([appid, ...(options.appids ?? [])])],
    serialNo: options.serialNo ?? randomSerial(),
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    apiV3Key: options.apiV3Key ?? randomApiV3Key(),
    keyMode,
    wechatpaySerial: keyMode === "public_key" ? platform.publicKeyId : platform.certificateSerial,
    platformCertificate: platform.certificatePem,
    wechatpayPublicKeyId: platform.publicKeyId,
    wechatpayPublicKey: platform.publicKeyKeys.publicKey,
    refundNotifyUrl: options.refundNotifyUrl,
    switch: options.switch,
  };
}

/**
 * What a merchant's own code needs to talk to this sandbox, in the shape of @paybridge/wechatpay's
 * configuration (plain data, so the sandbox does not depend on the provider package).
 */
export interface WechatSandboxMerchantConfig {
  readonly mchid: string;
  readonly appid: string;
  readonly merchantSerialNo: string;
  readonly privateKey: string;
  readonly apiV3Key: string;
  readonly keyMode:
    | { readonly type: "platform_certificate" }
    | { readonly type: "public_key"; readonly publicKeyId: string; readonly publicKey: string }
    | { readonly type: "combined"; readonly publicKeyId: string; readonly publicKey: string };
  readonly origin: string;
  /**
   * Present (true) when this sandbox accepts plain-http loopback notify URLs: the client must opt
   * in the same way, since WeChat itself takes https only.
   */
  readonly allowLoopbackHttpNotify?: true;
}

/**
 * `mode` is the merchant's mode now (the control API can change it); a switching merchant gets the
 * combined configuration: certificates and the public key at once.
 */
export function wechatMerchantConfig(
  m: WechatSandboxMerchant,
  origin: string,
  mode: WechatKeyMode = m.keyMode,
  allowLoopbackHttpNotify = false,
): WechatSandboxMerchantConfig {
  const publicKey = { publicKeyId: m.wechatpayPublicKeyId, publicKey: m.wechatpayPublicKey };
  return {
    mchid: m.mchid,
    appid: m.appid,
    merchantSerialNo: m.serialNo,
    privateKey: m.privateKey,
    apiV3Key: m.apiV3Key,
    keyMode:
      mode === "public_key"
        ? { type: "public_key", ...publicKey }
        : mode === "switch"
          ? { type: "combined", ...publicKey }
          : { type: "platform_certificate" },
    origin,
    ...(allowLoopbackHttpNotify ? { allowLoopbackHttpNotify: true as const } : {}),
  };
}

/** A merchant's credentials as the control API serves them (GET /sandbox/control/credentials). */
export interface WechatMerchantCredentials {
  readonly mchid: string;
  readonly appid: string;
  readonly appids: readonly string[];
  readonly keyMode: WechatKeyMode;
  readonly merchantSerialNo: string;
  readonly privateKey: string;
  readonly merchantPublicKey: string;
  readonly apiV3Key: string;
  /** The serial WeChat Pay signs responses with in this merchant's key mode (Wechatpay-Serial). */
  readonly wechatpaySerial: string;
  readonly platformCertificate: string;
  readonly wechatpayPublicKeyId: string;
  readonly wechatpayPublicKey: string;
}

/** `now`: the merchant's mode and the signing certificate as they are now (after switches and rotations). */
export function merchantCredentials(
  m: WechatSandboxMerchant,
  now?: { keyMode: WechatKeyMode; wechatpaySerial: string; platformCertificate: string },
): WechatMerchantCredentials {
  return {
    mchid: m.mchid,
    appid: m.appid,
    appids: m.appids,
    keyMode: m.keyMode,
    merchantSerialNo: m.serialNo,
    privateKey: m.privateKey,
    merchantPublicKey: m.publicKey,
    apiV3Key: m.apiV3Key,
    wechatpaySerial: m.wechatpaySerial,
    platformCertificate: m.platformCertificate,
    wechatpayPublicKeyId: m.wechatpayPublicKeyId,
    wechatpayPublicKey: m.wechatpayPublicKey,
    ...now,
  };
}
