import { X509Certificate } from "node:crypto";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM text, in order (Alipay's files may hold a chain or a bundle). */
export function pemCertificates(text: string): X509Certificate[] {
  return (text.match(PEM_BLOCK) ?? []).map((block) => new X509Certificate(block));
}

/** A certificate that does not chain to the configured root, and why. */
export class UntrustedCertificateError extends Error {}

const MAX_CHAIN = 4;

/**
 * Checks that the first certificate of `pem` (the one the SDKs read the key and SN from) chains to
 * a root of `rootBundle` through the other certificates of `pem` (a downloaded Alipay certificate
 * file may carry an intermediate CA after the leaf): each link's issuer name matches, its signature
 * verifies with the issuer's key, every certificate on the path is valid at `now`, and every issuer
 * is a CA. This is what the official SDKs do before taking a downloaded certificate
 * (AntCertificationUtil.isTrusted; "支付宝公钥证书无感知升级", https://opendocs.alipay.com/common/02kf5r).
 * Throws UntrustedCertificateError naming the reason.
 */
export function assertChainsToRoot(pem: string, rootBundle: string, now: Date): X509Certificate {
  const chain = pemCertificates(pem);
  const roots = pemCertificates(rootBundle);
  const leaf = chain[0];
  if (!leaf) throw new UntrustedCertificateError("the download holds no PEM certificate");
  if (roots.length === 0)
    throw new UntrustedCertificateError("the configured root bundle holds no certificate");
  const at = now.getTime();
  const assertValid = (cert: X509Certificate, role: string) => {
    if (at < Date.parse(cert.validFrom))
      throw new UntrustedCertificateError(`${role} is not valid before ${cert.validFrom}`);
    if (at > Date.parse(cert.validTo)) throw new UntrustedCertificateError(`${role} expired ${cert.validTo}`);
  };
  const signedBy = (cert: X509Certificate, issuer: X509Certificate) =>
    issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  let current = leaf;
  assertValid(current, "the certificate");
  for (let depth = 0; depth < MAX_CHAIN; depth += 1) {
    const root = roots.find((r) => signedBy(current, r));
    if (root) {
      assertValid(root, "the root certificate");
      return leaf;
    }
    const next = chain.slice(1).find((c) => c !== current && signedBy(current, c));
    if (!next) {
      const named = roots.some((r) => current.checkIssued(r));
      throw new UntrustedCertificateError(
        named
          ? `the certificate names the configured root (${current.issuer.replaceAll("\n", ", ")}) as issuer but its signature does not verify with that root's key`
          : `the certificate is not issued by the configured root (issuer ${current.issuer.replaceAll("\n", ", ")})`,
      );
    }
    assertValid(next, "an intermediate certificate");
    current = next;
  }
  throw new UntrustedCertificateError(`the certificate's chain is longer than ${MAX_CHAIN} certificates`);
}
