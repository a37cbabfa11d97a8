import { createPublicKey, createVerify, type KeyObject, X509Certificate } from "node:crypto";
import { type Clock, SignatureError } from "@paybridge/core/provider-kit";
import { apiV3SecretKey, decryptResource } from "./aead.js";
import type { WechatKeyModeConfig } from "./config.js";
import { WECHAT_V3_PROVIDER } from "./errors.js";
import { parseV3Answer, readV3Json } from "./transformers.js";
import { v3CertificatesSchema } from "./wire-types.js";

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export function header(headers: HeaderBag, name: string): string | undefined {
  // Node's http server (and every framework on it) lower-cases header names: look there first, and
  // scan with case folding only for a bag built by hand. Profiled: the scan was ~3% of notification intake.
  // Callers name headers in lower case, so the direct look-up needs no folding of `name` either.
  const direct = headers[name];
  if (direct !== undefined) return Array.isArray(direct) ? direct[0] : (direct as string);
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : (v as string | undefined);
  }
  return undefined;
}

/** A platform certificate held for verification and encryption. */
interface HeldCertificate {
  readonly key: KeyObject;
  readonly notBefore: number;
  readonly notAfter: number;
}

/** Platform certificate lifecycle settings (config `certificates`). */
export interface CertificatePolicy {
  readonly refreshIntervalMs: number;
  readonly missCooldownMs: number;
}

const DEFAULT_POLICY: CertificatePolicy = { refreshIntervalMs: 12 * 3600_000, missCooldownMs: 60_000 };

/** The key sensitive fields are encrypted with, and the serial to send in Wechatpay-Serial with them. */
export interface EncryptionKey {
  readonly serial: string;
  readonly key: KeyObject;
}

/**
 * The keys WeChat Pay signs with, held by one provider instance (never in wechatpay-node-v3's
 * static `Pay.certificates`, which every instance in the process shares). In combined mode it holds
 * platform certificates and the WeChat Pay public key at once and picks by Wechatpay-Serial
 * (https://pay.weixin.qq.com/doc/v3/merchant/4012154180).
 */
export class WechatPayKeyStore {
  private readonly certificates = new Map<string, HeldCertificate>();
  private readonly publicKey: EncryptionKey | undefined;
  private refreshing: Promise<void> | undefined;
  /** When the last successful download finished (provider clock, ms); undefined before the first. */
  private lastDownloadAt: number | undefined;
  /** Unknown serials are rejected without a download until then (after a download that missed). */
  private cooldownUntil = 0;
  private readonly policy: CertificatePolicy;
  /** Certificate downloads started, for logs and tests. */
  downloads = 0;
  /** The APIv3 key imported once, for every decryption (notifications and certificates). */
  readonly apiV3Secret: KeyObject;

  constructor(
    readonly mode: WechatKeyModeConfig,
    apiV3Key: string,
    private readonly clock: Clock,
    private readonly windowMs: number,
    /** Downloads /v3/certificates through the transport (which calls `acceptCertificates`). */
    private readonly download: () => Promise<void>,
    policy: Partial<CertificatePolicy> = {},
  ) {
    this.publicKey =
      mode.type === "platform_certificate"
        ? undefined
        : { serial: mode.publicKeyId, key: createPublicKey(mode.publicKey) };
    this.apiV3Secret = apiV3SecretKey(apiV3Key);
    this.policy = { ...DEFAULT_POLICY, ...policy };
  }

  /** False in public-key mode: such a merchant has no platform certificate and never downloads one. */
  get usesCertificates(): boolean {
    return this.mode.type !== "public_key";
  }

  /**
   * The serial the merchant sends in Wechatpay-Serial on requests, when known: WeChat signs its
   * answer with the key it names (during a switch) and decrypts sensitive fields with it.
   */
  get requestSerial(): string | undefined {
    if (this.mode.type === "public_key") return this.mode.publicKeyId;
    if (this.mode.type === "combined" && this.mode.requestSerial === "public_key")
      return this.mode.publicKeyId;
    return this.newestCertificate()?.serial;
  }

  /** Serials of the platform certificates held and not expired. */
  get certificateSerials(): string[] {
    this.dropExpired();
    return [...this.certificates.keys()];
  }

