import type { SandboxClock } from "../../shared/clock.js";
import {
  generateRsaKeyPair,
  type RsaKeyPair,
  randomSerial,
  selfSignedCertificate,
} from "../../shared/rsa.js";
import { WechatEngineError } from "../engine/errors.js";
import type { WechatKeyMode, WechatPlatformKeys, WechatSandboxMerchant } from "./credentials.js";
import type { ResponseSigner } from "./signing.js";
import {
  checkSwitchSchedule,
  ratioAt,
  type SwitchStep,
  seededRandom,
  WECHAT_SWITCH_RAMP,
  type WechatSwitchOptions,
} from "./switch-schedule.js";

/** One WeChat Pay platform certificate (平台证书) with its private key, as the simulator holds it. */
export interface PlatformCertificate {
  readonly keys: RsaKeyPair;
  readonly serial: string;
  readonly pem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

interface MerchantKeyState {
  mode: WechatKeyMode;
  schedule: readonly SwitchStep[];
  startedAtMs: number;
  random: () => number;
}

/** What a notification was signed with, for tests and the control API. */
export type SignedWith = "public_key" | "platform_certificate";

/**
 * Which WeChat Pay key signs what, per merchant (https://pay.weixin.qq.com/doc/v3/merchant/4012154180):
 * - `platform_certificate`: everything with the newest platform certificate, whatever the request's
 *   Wechatpay-Serial says (WeChat ignores a PUB_KEY_ID_ before the switch is started);
 * - `public_key`: everything with the WeChat Pay public key, and no certificates to download (new
 *   merchants have none);
 * - `switch`: answers with the key the request's Wechatpay-Serial names (the platform certificate
 *   when it names none), notifications with the public key at the ramp's ratio, else the certificate.
 * Platform certificates can be rotated mid-run: the new one signs from then on, the old one stays
 * listed by /v3/certificates until it expires or is retired.
 */
export class WechatKeyRing {
  private readonly certificates: PlatformCertificate[];
  private signingSerial: string;
  private readonly states = new Map<string, MerchantKeyState>();

  constructor(
    private readonly platform: WechatPlatformKeys,
    private readonly clock: SandboxClock,
    private readonly wireNow: () => number,
  ) {
    this.certificates = [
      {
        keys: platform.certificateKeys,
        serial: platform.certificateSerial,
        pem: platform.certificatePem,
        notBefore: platform.certificateNotBefore,
        notAfter: platform.certificateNotAfter,
      },
    ];
    this.signingSerial = platform.certificateSerial;
  }

  get publicKeyId(): string {
    return this.platform.publicKeyId;
  }

  /** Sets a merchant's mode; `switch` (re)starts the ramp now unless `options.startedAt` says otherwise. */
  setMode(mchid: string, mode: WechatKeyMode, options: WechatSwitchOptions = {}): void {
    const schedule =
      options.ratio !== undefined
        ? checkSwitchSchedule([{ afterMs: 0, ratio: options.ratio }], "switch.ratio")
        : checkSwitchSchedule(options.schedule ?? WECHAT_SWITCH_RAMP, "switch.schedule");
    this.states.set(mchid, {
      mode,
      schedule,
      startedAtMs: (options.startedAt ?? this.clock.now()).getTime(),
      random: options.seed === undefined ? Math.random : seededRandom(options.seed),
    });
  }

  modeOf(mchid: string): WechatKeyMode {
    return this.states.get(mchid)?.mode ?? "platform_certificate";
  }

  /** The share of this merchant's notifications signed with the public key right now. */
  publicKeyRatio(mchid: string): number {
    const state = this.states.get(mchid);
    if (!state || state.mode === "platform_certificate") return 0;
    if (state.mode === "public_key") return 1;
    return ratioAt(state.schedule, this.clock.now().getTime() - state.startedAtMs);
  }

  /** The platform certificate that signs: the newest one issued to sign. */
  get signingCertificate(): PlatformCertificate {
    const signing =
      this.certificates.find((c) => c.serial === this.signingSerial) ??
      this.certificates[this.certificates.length - 1];
    if (!signing) throw new Error("the sandbox holds no platform certificate");
    return signing;
  }

