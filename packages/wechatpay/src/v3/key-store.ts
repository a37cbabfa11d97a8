import { createPublicKey, createVerify, type KeyObject, X509Certificate } from "node:crypto";
import { type Clock, SignatureError } from "@paybridge/core";
import { apiV3SecretKey, decryptResource } from "./aead.js";
import type { WechatKeyModeConfig } from "./config.js";

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export function header(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // Node's http server (and every framework on it) lower-cases header names: look there first, and
  // scan with case folding only for a bag built by hand. Profiled: the scan was ~3% of notification intake.
  const direct = headers[wanted];
  if (direct !== undefined) return Array.isArray(direct) ? direct[0] : (direct as string);
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : (v as string | undefined);
  }
  return undefined;
}

/** One downloaded platform certificate, as /v3/certificates lists it (https://pay.weixin.qq.com/doc/v3/merchant/4012551764). */
interface CertificateEntry {
  serial_no: string;
  encrypt_certificate: { ciphertext: string; nonce: string; associated_data?: string };
}

/**
 * The keys WeChat Pay signs with, held by one provider instance (never in wechatpay-node-v3's
 * static `Pay.certificates`, which every instance in the process shares).
 */
export class WechatPayKeyStore {
  private readonly certificates = new Map<string, KeyObject>();
  private readonly publicKey: KeyObject | undefined;
  private refreshing: Promise<void> | undefined;
  /** The APIv3 key imported once, for every decryption (notifications and certificates). */
  readonly apiV3Secret: KeyObject;

  constructor(
    readonly mode: WechatKeyModeConfig,
    apiV3Key: string,
    private readonly clock: Clock,
    private readonly windowMs: number,
    /** Downloads /v3/certificates through the transport (which calls `acceptCertificates`). */
    private readonly download: () => Promise<void>,
  ) {
    this.publicKey = mode.type === "public_key" ? createPublicKey(mode.publicKey) : undefined;
    this.apiV3Secret = apiV3SecretKey(apiV3Key);
  }

  /** The serial the merchant sends in Wechatpay-Serial on requests, when known. */
  get requestSerial(): string | undefined {
    if (this.mode.type === "public_key") return this.mode.publicKeyId;
    return [...this.certificates.keys()][0];
  }

  get certificateSerials(): string[] {
    return [...this.certificates.keys()];
  }

  /**
   * Checks Wechatpay-Timestamp / Nonce / Signature / Serial over `body`
   * (https://pay.weixin.qq.com/doc/v3/merchant/4012365342): the timestamp within the window, the
   * serial one we hold (platform certificates are downloaded again once for an unknown serial),
   * and the RSA-SHA256 signature of "timestamp\nnonce\nbody\n".
   */
  verify(headers: HeaderBag, body: string, what: string): Promise<void> | undefined {
    const timestamp = header(headers, "wechatpay-timestamp");
    const nonce = header(headers, "wechatpay-nonce");
    const signature = header(headers, "wechatpay-signature");
    const serial = header(headers, "wechatpay-serial");
    if (!timestamp || !nonce || !signature || !serial) {
      throw new SignatureError(`${what} is not signed: Wechatpay-Timestamp/Nonce/Signature/Serial missing`, {
        provider: "wechatpay",
      });
    }
    this.assertFresh(timestamp, what);
    const check = (key: KeyObject) => {
      if (!verifyRsa(key, `${timestamp}\n${nonce}\n${body}\n`, signature)) {
        throw new SignatureError(`${what} signature does not verify with key ${serial}`, {
          provider: "wechatpay",
        });
      }
    };
    // Synchronous when the key is held, the case of every call but the first after a rotation: a
    // notify endpoint then pays no promise round trip for the verification.
    const known = this.knownKey(serial, what);
    if (known) {
      check(known);
      return undefined;
    }
    return this.downloadedKey(serial, what).then(check);
  }

  /**
   * Takes the certificates of a /v3/certificates answer: decrypts them with the APIv3 key, keeps
   * those valid now, and verifies the answer itself with the certificate its Wechatpay-Serial names.
   */
  acceptCertificates(headers: HeaderBag, body: string): void {
    const parsed = JSON.parse(body) as { data?: CertificateEntry[] };
    const found = new Map<string, KeyObject>();
    for (const entry of parsed.data ?? []) {
      let pem: string;
      try {
        pem = decryptResource(entry.encrypt_certificate, this.apiV3Secret);
      } catch (cause) {
        throw new SignatureError("platform certificate does not decrypt with the APIv3 key", {
          provider: "wechatpay",
          cause,
        });
      }
      const cert = new X509Certificate(pem);
      const now = this.clock().getTime();
      if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) continue;
      found.set(cert.serialNumber.toUpperCase(), cert.publicKey);
    }
    const timestamp = header(headers, "wechatpay-timestamp") ?? "";
    const nonce = header(headers, "wechatpay-nonce") ?? "";
    const signature = header(headers, "wechatpay-signature") ?? "";
    const serial = (header(headers, "wechatpay-serial") ?? "").toUpperCase();
    this.assertFresh(timestamp, "certificate download");
    const key = found.get(serial);
    if (!key || !verifyRsa(key, `${timestamp}\n${nonce}\n${body}\n`, signature)) {
      throw new SignatureError("the /v3/certificates answer is not signed by a certificate it contains", {
        provider: "wechatpay",
      });
    }
    for (const [s, k] of found) this.certificates.set(s, k);
  }

  private assertFresh(timestamp: string, what: string): void {
    const seconds = Number(timestamp);
    if (!Number.isInteger(seconds) || Math.abs(this.clock().getTime() - seconds * 1000) > this.windowMs) {
      throw new SignatureError(
        `${what} timestamp ${timestamp} is outside the ${this.windowMs / 60_000}-minute window`,
        {
          provider: "wechatpay",
        },
      );
    }
  }

  /** The key for `serial` when held; throws in public-key mode for any other serial. */
  private knownKey(serial: string, what: string): KeyObject | undefined {
    if (this.mode.type === "public_key") {
      if (serial === this.mode.publicKeyId && this.publicKey) return this.publicKey;
      throw new SignatureError(
        `${what} is signed with ${serial}, not the configured ${this.mode.publicKeyId}`,
        {
          provider: "wechatpay",
        },
      );
    }
    return this.certificates.get(serial) ?? this.certificates.get(serial.toUpperCase());
  }

  private async downloadedKey(serial: string, what: string): Promise<KeyObject> {
    // An unknown serial means WeChat rotated its certificate: download once, then decide.
    this.refreshing ??= this.download().finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
    const fresh = this.certificates.get(serial.toUpperCase());
    if (fresh) return fresh;
    throw new SignatureError(`${what} is signed with unknown platform certificate ${serial}`, {
      provider: "wechatpay",
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