  /**
   * The key for sensitive-field encryption (https://pay.weixin.qq.com/doc/v3/merchant/4013053257):
   * the public key when requests name it, otherwise the newest valid platform certificate
   * (downloaded first when none is held).
   */
  async encryptionKey(): Promise<EncryptionKey> {
    const serial = this.requestSerial;
    if (this.publicKey && serial === this.publicKey.serial) return this.publicKey;
    let newest = this.newestCertificate();
    if (!newest) {
      await this.refresh();
      newest = this.newestCertificate();
    }
    if (!newest) {
      throw new SignatureError("no valid platform certificate to encrypt with", {
        provider: WECHAT_V3_PROVIDER,
      });
    }
    return newest;
  }

  /**
   * Checks Wechatpay-Timestamp / Nonce / Signature / Serial over `body`
   * (https://pay.weixin.qq.com/doc/v3/merchant/4012365342): the timestamp within the window, the
   * serial one we hold (platform certificates are downloaded again for an unknown serial, at most
   * once per cooldown when downloads miss), and the RSA-SHA256 signature of "timestamp\nnonce\nbody\n".
   */
  verify(headers: HeaderBag, body: string, what: string): Promise<void> | undefined {
    const timestamp = header(headers, "wechatpay-timestamp");
    const nonce = header(headers, "wechatpay-nonce");
    const signature = header(headers, "wechatpay-signature");
    const serial = header(headers, "wechatpay-serial");
    if (!timestamp || !nonce || !signature || !serial) {
      throw new SignatureError(`${what} is not signed: Wechatpay-Timestamp/Nonce/Signature/Serial missing`, {
        provider: WECHAT_V3_PROVIDER,
      });
    }
    this.assertFresh(timestamp, what);
    this.refreshWhenDue();
    // Synchronous when the key is held, the case of every call but the first after a rotation: a
    // notify endpoint then pays no promise round trip for the verification, nor a closure.
    const known = this.knownKey(serial, what);
    if (known) {
      checkSignature(known, timestamp, nonce, body, signature, serial, what);
      return undefined;
    }
    return this.downloadedKey(serial, what).then((key) =>
      checkSignature(key, timestamp, nonce, body, signature, serial, what),
    );
  }

  /**
   * Takes the certificates of a /v3/certificates answer: decrypts them with the APIv3 key, keeps
   * those not expired, and verifies the answer itself with the key its Wechatpay-Serial names (a
   * certificate in it, one held, or in combined mode the public key). Certificates held before stay until they expire: notifications signed with an older
   * certificate can still be in WeChat's retry schedule.
   */
  acceptCertificates(headers: HeaderBag, body: string): void {
    // 下载平台证书 answer (https://pay.weixin.qq.com/doc/v3/merchant/4012551764), parsed with its schema.
    const method = "GET /v3/certificates";
    const parsed = parseV3Answer(method, v3CertificatesSchema, readV3Json(method, body));
    const found = new Map<string, HeldCertificate>();
    const now = this.clock().getTime();
    for (const entry of parsed.data) {
      let pem: string;
      try {
        pem = decryptResource(entry.encrypt_certificate, this.apiV3Secret);
      } catch (cause) {
        throw new SignatureError("platform certificate does not decrypt with the APIv3 key", {
          provider: WECHAT_V3_PROVIDER,
          cause,
        });
      }
      const cert = new X509Certificate(pem);
      const held = {
        key: cert.publicKey,
        notBefore: Date.parse(cert.validFrom),
        notAfter: Date.parse(cert.validTo),
      };
      if (held.notAfter < now) continue;
      found.set(cert.serialNumber.toUpperCase(), held);
    }
    const timestamp = header(headers, "wechatpay-timestamp") ?? "";
    const nonce = header(headers, "wechatpay-nonce") ?? "";
    const signature = header(headers, "wechatpay-signature") ?? "";
    const serial = (header(headers, "wechatpay-serial") ?? "").toUpperCase();
    this.assertFresh(timestamp, "certificate download");
    // During a switch the answer is signed with the key the request named, which may be the public key.
    const signer =
      this.publicKey && serial === this.publicKey.serial.toUpperCase()
        ? this.publicKey
        : (found.get(serial) ?? this.certificates.get(serial));
    if (!signer || !verifyRsa(signer.key, `${timestamp}\n${nonce}\n${body}\n`, signature)) {
      throw new SignatureError("the /v3/certificates answer is not signed by a platform certificate", {
        provider: WECHAT_V3_PROVIDER,
      });
    }
    for (const [s, c] of found) this.certificates.set(s, c);
    this.lastDownloadAt = now;
  }

