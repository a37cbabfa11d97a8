import { fail } from "./errors.js";
import { requestSignContent, rsa2Verify } from "./signing.js";

/** The merchant app as the simulated open platform knows it. */
export interface RegisteredApp {
  readonly appId: string;
  /** The app public key (public-key mode) or the key inside the app certificate (certificate mode). */
  readonly appPublicKeyPem: string;
  readonly keyMode: "public_key" | "certificate";
  /** Certificate mode: the SN of the uploaded app certificate and of Alipay's root bundle. */
  readonly appCertSn: string | undefined;
  readonly alipayRootCertSn: string | undefined;
}

/**
 * Checks a request as the gateway does (https://opendocs.alipay.com/common/02kf5q and 公共错误码
 * https://opendocs.alipay.com/common/02km9f): method, app_id, sign_type RSA2, in certificate mode
 * app_cert_sn and alipay_root_cert_sn, then the RSA2 signature over every parameter but sign.
 * Throws a GatewayFailure with the isv.* sub-code the real gateway gives.
 */
export function verifyRequest(params: Readonly<Record<string, string>>, app: RegisteredApp): void {
  if (!params.app_id) fail("isv.missing-app-id");
  if (params.app_id !== app.appId) fail("isv.invalid-app-id", `unknown app_id ${params.app_id}`);
  if (params.charset && params.charset.toLowerCase() !== "utf-8") fail("isv.invalid-charset");
  if (!params.sign) fail("isv.missing-signature");
  if (params.sign_type !== "RSA2") fail("isv.invalid-signature-type", `sign_type ${params.sign_type ?? ""}`);
  if (!params.timestamp || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(params.timestamp)) {
    fail("isv.invalid-timestamp", "timestamp 格式为 yyyy-MM-dd HH:mm:ss");
  }
  if (app.keyMode === "certificate") {
    if (!params.app_cert_sn) fail("isv.missing-app-cert-sn");
    if (!params.alipay_root_cert_sn) fail("isv.missing-alipay-root-cert-sn");
    if (params.app_cert_sn !== app.appCertSn) fail("isv.invalid-app-cert-sn", params.app_cert_sn);
    if (params.alipay_root_cert_sn !== app.alipayRootCertSn) {
      fail("isv.invalid-alipay-root-cert-sn", params.alipay_root_cert_sn);
    }
  } else if (params.app_cert_sn) {
    // An app set up with a public key has no certificate to match.
    fail("isv.invalid-app-cert-sn", "this app uses public-key mode");
  }
  const content = requestSignContent(params);
  if (!rsa2Verify(content, params.sign, app.appPublicKeyPem)) {
    fail(
      "isv.invalid-signature",
      `建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`,
    );
  }
}
