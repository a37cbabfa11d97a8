import { describe, expect, it } from "vitest";
import { generateRsaKeyPair } from "../shared/rsa.js";
import { certSn, createAlipayCertificates, rootCertSn } from "./certificates.js";

describe("alipay certificate SNs", () => {
  it("the root SN counts only RSA-signed roots, joined with _", async () => {
    const certs = await createAlipayCertificates(
      generateRsaKeyPair(),
      generateRsaKeyPair(),
      "2021000149617001",
    );
    const blocks =
      certs.alipayRootCertContent.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ??
      [];
    expect(blocks).toHaveLength(2);
    // [ECDSA root, RSA root]: only the second counts.
    expect(certs.alipayRootCertSn).toBe(certSn(blocks[1] ?? ""));
    expect(rootCertSn(`${blocks[1]}\n${blocks[1]}`)).toBe(
      `${certs.alipayRootCertSn}_${certs.alipayRootCertSn}`,
    );
    // Issued certificates take their SN from the issuer (the RSA root) and their own serial.
    expect(certs.appCertSn).toMatch(/^[0-9a-f]{32}$/);
    expect(certs.appCertSn).not.toBe(certs.alipayCertSn);
    expect(certSn(certs.appCertContent)).toBe(certs.appCertSn);
  });
});