  /**
   * Downloads the certificates now (one download at a time: concurrent callers share it). Does
   * nothing in public-key mode.
   */
  refresh(): Promise<void> {
    if (!this.usesCertificates) return Promise.resolve();
    if (!this.refreshing) {
      this.downloads += 1;
      this.refreshing = this.download().finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  /** Starts a background download once `refreshIntervalMs` has passed since the last one. */
  private refreshWhenDue(): void {
    if (!this.usesCertificates || this.lastDownloadAt === undefined || this.refreshing) return;
    if (this.clock().getTime() - this.lastDownloadAt < this.policy.refreshIntervalMs) return;
    // A failed background refresh changes nothing: the held certificates stay, the next check retries.
    this.refresh().catch(() => undefined);
  }

  private assertFresh(timestamp: string, what: string): void {
    const seconds = Number(timestamp);
    if (!Number.isInteger(seconds) || Math.abs(this.clock().getTime() - seconds * 1000) > this.windowMs) {
      throw new SignatureError(
        `${what} timestamp ${timestamp} is outside the ${this.windowMs / 60_000}-minute window`,
        {
          provider: WECHAT_V3_PROVIDER,
        },
      );
    }
  }

  /** The key for `serial` when held; throws for any other serial when no download can help. */
  private knownKey(serial: string, what: string): KeyObject | undefined {
    if (this.publicKey && serial === this.publicKey.serial) return this.publicKey.key;
    if (!this.usesCertificates) {
      throw new SignatureError(
        `${what} is signed with ${serial}, not the configured ${this.publicKey?.serial}`,
        {
          provider: WECHAT_V3_PROVIDER,
        },
      );
    }
    return this.validCertificate(serial.toUpperCase())?.key;
  }

  private async downloadedKey(serial: string, what: string): Promise<KeyObject> {
    const wanted = serial.toUpperCase();
    // An unknown serial is a rotation (download and decide), a forgery, or one of WeChat's own
    // signature probes (签名探测), which are to be answered as failed verifications. After a
    // download that missed, unknown serials are refused without another download for a while.
    if (this.refreshing === undefined && this.clock().getTime() < this.cooldownUntil) {
      throw new SignatureError(`${what} is signed with unknown platform certificate ${serial}`, {
        provider: WECHAT_V3_PROVIDER,
      });
    }
    await this.refresh();
    const fresh = this.validCertificate(wanted);
    if (fresh) return fresh.key;
    this.cooldownUntil = this.clock().getTime() + this.policy.missCooldownMs;
    throw new SignatureError(`${what} is signed with unknown platform certificate ${serial}`, {
      provider: WECHAT_V3_PROVIDER,
    });
  }

  private validCertificate(serial: string): HeldCertificate | undefined {
    const held = this.certificates.get(serial);
    if (!held) return undefined;
    if (held.notAfter < this.clock().getTime()) {
      this.certificates.delete(serial);
      return undefined;
    }
    return held;
  }

  private dropExpired(): void {
    const now = this.clock().getTime();
    for (const [serial, held] of this.certificates) if (held.notAfter < now) this.certificates.delete(serial);
  }

  /** The valid certificate with the latest start of validity: the one to encrypt with and to name. */
  private newestCertificate(): EncryptionKey | undefined {
    this.dropExpired();
    const now = this.clock().getTime();
    let best: { serial: string; held: HeldCertificate } | undefined;
    for (const [serial, held] of this.certificates) {
      if (held.notBefore > now) continue;
      // Validity has second precision, so two certificates issued in one second tie on notBefore:
      // the later expiry wins, then the one learned last (Map order), never an arbitrary pick.
      const newer =
        !best ||
        held.notBefore > best.held.notBefore ||
        (held.notBefore === best.held.notBefore && held.notAfter >= best.held.notAfter);
      if (newer) best = { serial, held };
    }
    return best ? { serial: best.serial, key: best.held.key } : undefined;
  }
}

/** RSA-SHA256 over "timestamp\nnonce\nbody\n" (https://pay.weixin.qq.com/doc/v3/merchant/4012365342), or a SignatureError. */
function checkSignature(
  key: KeyObject,
  timestamp: string,
  nonce: string,
  body: string,
  signature: string,
  serial: string,
  what: string,
): void {
  if (!verifyRsa(key, `${timestamp}\n${nonce}\n${body}\n`, signature)) {
    throw new SignatureError(`${what} signature does not verify with key ${serial}`, {
      provider: WECHAT_V3_PROVIDER,
    });
  }
}

function verifyRsa(key: KeyObject, message: string, signature: string): boolean {
  try {
    return createVerify("RSA-SHA256").update(message).verify(key, signature, "base64");
  } catch {
    return false;
  }
}
