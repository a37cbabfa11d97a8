import { expect, it } from "vitest";
import { AlipaySdk } from "alipay-sdk";
import { createAlipayCertificates } from "../../sandbox/src/alipay/certificates.js";
import { generateRsaKeyPair } from "../../sandbox/src/alipay/keys.js";
it("sn", async () => {
  const a = generateRsaKeyPair(); const b = generateRsaKeyPair();
  const t = Date.now();
  const certs = await createAlipayCertificates(a, b, "2021000000000001");
  console.log("ms", Date.now() - t);
  const sdk = new AlipaySdk({ appId: "2021000000000001", privateKey: b.privateKeyPem, keyType: "PKCS8", appCertContent: certs.appCertContent, alipayPublicCertContent: certs.alipayPublicCertContent, alipayRootCertContent: certs.alipayRootCertContent });
  console.log(sdk.config.appCertSn, certs.appCertSn, sdk.config.alipayRootCertSn, certs.alipayRootCertSn, sdk.config.alipayCertSn, certs.alipayCertSn);
  expect(sdk.config.appCertSn).toBe(certs.appCertSn);
  expect(sdk.config.alipayRootCertSn).toBe(certs.alipayRootCertSn);
  expect(sdk.config.alipayCertSn).toBe(certs.alipayCertSn);
});