  /** Certificates /v3/certificates lists: every one not yet expired (wire clock, as X.509 validity is). */
  listedCertificates(): readonly PlatformCertificate[] {
    const now = this.wireNow();
    return this.certificates.filter((c) => c.notAfter.getTime() > now);
  }

  /**
   * Issues a new platform certificate that signs from now on (`signing: false`: only published in
   * /v3/certificates, as WeChat publishes a new certificate before it signs with it).
   * `retirePrevious` drops the older ones from /v3/certificates at once (as if they had expired);
   * otherwise they stay listed until they expire.
   */
  rotateCertificate(
    options: { retirePrevious?: boolean; validForMs?: number; signing?: boolean } = {},
  ): PlatformCertificate {
    const keys = generateRsaKeyPair();
    const serial = randomSerial();
    const now = this.wireNow();
    // Each new certificate starts at least a second after the last one (X.509 times are whole
    // seconds), so "the newest" is never a tie, as between WeChat's own issued certificates.
    const latest = Math.max(...this.certificates.map((c) => c.notBefore.getTime()));
    const notBefore = new Date(Math.max(now - 60_000, Math.floor(latest / 1000) * 1000 + 1000));
    const notAfter = new Date(now + (options.validForMs ?? 5 * 365 * 24 * 3600_000));
    const cert: PlatformCertificate = {
      keys,
      serial,
      pem: selfSignedCertificate(keys, {
        serial,
        commonName: "Tenpay.com Root CA (PayBridge sandbox)",
        notBefore,
        notAfter,
      }),
      notBefore,
      notAfter,
    };
    if (options.retirePrevious) this.certificates.splice(0, this.certificates.length);
    this.certificates.push(cert);
    if (options.signing !== false || options.retirePrevious) this.signingSerial = serial;
    return cert;
  }

  /**
   * The key an answer is signed with. `requestSerial` is the request's Wechatpay-Serial header:
   * in switch mode a PUB_KEY_ID_ there asks for public-key answers, anything else (or nothing) for
   * the platform certificate.
   */
  answerSigner(
    merchant: WechatSandboxMerchant | undefined,
    requestSerial: string | undefined,
  ): ResponseSigner {
    if (!merchant) return this.certificateSigner();
    const mode = this.modeOf(merchant.mchid);
    if (mode === "public_key") return this.publicKeySigner();
    if (mode === "switch" && requestSerial === this.platform.publicKeyId) return this.publicKeySigner();
    return this.certificateSigner();
  }

  /** The key one notification is signed with, drawn at the ramp's ratio in switch mode. */
  notificationSigner(merchant: WechatSandboxMerchant): ResponseSigner & { signedWith: SignedWith } {
    const state = this.states.get(merchant.mchid);
    const mode = state?.mode ?? "platform_certificate";
    const usePublicKey =
      mode === "public_key" ||
      (mode === "switch" && state !== undefined && state.random() < this.publicKeyRatio(merchant.mchid));
    return usePublicKey
      ? { ...this.publicKeySigner(), signedWith: "public_key" }
      : { ...this.certificateSigner(), signedWith: "platform_certificate" };
  }

  /**
   * The private key a Wechatpay-Serial names, to decrypt sensitive fields with: the public key's,
   * or a listed certificate's; undefined for any other serial.
   */
  privateKeyFor(serial: string): string | undefined {
    if (serial === this.platform.publicKeyId) return this.platform.publicKeyKeys.privateKey;
    return this.listedCertificates().find((c) => c.serial === serial.toUpperCase())?.keys.privateKey;
  }

  /** Throws RESOURCE_NOT_EXISTS for a merchant in public-key mode, who has no platform certificate. */
  assertHasCertificates(mchid: string): void {
    if (this.modeOf(mchid) === "public_key") {
      // The answer WeChat gives a public-key merchant that asks for certificates.
      throw new WechatEngineError(
        "RESOURCE_NOT_EXISTS",
        "无可用的平台证书,请在商户平台-API安全申请使用微信支付公钥",
      );
    }
  }

  private certificateSigner(): ResponseSigner {
    const cert = this.signingCertificate;
    return { privateKey: cert.keys.privateKey, serial: cert.serial };
  }

  private publicKeySigner(): ResponseSigner {
    return { privateKey: this.platform.publicKeyKeys.privateKey, serial: this.platform.publicKeyId };
  }
}
