import { formatBeijing } from "../clock.js";
import type { AlipaySandbox } from "../sandbox.js";
import { requestSignContent, rsa2Sign, rsa2Verify } from "../signing.js";

/** Calls the gateway the way any Alipay SDK does, without one: sign, POST a form, read the answer. */
export async function call(
  sandbox: AlipaySandbox,
  method: string,
  biz: object,
  privateKey = sandbox.appKeys.privateKey,
) {
  const params: Record<string, string> = {
    app_id: sandbox.appId,
    method,
    charset: "utf-8",
    sign_type: "RSA2",
    timestamp: formatBeijing(new Date()),
    version: "1.0",
    biz_content: JSON.stringify(biz),
  };
  if (sandbox.certificates) {
    params.app_cert_sn = sandbox.certificates.appCertSn;
    params.alipay_root_cert_sn = sandbox.certificates.alipayRootCertSn;
  }
  params.sign = rsa2Sign(requestSignContent(params), privateKey);
  const res = await fetch(sandbox.gatewayUrl, { method: "POST", body: new URLSearchParams(params) });
  const text = await res.text();
  const key = `${method.replaceAll(".", "_")}_response`;
  const inner = text.slice(
    text.indexOf(":") + 1,
    text.lastIndexOf(sandbox.certificates ? ',"alipay_cert_sn"' : ',"sign"'),
  );
  const body = JSON.parse(text) as Record<string, Record<string, string>> & { sign: string };
  return {
    response: body[key] ?? {},
    verified: rsa2Verify(inner, body.sign, sandbox.alipayKeys.publicKey),
  };
}
