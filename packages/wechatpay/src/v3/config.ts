import { Agent } from "node:http";
import { keySourceSchema, notifyUrlSchema, proxyUrlSchema } from "@paybridge/core/provider-kit";
import { z } from "zod";
import { wechatNotifyUrlRule } from "../shared/field-rules.js";

/** APIv3 hosts (https://pay.weixin.qq.com/doc/v3/merchant/4012556457 请求域名): the main host routes to the nearest access point, api2 to another region. */
export const WECHATPAY_ORIGINS = {
  production: "https://api.mch.weixin.qq.com",
  backup: "https://api2.mch.weixin.qq.com",
} as const;

/** A PEM from any key source (text, Buffer, { file }, { env }): see KeySource. */
const pem = (label: string) =>
  keySourceSchema().pipe(
    z
      .string({ error: "must be a PEM string" })
      .refine((v) => v.includes(`-----BEGIN ${label}`) || v.includes(`-----BEGIN RSA ${label}`), {
        error: `must be a PEM ${label.toLowerCase()} (-----BEGIN ${label}-----)`,
      }),
  );

const publicKeyId = z
  .string()
  .regex(/^PUB_KEY_ID_[0-9A-Za-z]+$/, { error: "must look like PUB_KEY_ID_0112..." });

/**
 * How responses and notifications are verified (https://pay.weixin.qq.com/doc/v3/merchant/4013038816):
 * - `platform_certificate`: certificates downloaded from /v3/certificates (decrypted with the APIv3 key);
 * - `public_key`: the WeChat Pay public key with its id PUB_KEY_ID_... from the merchant platform;
 *   /v3/certificates is never called (new merchants have no certificate);
 * - `combined`: both at once, for the days of a switch from certificates to the public key
 *   (https://pay.weixin.qq.com/doc/v3/merchant/4012154180), when WeChat signs notifications with
 *   either at random. Each answer and notification is verified with the key its Wechatpay-Serial
 *   names. `requestSerial` picks the Wechatpay-Serial requests carry, which is the key WeChat signs
 *   answers with and the key sensitive fields are encrypted with (default: the public key).
 */
export const wechatKeyModeSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("platform_certificate") }),
  z.strictObject({
    type: z.literal("public_key"),
    publicKeyId,
    publicKey: pem("PUBLIC KEY"),
  }),
  z.strictObject({
    type: z.literal("combined"),
    publicKeyId,
    publicKey: pem("PUBLIC KEY"),
    requestSerial: z
      .enum(["public_key", "platform_certificate"], {
        error: "must be public_key or platform_certificate",
      })
      .default("public_key"),
  }),
]);
export type WechatKeyModeConfig = z.output<typeof wechatKeyModeSchema>;

export const wechatPayV3ConfigSchema = z
  .strictObject({
    mchid: z.string().regex(/^\d{6,32}$/, { error: "must be the numeric merchant id (商户号)" }),
    appid: z.string().regex(/^[0-9A-Za-z_]{6,32}$/, { error: "must be the appid bound to the merchant" }),
    /** Serial of the merchant API certificate (商户API证书序列号), hex. */
    merchantSerialNo: z
      .string()
      .regex(/^[0-9A-Fa-f]{8,64}$/, { error: "must be the hex certificate serial" }),
    /** apiclient_key.pem. */
    privateKey: pem("PRIVATE KEY"),
    /** The 32-byte APIv3 key (APIv3密钥), used to decrypt notifications and certificates. */
    apiV3Key: keySourceSchema().pipe(
      z.string().trim().length(32, { error: "must be exactly 32 characters" }),
    ),
    keyMode: wechatKeyModeSchema,
    /** Production, the api2 backup host, or a sandbox at http://127.0.0.1:PORT. */
    origin: z
      .string()
      .refine(
        (v) => /^https:\/\/[^/]+$/.test(v) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(v),
        {
          error: "must be an https origin without a path (http only on loopback, for the sandbox)",
        },
      )
      .default(WECHATPAY_ORIGINS.production),
    /**
     * Default refund notify_url; payments name theirs per call. WeChat's rules apply (https, at most
     * 256 bytes, no query string): see `wechatNotifyUrlRule`, checked with the whole config.
     */
    notifyUrl: notifyUrlSchema.optional(),
    /**
     * Accept plain-http notify URLs on loopback hosts (127.0.0.0/8, localhost, [::1]) for payments
     * and refunds. Only for a local sandbox (which needs its own `allowLoopbackHttpNotify` too):
     * WeChat itself requires https. Off by default.
     */
    allowLoopbackHttpNotify: z.boolean({ error: "must be true or false" }).default(false),
    /** Give up on a call after this long; the outcome is then unknown (OutcomeUnknownError). */
    timeoutMs: z.number().int().positive().max(120_000).default(10_000),
    /**
     * An HTTP forward proxy every APIv3 call goes through (`http://user:password@proxy:3128`): https
     * calls cross it as a CONNECT tunnel, so TLS and the signatures stay end to end. Not with `agent`.
     */
    proxy: proxyUrlSchema.optional(),
    /**
     * The node:http(s) Agent the calls use instead (keep-alive, a corporate CA, a SOCKS or PAC agent
     * such as proxy-agent's). Not with `proxy`.
     */
    agent: z
      .custom<Agent>((v) => v instanceof Agent, { error: "must be an http.Agent or https.Agent instance" })
      .optional(),
    /** Platform certificate lifecycle (platform_certificate and combined modes). */
    certificates: z
      .strictObject({
        /**
         * Download /v3/certificates again this long after the last download (default 12 h), so a new
         * certificate WeChat publishes ahead of a rotation is held before it signs anything.
         */
        refreshIntervalMs: z
          .number()
          .int()
          .min(60_000, { error: "must be at least 60000 (one minute)" })
          .default(12 * 3600_000),
        /**
         * After a download that did not contain an unknown serial, answers and notifications naming
         * unknown serials are rejected without another download for this long (default 60 s): WeChat
         * itself sends signature probes with unknown serials, and a forger must not make the merchant
         * hammer /v3/certificates.
         */
        missCooldownMs: z.number().int().min(0).default(60_000),
      })
      .prefault({}),
    /** Response and notification timestamps further than this from now are rejected (WeChat: 5 minutes). */
    signatureWindowMs: z
      .number()
      .int()
      .positive()
      .default(5 * 60_000),
  })
  .superRefine((config, ctx) => {
    if (config.proxy !== undefined && config.agent !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["agent"],
        message: "give proxy or agent, not both (an agent decides its own route)",
      });
    }
    if (config.notifyUrl === undefined) return;
    const checked = wechatNotifyUrlRule(config.allowLoopbackHttpNotify).safeParse(config.notifyUrl);
    for (const issue of checked.error?.issues ?? [])
      ctx.addIssue({ code: "custom", path: ["notifyUrl"], message: issue.message });
  });

export type WechatPayV3Config = z.output<typeof wechatPayV3ConfigSchema>;
export type WechatPayV3ConfigInput = z.input<typeof wechatPayV3ConfigSchema>;
