import { createPublicKey, randomBytes } from "node:crypto";
import { generateRsaKeyPair, type RsaKeyPair } from "../shared/rsa.js";
import {
  ALIPAY_CERT_SUBJECT,
  type AlipayCertificates,
  certSn,
  createRoot,
  importSigningKey,
  issueCertificate,
  rsaRootOf,
} from "./certificates.js";

const DAY_MS = 24 * 3600 * 1000;
const YEAR_MS = 365 * DAY_MS;

/**
 * Certificates no genuine Alipay would serve, for tests that prove a client refuses them:
 * - self_signed: the certificate signs itself (no root vouches for it);
 * - other_root: issued by a different root that carries the genuine root's name (so only the
 *   signature, not the issuer name, tells them apart);
 * - expired: issued by the genuine root, but its validity ended yesterday.
 */
export const ROGUE_CERTIFICATE_KINDS = ["self_signed", "other_root", "expired"] as const;
export type RogueCertificateKind = (typeof ROGUE_CERTIFICATE_KINDS)[number];

export interface AlipayRotateOptions {
  /**
   * Keep the signing key and only reissue the certificate (what the public page describes: the new
   * certificate has a new SN but the same key). Default false: a new key too, the harder case.
   */
  readonly keepKey?: boolean;
  /** Serve a rogue certificate for the new SN instead of one the sandbox root issued. */
  readonly rogue?: RogueCertificateKind;
}

export interface AlipayRotation {
  readonly alipayCertSn: string;
  readonly previousCertSn: string;
  readonly rogue: RogueCertificateKind | undefined;
  /** The certificate served for the new SN (PEM). */
  readonly certificate: string;
}

/** Who signs right now: the private key and the alipay_cert_sn answers carry (certificate mode). */
export interface AlipaySigner {
  readonly privateKey: string;
  readonly certSn: string | undefined;
}

/**
 * Alipay's signing keys over a run. In certificate mode Alipay may reissue its public-key
 * certificate at any time; answers then carry the new alipay_cert_sn and merchants fetch the
 * certificate by SN with alipay.open.app.alipaycert.download ("支付宝公钥证书无感知升级",
 * https://opendocs.alipay.com/common/02kf5r). The ring holds every certificate it ever signed
 * with (the download serves old and new SNs) and the root's private key to issue new ones.
 */
export class AlipayKeyRing {
  private signer: AlipaySigner;
  private readonly served = new Map<string, string>();
  private forger: AlipaySigner | undefined;
  private rotating: Promise<AlipayRotation> | undefined;
  /** alipay.open.app.alipaycert.download calls answered, by SN asked for. */
  readonly downloads: string[] = [];

  constructor(
    alipayKeys: RsaKeyPair,
    private readonly certificates: AlipayCertificates | undefined,
  ) {
    this.signer = { privateKey: alipayKeys.privateKey, certSn: certificates?.alipayCertSn };
    if (certificates) this.served.set(certificates.alipayCertSn, certificates.alipayPublicCertContent);
  }

  get current(): AlipaySigner {
    return this.signer;
  }

  /** Every SN the sandbox ever signed with, oldest first. */
  get issuedSns(): readonly string[] {
    return [...this.served.keys()];
  }

  /** The certificate (PEM) served for `sn`, if the sandbox ever signed with it. */
  certificateFor(sn: string): string | undefined {
    return this.served.get(sn);
  }

  /**
   * Issues a new Alipay public-key certificate (or a rogue one) and signs every later answer,
   * notification and return URL with it. Rotations run one at a time.
   */
  rotate(options: AlipayRotateOptions = {}): Promise<AlipayRotation> {
    const run = (this.rotating ?? Promise.resolve()).then(
      () => this.rotateNow(options),
      () => this.rotateNow(options),
    );
    this.rotating = run;
    return run;
  }

  /** A key and an SN Alipay never issued: what a forger signs an answer with. */
  forgery(): AlipaySigner {
    this.forger ??= { privateKey: generateRsaKeyPair().privateKey, certSn: "" };
    return { privateKey: this.forger.privateKey, certSn: randomBytes(16).toString("hex") };
  }

  private async rotateNow(options: AlipayRotateOptions): Promise<AlipayRotation> {
    const certs = this.certificates;
    if (!certs) throw new Error("certificate rotation needs the sandbox in certificate mode");
    if (!certs.alipayRootPrivateKey) {
      throw new Error(
        "certificate rotation needs the root's private key, and these certificates were read without it (simulator/alipay_root_private_key.pem)",
      );
    }
    const pair = options.keepKey ? undefined : generateRsaKeyPair();
    const privateKey = pair?.privateKey ?? this.signer.privateKey;
    const subjectPublicKey =
      pair?.publicKey ?? createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
    const root = rsaRootOf(certs.alipayRootCertContent);
    const now = Date.now();
    const valid = { notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 10 * YEAR_MS) };
    const base = { subjectPublicKey, subject: ALIPAY_CERT_SUBJECT };
    let certificate: string;
    switch (options.rogue) {
      case undefined:
        certificate = await issueCertificate({
          ...base,
          ...valid,
          issuerName: root.subject,
          issuerPrivateKey: await importSigningKey(certs.alipayRootPrivateKey),
        });
        break;
      case "expired":
        certificate = await issueCertificate({
          ...base,
          notBefore: new Date(now - 2 * YEAR_MS),
          notAfter: new Date(now - DAY_MS),
          issuerName: root.subject,
          issuerPrivateKey: await importSigningKey(certs.alipayRootPrivateKey),
        });
        break;
      case "other_root": {
        const impostor = await createRoot(root.subject, valid.notBefore, valid.notAfter);
        certificate = await issueCertificate({
          ...base,
          ...valid,
          issuerName: impostor.certificate.subject,
          issuerPrivateKey: impostor.keys.privateKey,
        });
        break;
      }
      case "self_signed": {
        if (!pair) throw new Error("a self-signed rogue certificate needs a new key (keepKey: false)");
        certificate = await issueCertificate({
          ...base,
          ...valid,
          subject: ALIPAY_CERT_SUBJECT,
          issuerName: ALIPAY_CERT_SUBJECT,
          issuerPrivateKey: await importSigningKey(pair.privateKey),
        });
        break;
      }
      default:
        throw new TypeError(`unknown rogue certificate kind ${String(options.rogue)}`);
    }
    const sn = certSn(certificate);
    const previousCertSn = this.signer.certSn ?? "";
    // Served before it signs anything, so a client that sees the new SN can always fetch it.
    this.served.set(sn, certificate);
    this.signer = { privateKey, certSn: sn };
    return { alipayCertSn: sn, previousCertSn, rogue: options.rogue, certificate };
  }
}
