import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertChainsToRoot, pemCertificates, UntrustedCertificateError } from "./certificate-chain.js";

describe("assertChainsToRoot", () => {
  let sandbox: AlipaySandbox;
  let root = "";
  beforeAll(async () => {
    sandbox = await startAlipaySandbox({ keyMode: "certificate" });
    root = sandbox.certificates?.alipayRootCertContent ?? "";
  });
  afterAll(() => sandbox.close());

  it("takes the configured certificate and a rotated one from the same root (the bundle's ECC root is skipped)", async () => {
    const now = new Date();
    expect(pemCertificates(root)).toHaveLength(2);
    const configured = sandbox.certificates?.alipayPublicCertContent ?? "";
    expect(assertChainsToRoot(configured, root, now).serialNumber).toBe(
      pemCertificates(configured)[0]?.serialNumber,
    );
    const rotated = await sandbox.rotateCertificate();
    expect(() => assertChainsToRoot(rotated.certificate, root, now)).not.toThrow();
    // Not before its validity: the sandbox issues certificates valid from a day ago.
    expect(() =>
      assertChainsToRoot(rotated.certificate, root, new Date(Date.now() - 3 * 86_400_000)),
    ).toThrow(/not valid before/);
  });

  it("refuses each rogue kind with its reason", async () => {
    const cases = {
      self_signed: /not issued by the configured root/,
      other_root: /signature does not verify with that root's key/,
      expired: /expired/,
    } as const;
    for (const [rogue, reason] of Object.entries(cases)) {
      const rotation = await sandbox.rotateCertificate({ rogue: rogue as keyof typeof cases });
      expect(() => assertChainsToRoot(rotation.certificate, root, new Date())).toThrow(
        UntrustedCertificateError,
      );
      expect(() => assertChainsToRoot(rotation.certificate, root, new Date())).toThrow(reason);
    }
  });

  it("refuses a certificate from another sandbox's root, and text with no certificate", async () => {
    const other = await startAlipaySandbox({ keyMode: "certificate" });
    await other.close();
    const stranger = other.certificates?.alipayPublicCertContent ?? "";
    expect(() => assertChainsToRoot(stranger, root, new Date())).toThrow(
      /not issued by the configured root|does not verify/,
    );
    expect(() => assertChainsToRoot("not a certificate", root, new Date())).toThrow(/no PEM certificate/);
    expect(() => assertChainsToRoot(stranger, "", new Date())).toThrow(/root bundle holds no certificate/);
  });
});
