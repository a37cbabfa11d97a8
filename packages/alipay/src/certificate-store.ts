import { type Clock, SignatureError } from "@paybridge/core/provider-kit";
import { AlipaySdk, type AlipaySdkConfig } from "alipay-sdk";
import { assertChainsToRoot, pemCertificates, UntrustedCertificateError } from "./certificate-chain.js";
import { ALIPAY_PROVIDER } from "./errors.js";
import { parseSdkKeysOnce } from "./sdk-keys.js";

/** Certificate download settings (config `certificates`). */
export interface AlipayCertificatePolicy {
  /** After a download that failed or was refused, unknown SNs are refused without one for this long. */
  readonly missCooldownMs: number;
}

/** One Alipay public-key certificate held for verification, with an SDK instance that verifies with it. */
interface HeldCertificate {
  readonly sn: string;
  /**
   * alipay-sdk configured with this certificate: its constructor computes the SN the same way it
   * computed the configured one, and its checkResponseSign / checkNotifySignV2 verify with this
   * certificate's key. Verification stays the SDK's own code, one instance per certificate.
   */
  readonly verifier: AlipaySdk;
  readonly notBefore: number;
  readonly notAfter: number;
  /** Order in which certificates were taken: the newest is tried first for notifications. */
  readonly order: number;
}

/**
 * The Alipay public-key certificates one merchant app holds in certificate mode, by SN. It starts
 * with the configured one; an answer naming an SN not held makes it download that certificate
 * (alipay.open.app.alipaycert.download, https://opendocs.alipay.com/apis/api_9/alipay.open.app.alipaycert.download)
 * and take it only if it chains to the configured Alipay root certificate ("支付宝公钥证书无感知升级",
 * https://opendocs.alipay.com/common/02kf5r). Downloads run one at a time, concurrent answers with
 * the same SN share one, and after a download that failed or was refused unknown SNs are refused
 * without another for `missCooldownMs`: a forger who puts random SNs in answers must not make the
 * merchant download on every one (the WeChat key store's missCooldownMs does the same for serials).
 */
export class AlipayCertificateStore {
  private readonly held = new Map<string, HeldCertificate>();
  private readonly pending = new Map<string, Promise<AlipaySdk>>();
  private queue: Promise<unknown> = Promise.resolve();
  private cooldownUntil = 0;
  private taken = 0;
  /** Downloads started (logs and tests). */
  downloads = 0;

  constructor(
    /** The SDK config of certificate mode, with the configured certificates (each verifier copies it). */
    private readonly base: AlipaySdkConfig & {
      appCertContent: string;
      alipayPublicCertContent: string;
      alipayRootCertContent: string;
    },
    private readonly clock: Clock,
    private readonly policy: AlipayCertificatePolicy,
    /** Fetches the certificate PEM for an SN (the download call); throws when Alipay has none. */
    private readonly download: (sn: string) => Promise<string>,
  ) {
    this.keep(this.load(base.alipayPublicCertContent));
  }

  /** The SNs held now (expired ones dropped), oldest first. */
  get sns(): string[] {
    return this.valid().map((h) => h.sn);
  }

  /** The verifier for `sn` when a valid certificate with that SN is held. */
  verifierFor(sn: string): AlipaySdk | undefined {
    const held = this.held.get(sn);
    if (!held) return undefined;
    if (this.clock().getTime() > held.notAfter) {
      this.held.delete(sn);
      return undefined;
    }
    return held.verifier;
  }

  /** Every valid certificate's verifier, newest first (notifications carry no SN: try each). */
  newestFirst(): AlipaySdk[] {
    return this.valid()
      .sort((a, b) => b.order - a.order)
      .map((h) => h.verifier);
  }

  /** The verifier for `sn`, downloading and checking the certificate when it is not held. */
  obtain(sn: string): Promise<AlipaySdk> {
    const known = this.verifierFor(sn);
    if (known) return Promise.resolve(known);
    const shared = this.pending.get(sn);
    if (shared) return shared;
    const run = this.queue.then(() => this.fetch(sn));
    this.queue = run.catch(() => undefined);
    this.pending.set(sn, run);
    void run.finally(() => this.pending.delete(sn)).catch(() => undefined);
    return run;
  }

  private async fetch(sn: string): Promise<AlipaySdk> {
    // Taken by the download queued before this one.
    const known = this.verifierFor(sn);
    if (known) return known;
    const now = this.clock().getTime();
    if (now < this.cooldownUntil) {
      throw refused(
        sn,
        `not downloaded: a download failed or was refused less than ${this.policy.missCooldownMs} ms ago (until ${new Date(this.cooldownUntil).toISOString()})`,
      );
    }
    this.downloads += 1;
    let pem: string;
    try {
      pem = await this.download(sn);
    } catch (cause) {
      this.cooldownUntil = this.clock().getTime() + this.policy.missCooldownMs;
      throw refused(sn, `the download failed: ${(cause as Error).message}`, cause);
    }
    try {
      assertChainsToRoot(pem, this.base.alipayRootCertContent, this.clock());
      const loaded = this.load(pem);
      if (loaded.sn !== sn)
        throw new UntrustedCertificateError(`the certificate has SN ${loaded.sn}, not the ${sn} asked for`);
      return this.keep(loaded).verifier;
    } catch (cause) {
      this.cooldownUntil = this.clock().getTime() + this.policy.missCooldownMs;
      const reason =
        cause instanceof UntrustedCertificateError
          ? cause.message
          : `the certificate is unusable: ${(cause as Error).message}`;
      throw refused(sn, `refused the downloaded certificate: ${reason}`, cause);
    }
  }

  /** A certificate read the way alipay-sdk reads it (its SN and key), not held yet. */
  private load(pem: string): Omit<HeldCertificate, "order"> {
    // A fresh config object: alipay-sdk writes the SNs and key it derives into the object it is given.
    const verifier = new AlipaySdk({ ...this.base, alipayPublicCertContent: pem });
    parseSdkKeysOnce(verifier);
    const sn = verifier.config.alipayCertSn;
    if (!sn) throw new UntrustedCertificateError("the certificate has no SN alipay-sdk can read");
    const cert = pemCertificates(pem)[0];
    if (!cert) throw new UntrustedCertificateError("the download holds no PEM certificate");
    return { sn, verifier, notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
  }

  /** Holds a loaded certificate (the configured one, or a downloaded one that passed the chain check). */
  private keep(loaded: Omit<HeldCertificate, "order">): HeldCertificate {
    const existing = this.held.get(loaded.sn);
    // The same SN is the same certificate: keep the first.
    if (existing) return existing;
    this.taken += 1;
    const held = { ...loaded, order: this.taken };
    this.held.set(held.sn, held);
    return held;
  }

  private valid(): HeldCertificate[] {
    const now = this.clock().getTime();
    for (const [sn, h] of this.held) if (now > h.notAfter) this.held.delete(sn);
    return [...this.held.values()];
  }
}

function refused(sn: string, why: string, cause?: unknown): SignatureError {
  return new SignatureError(
    `alipay answer is signed with Alipay certificate ${sn}, which is not held: ${why}`,
    {
      provider: ALIPAY_PROVIDER,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
