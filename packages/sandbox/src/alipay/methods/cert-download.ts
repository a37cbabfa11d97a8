import { fail, success } from "../errors.js";
import { type MethodHandler, requiredString } from "./context.js";

export const CERT_DOWNLOAD_METHOD = "alipay.open.app.alipaycert.download";

/**
 * alipay.open.app.alipaycert.download (应用支付宝公钥证书下载),
 * https://opendocs.alipay.com/apis/api_9/alipay.open.app.alipaycert.download: biz_content
 * {alipay_cert_sn} names the certificate; the answer's alipay_cert_content is the certificate PEM
 * in base64. Every SN the sandbox signed with is served (old and new), so a merchant can verify
 * answers of either side of a rotation. The answer is not signed (see server.ts): its trust comes
 * from the chain to the merchant's root certificate, not from a key the merchant may not hold yet.
 */
export const certDownload: MethodHandler = (ctx) => {
  const sn = requiredString(ctx.biz, "alipay_cert_sn", 128);
  const pem = ctx.keyRing.certificateFor(sn);
  ctx.keyRing.downloads.push(sn);
  // The page's error table was not retrievable; the code follows the common isv.invalid-*-cert-sn
  // family of https://opendocs.alipay.com/common/02km9f.
  if (!pem) fail("isv.invalid-alipay-cert-sn", `支付宝公钥证书 ${sn} 不存在`);
  return success({ alipay_cert_content: Buffer.from(pem, "utf8").toString("base64") });
};
