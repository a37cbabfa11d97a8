import { type Clock, ConfigurationError, parseAnswer, SignatureError } from "@paybridge/core/provider-kit";
import { AlipaySdk, type AlipaySdkConfig, ProxyAgent } from "alipay-sdk";
import type { z } from "zod";
import { AlipayCertificateStore } from "./certificate-store.js";
import type { AlipayConfig } from "./config.js";
import { ALIPAY_PROVIDER, alipayAnswerError, alipayTransportError } from "./errors.js";
import { parseSdkKeysOnce } from "./sdk-keys.js";
import {
  type AlipayBizContent,
  answerEnvelopeSchema,
  answerObjectSchema,
  type CertDownloadBizContent,
  certDownloadResponseSchema,
  type PayBizContent,
} from "./wire-types.js";

export interface PublicParams {
  readonly notifyUrl?: string | undefined;
  readonly returnUrl?: string | undefined;
  /**
   * Answer codes besides 10000 that are a result, not an error: alipay.trade.pay's 10003
   * (等待用户付款, https://opendocs.alipay.com/open/02ekfp) says the buyer is still confirming.
   */
  readonly acceptCodes?: readonly string[] | undefined;
}

/** alipay.open.app.alipaycert.download, https://opendocs.alipay.com/apis/api_9/alipay.open.app.alipaycert.download */
export const CERT_DOWNLOAD_METHOD = "alipay.open.app.alipaycert.download";

/** An answer whose alipay_cert_sn names a certificate not held: exec downloads it, then verifies. */
class UnheldCertificateSn extends Error {
  constructor(
    readonly sn: string,
    readonly raw: string,
    readonly responseKey: string,
    readonly serverSign: string,
    readonly traceId: string,
  ) {
    super(`answer signed with Alipay certificate ${sn}, not held`);
  }
}

/**
 * alipay-sdk verifies every answer with the one public key it was configured with and ignores the
 * answer's alipay_cert_sn (AlipaySdk.checkResponseSign). In certificate mode Alipay may reissue
 * its certificate and name the new SN in answers (https://opendocs.alipay.com/support/01ravf:
 * 同步返回验签 checks that the SN matches). This subclass picks the certificate by that SN: its
 * own checkResponseSign hands the check to the SDK instance of the named certificate (the SDK's
 * verification, a different key), or reports an SN not held so exec can fetch it.
 */
class SnAwareAlipaySdk extends AlipaySdk {
  certificates: AlipayCertificateStore | undefined;

  override checkResponseSign(raw: string, responseKey: string, serverSign: string, traceId: string): void {
    const store = this.certificates;
    if (!store) {
      super.checkResponseSign(raw, responseKey, serverSign, traceId);
      return;
    }
    const sn = answerCertSn(raw);
    // An answer without an SN (some unsigned error answers) is checked with the newest certificate.
    const verifier = sn === undefined ? store.newestFirst()[0] : store.verifierFor(sn);
    if (verifier) {
      verifier.checkResponseSign(raw, responseKey, serverSign, traceId);
      return;
    }
    throw new UnheldCertificateSn(sn ?? "", raw, responseKey, serverSign, traceId);
  }
}

