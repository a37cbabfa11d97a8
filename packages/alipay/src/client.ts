import { ConfigurationError } from "@paybridge/core";
import { AlipaySdk, type AlipaySdkConfig } from "alipay-sdk";
import type { AlipayConfig } from "./config.js";
import { alipayAnswerError, alipayTransportError } from "./errors.js";
import type { AlipayCommonResponse } from "./wire-types.js";

export type BizContent = Readonly<Record<string, unknown>>;

export interface PublicParams {
  readonly notifyUrl?: string | undefined;
  readonly returnUrl?: string | undefined;
}

/**
 * The one place that talks to alipay-sdk v4. Every exec verifies the answer's signature
 * (`validateSign: true`: without it the SDK trusts any answer), and every failure leaves as a
 * PaymentError: a business answer by its sub_code, a transport failure by what it means.
 */
export class AlipayGatewayClient {
  private readonly sdk: AlipaySdk;

  constructor(config: AlipayConfig) {
    const base: AlipaySdkConfig = {
      appId: config.appId,
      privateKey: config.privateKey,
      // The config schema normalised the key to PKCS#8 PEM.
      keyType: "PKCS8",
      signType: "RSA2",
      gateway: config.gateway,
      endpoint: config.endpoint,
      timeout: config.timeoutMs,
      // Keep the wire's snake_case names, as the docs and wire-types.ts spell them.
      camelcase: false,
    };
    const keys: Partial<AlipaySdkConfig> =
      config.keyMode.type === "public_key"
        ? { alipayPublicKey: config.keyMode.alipayPublicKey }
        : {
            appCertContent: config.keyMode.appCertContent,
            alipayPublicCertContent: config.keyMode.alipayPublicCertContent,
            alipayRootCertContent: config.keyMode.alipayRootCertContent,
          };
    try {
      this.sdk = new AlipaySdk({ ...base, ...keys });
    } catch (err) {
      throw new ConfigurationError(
        `alipay: cannot load the keys or certificates: ${(err as Error).message}`,
        {
          provider: "alipay",
          cause: err,
        },
      );
    }
    if (!this.sdk.config.alipayPublicKey) {
      throw new ConfigurationError("alipay: no Alipay public key: answers could not be verified", {
        provider: "alipay",
      });
    }
  }

  /** Certificate mode: the SNs alipay-sdk computed and sends (app_cert_sn, alipay_root_cert_sn). */
  get certificateSerials():
    | { appCertSn: string; alipayRootCertSn: string; alipayCertSn: string }
    | undefined {
    const c = this.sdk.config;
    return c.appCertSn
      ? { appCertSn: c.appCertSn, alipayRootCertSn: c.alipayRootCertSn, alipayCertSn: c.alipayCertSn }
      : undefined;
  }

  /** A server-to-server call; resolves only with a verified code 10000 answer. */
  async exec<T extends AlipayCommonResponse>(
    method: string,
    bizContent: BizContent,
    extra: PublicParams = {},
  ): Promise<T> {
    let answer: Record<string, unknown>;
    try {
      answer = await this.sdk.exec(method, { bizContent, ...publicParams(extra) }, { validateSign: true });
    } catch (err) {
      throw alipayTransportError(method, err);
    }
    if (String(answer.code) !== "10000") throw alipayAnswerError(method, answer);
    return answer as unknown as T;
  }

  /** page / wap pay: a signed link (GET) or an auto-submitting form (POST) for the buyer's browser. */
  pagePay(method: string, bizContent: BizContent, extra: PublicParams, httpMethod: "GET" | "POST"): string {
    return this.sdk.pageExec(method, httpMethod, { bizContent, ...publicParams(extra) });
  }

  /** app pay: the signed order string the app hands to the Alipay client SDK. */
  orderString(method: string, bizContent: BizContent, extra: PublicParams): string {
    return this.sdk.sdkExec(method, { bizContent, ...publicParams(extra) });
  }

  /** Verifies a notification's RSA2 signature over its raw (not re-decoded) values. */
  verifyNotification(fields: Readonly<Record<string, string>>): boolean {
    try {
      return this.sdk.checkNotifySignV2({ ...fields });
    } catch {
      return false;
    }
  }
}

function publicParams(extra: PublicParams): Record<string, string> {
  const out: Record<string, string> = {};
  // Never send an undefined value: alipay-sdk would sign and send the text "undefined".
  if (extra.notifyUrl) out.notifyUrl = extra.notifyUrl;
  if (extra.returnUrl) out.returnUrl = extra.returnUrl;
  return out;
}
