import { aeadEncrypt } from "../../../shared/aead.js";
import { formatBeijingRfc3339 } from "../../../shared/time-format.js";
import type { PlatformCertificate } from "../key-ring.js";
import type { Endpoint } from "./context.js";

/**
 * GET /v3/certificates. 下载平台证书: https://pay.weixin.qq.com/doc/v3/merchant/4012551764 (certificates
 * encrypted with the APIv3 key): every certificate not expired, so a client holds the new one before
 * it signs. A merchant in public-key mode has none (https://pay.weixin.qq.com/doc/v3/merchant/4012153196).
 */
export const certificates: Endpoint = {
  method: "GET",
  path: /^\/v3\/certificates$/,
  handle({ keys, merchant: m }) {
    keys.assertHasCertificates(m.mchid);
    const entry = (c: PlatformCertificate) => ({
      serial_no: c.serial,
      effective_time: formatBeijingRfc3339(c.notBefore),
      expire_time: formatBeijingRfc3339(c.notAfter),
      encrypt_certificate: aeadEncrypt(c.pem, m.apiV3Key, "certificate"),
    });
    return { status: 200, body: { data: keys.listedCertificates().map(entry) } };
  },
};