/** The top-level alipay_cert_sn of an answer, if it has one. */
function answerCertSn(raw: string): string | undefined {
  try {
    const body = answerEnvelopeSchema.safeParse(JSON.parse(raw));
    const sn = body.success ? body.data.alipay_cert_sn : undefined;
    return typeof sn === "string" && sn !== "" ? sn : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one place that talks to alipay-sdk v4. Every exec verifies the answer's signature
 * (`validateSign: true`: without it the SDK trusts any answer), and every failure leaves as a
 * PaymentError: a business answer by its sub_code, a transport failure by what it means.
 */
export class AlipayGatewayClient {
  private readonly sdk: SnAwareAlipaySdk;
  /**
   * The app_auth_token every call of this view carries (ISV acting for an authorising merchant,
   * 公共请求参数 app_auth_token, https://opendocs.alipay.com/isv/10467/xldcyq); undefined for the app's own.
   */
  private appAuthToken: string | undefined;
  /** Certificate mode: the Alipay certificates held by SN (the configured one, then downloaded ones). */
  readonly certificates: AlipayCertificateStore | undefined;

  /** What every request goes out on when a proxy is configured (alipay-sdk's `proxyAgent`); the bill download too. */
  readonly dispatcher: ProxyAgent | undefined;

  constructor(config: AlipayConfig, clock: Clock = () => new Date()) {
    this.dispatcher = config.proxyAgent ?? (config.proxy ? new ProxyAgent(config.proxy) : undefined);
    const base: AlipaySdkConfig = {
      appId: config.appId,
      privateKey: config.privateKey,
      // The config schema normalised the key to PKCS#8 PEM.
      keyType: "PKCS8",
      signType: "RSA2",
      gateway: config.gateway,
      endpoint: config.endpoint,
      timeout: config.timeoutMs,
      ...(this.dispatcher ? { proxyAgent: this.dispatcher } : {}),
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
      this.sdk = new SnAwareAlipaySdk({ ...base, ...keys });
      this.certificates =
        config.keyMode.type === "certificate"
          ? new AlipayCertificateStore(
              {
                ...base,
                appCertContent: config.keyMode.appCertContent,
                alipayPublicCertContent: config.keyMode.alipayPublicCertContent,
                alipayRootCertContent: config.keyMode.alipayRootCertContent,
              },
              clock,
              config.certificates,
              (sn) => this.downloadCertificate(sn),
            )
          : undefined;
      this.sdk.certificates = this.certificates;
      parseSdkKeysOnce(this.sdk);
    } catch (err) {
      throw new ConfigurationError(
        `alipay: cannot load the keys or certificates: ${(err as Error).message}`,
        {
          provider: ALIPAY_PROVIDER,
          cause: err,
        },
      );
    }
    if (!this.sdk.config.alipayPublicKey) {
      throw new ConfigurationError("alipay: no Alipay public key: answers could not be verified", {
        provider: ALIPAY_PROVIDER,
      });
    }
  }

  /**
   * This client acting for the merchant that authorised the app with `token`: the same SDK, keys
   * and certificate store (held once for every authorising merchant), every call carrying the token.
   */
  authorizedBy(token: string): AlipayGatewayClient {
    const view = Object.create(this) as AlipayGatewayClient;
    view.appAuthToken = token;
    return view;
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

  /**
   * A server-to-server call; resolves only with a verified code 10000 (or accepted) answer, parsed
   * with `schema`. Another code is a business answer and leaves through the error table
   * (errors.ts); a 10000 answer without the shape `schema` describes is an UnexpectedAnswerError
   * naming the field (an OutcomeUnknownError: the call may have taken effect).
   */
  async exec<S extends z.ZodType>(
    method: string,
    bizContent: AlipayBizContent,
    schema: S,
    extra: PublicParams = {},
  ): Promise<z.output<S>> {
    let received: unknown;
    try {
      received = await this.sdk.exec(
        method,
        { bizContent: { ...bizContent }, ...publicParams(extra, this.appAuthToken) },
        { validateSign: true },
      );
    } catch (err) {
      if (!(err instanceof UnheldCertificateSn)) throw alipayTransportError(method, err);
      received = await this.verifiedWithDownloaded(method, err);
    }
    const answer = parseAnswer({
      provider: ALIPAY_PROVIDER,
      method,
      schema: answerObjectSchema,
      value: received,
    });
    const code = String(answer.code);
    if (code !== "10000" && !extra.acceptCodes?.includes(code)) throw alipayAnswerError(method, answer);
    return parseAnswer({ provider: ALIPAY_PROVIDER, method, schema, value: answer });
  }

  /**
   * An answer that names a certificate not held: fetch it (only if it chains to the configured
   * root, see AlipayCertificateStore), then verify the very bytes received with it. The call is not
   * repeated: it may have taken effect (a refund).
   */
  private async verifiedWithDownloaded(method: string, unheld: UnheldCertificateSn) {
    if (!this.certificates || unheld.sn === "") {
      throw new SignatureError(
        `alipay ${method}: the answer names no Alipay certificate this merchant holds`,
        {
          provider: ALIPAY_PROVIDER,
        },
      );
    }
    const verifier = await this.certificates.obtain(unheld.sn);
    try {
      verifier.checkResponseSign(unheld.raw, unheld.responseKey, unheld.serverSign, unheld.traceId);
    } catch (err) {
      throw alipayTransportError(method, err, unheld.sn);
    }
    const body = parseAnswer({
      provider: ALIPAY_PROVIDER,
      method,
      schema: answerEnvelopeSchema,
      value: JSON.parse(unheld.raw),
    });
    const data = body[unheld.responseKey] ?? body.error_response;
    if (data === undefined)
      throw alipayTransportError(method, new Error(`Response 格式错误，返回值 ${unheld.responseKey} 找不到`));
    return data;
  }

  /**
   * alipay.open.app.alipaycert.download: biz_content {alipay_cert_sn}, answer alipay_cert_content
   * (the certificate PEM, base64). Its answer is not signature-checked, as the official SDKs do not
   * check it (it may be signed by the very certificate being fetched): the certificate is trusted
   * only through its chain to the configured root, checked by the store.
   */
  private async downloadCertificate(sn: string): Promise<string> {
    const bizContent: CertDownloadBizContent = { alipay_cert_sn: sn };
    let received: unknown;
    try {
      received = await this.sdk.exec(
        CERT_DOWNLOAD_METHOD,
        { bizContent: { ...bizContent } },
        { validateSign: false },
      );
    } catch (err) {
      throw alipayTransportError(CERT_DOWNLOAD_METHOD, err);
    }
    const head = parseAnswer({
      provider: ALIPAY_PROVIDER,
      method: CERT_DOWNLOAD_METHOD,
      schema: answerObjectSchema,
      value: received,
    });
    if (String(head.code) !== "10000") throw alipayAnswerError(CERT_DOWNLOAD_METHOD, head);
    const answer = parseAnswer({
      provider: ALIPAY_PROVIDER,
      method: CERT_DOWNLOAD_METHOD,
      schema: certDownloadResponseSchema,
      value: head,
    });
    return Buffer.from(answer.alipay_cert_content, "base64").toString("utf8");
  }

  /** page / wap pay: a signed link (GET) or an auto-submitting form (POST) for the buyer's browser. */
  pagePay(
    method: string,
    bizContent: PayBizContent,
    extra: PublicParams,
    httpMethod: "GET" | "POST",
  ): string {
    return this.sdk.pageExec(method, httpMethod, {
      bizContent: { ...bizContent },
      ...publicParams(extra, this.appAuthToken),
    });
  }

  /** app pay: the signed order string the app hands to the Alipay client SDK. */
  orderString(method: string, bizContent: PayBizContent, extra: PublicParams): string {
    return this.sdk.sdkExec(method, {
      bizContent: { ...bizContent },
      ...publicParams(extra, this.appAuthToken),
    });
  }

  /**
   * Verifies a notification's RSA2 signature over its raw (not re-decoded) values. Notifications
   * carry no alipay_cert_sn (https://opendocs.alipay.com/open/203/105286), so in certificate mode
   * every certificate held is tried, newest first: after a rotation, retries of a notification
   * signed before it still verify with the older certificate.
   */
  verifyNotification(fields: Readonly<Record<string, string>>): boolean {
    const verifiers = this.certificates ? this.certificates.newestFirst() : [this.sdk];
    return verifiers.some((verifier) => {
      try {
        return verifier.checkNotifySignV2({ ...fields });
      } catch {
        return false;
      }
    });
  }
}

function publicParams(extra: PublicParams, appAuthToken: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  // alipay-sdk snake-cases it to app_auth_token and puts it in the URL with the other public parameters.
  if (appAuthToken) out.appAuthToken = appAuthToken;
  // Never send an undefined value: alipay-sdk would sign and send the text "undefined".
  if (extra.notifyUrl) out.notifyUrl = extra.notifyUrl;
  if (extra.returnUrl) out.returnUrl = extra.returnUrl;
  return out;
}
