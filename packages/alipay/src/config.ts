import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { httpsOrLoopbackUrlSchema, keySourceSchema, proxyUrlSchema } from "@paybridge/core/provider-kit";
import type { ProxyAgent } from "alipay-sdk";
import { z } from "zod";

/** Accepts PEM (any header) or the bare base64 the Alipay key tool prints; yields a KeyObject or undefined. */
function readKey(text: string, kind: "private" | "public"): KeyObject | undefined {
  const attempts: (() => KeyObject)[] = text.includes("-----BEGIN")
    ? [() => (kind === "private" ? createPrivateKey(text) : createPublicKey(text))]
    : (["pkcs8", "pkcs1", "spki"] as const).map((type) => () => {
        const der = Buffer.from(text.replace(/\s+/g, ""), "base64");
        return kind === "private"
          ? createPrivateKey({ key: der, format: "der", type: type === "spki" ? "pkcs8" : type })
          : createPublicKey({ key: der, format: "der", type: type === "pkcs8" ? "spki" : type });
      });
  for (const attempt of attempts) {
    try {
      const key = attempt();
      return key.asymmetricKeyType === "rsa" ? key : undefined;
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

// Every key and certificate can come from a KeySource (text, Buffer, { file }, { env }).
const privateKeySchema = keySourceSchema().pipe(
  z
    .string({ error: "must be the app's RSA private key (PEM or base64)" })
    .min(1, { error: "must not be empty" })
    .refine((v) => readKey(v, "private") !== undefined, {
      error: "is not an RSA private key (PEM or base64 PKCS#1/PKCS#8)",
    })
    // One form for alipay-sdk: PKCS#8 PEM (passed with keyType PKCS8).
    .transform((v) =>
      (readKey(v, "private") as KeyObject).export({ type: "pkcs8", format: "pem" }).toString(),
    ),
);

const publicKeySchema = keySourceSchema().pipe(
  z
    .string({ error: "must be Alipay's RSA public key (PEM or base64)" })
    .min(1, { error: "must not be empty" })
    .refine((v) => readKey(v, "public") !== undefined, { error: "is not an RSA public key (PEM or base64)" })
    .transform((v) => (readKey(v, "public") as KeyObject).export({ type: "spki", format: "pem" }).toString()),
);

const certificateSchema = keySourceSchema().pipe(
  z
    .string({ error: "must be PEM certificate text" })
    .refine((v) => v.includes("-----BEGIN CERTIFICATE-----"), { error: "must contain a PEM certificate" }),
);

/**
 * Key modes of the Alipay open platform (https://opendocs.alipay.com/common/02kdnc 接口加签方式):
 * public-key mode (公钥模式: the app's private key + Alipay's public key) or public-key-certificate
 * mode (公钥证书模式: app certificate, Alipay public-key certificate and Alipay root certificate).
 */
export const alipayKeyModeSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("public_key"), alipayPublicKey: publicKeySchema }),
    z.strictObject({
      type: z.literal("certificate"),
      appCertContent: certificateSchema,
      alipayPublicCertContent: certificateSchema,
      alipayRootCertContent: certificateSchema,
    }),
  ],
  {
    error:
      'must be {type: "public_key", alipayPublicKey} or {type: "certificate", appCertContent, alipayPublicCertContent, alipayRootCertContent}',
  },
);

const sellerIdSchema = z
  .string({ error: "must be the seller's Alipay user id" })
  .regex(/^2088\d{12}$/, { error: "must be the seller's Alipay user id (2088 and 12 digits)" });

export const alipayConfigSchema = z
  .strictObject({
    /** The app id (APPID) from the Alipay open platform. */
    appId: z
      .string({ error: "must be a string" })
      .regex(/^\d{6,32}$/, { error: "must be the Alipay app id (digits)" }),
    /**
     * The seller's Alipay user id (PID, 2088 and 12 digits), or every PID that sells through this
     * app. The notification page (https://opendocs.alipay.com/open/203/105286, 异步通知 商户需要验证的项)
     * requires checking that a notification's seller_id is the seller of the order: one app can
     * serve several sellers, and a genuinely signed notification for another seller is not this one's.
     */
    sellerId: z
      .union(
        [sellerIdSchema, z.array(sellerIdSchema).min(1, { error: "must list at least one seller id" })],
        {
          error: "must be the seller's Alipay user id (2088 and 12 digits), or a list of them",
        },
      )
      .transform((v) => (Array.isArray(v) ? v : [v])),
    /** The app's RSA2 private key. */
    privateKey: privateKeySchema,
    keyMode: alipayKeyModeSchema,
    /**
     * Certificate mode: rotated Alipay certificates are fetched by SN (see docs/providers/alipay.md,
     * certificate rotation). After a download that failed or was refused (the SN unknown to Alipay,
     * or a certificate that does not chain to alipayRootCertContent), answers naming SNs not held are
     * refused without another download for missCooldownMs (default 60 s), so forged SNs cannot make
     * the merchant download on every answer.
     */
    certificates: z
      .strictObject({
        missCooldownMs: z
          .number({ error: "must be a number of ms" })
          .int({ error: "must be whole ms" })
          .min(0, { error: "must not be negative" })
          .default(60_000),
      })
      .prefault({}),
    /** OpenAPI 2.0 gateway; the sandbox's http://127.0.0.1:PORT/gateway.do in tests. */
    gateway: httpsOrLoopbackUrlSchema.default("https://openapi.alipay.com/gateway.do"),
    /** OpenAPI 3.0 endpoint (alipay-sdk `endpoint`). */
    endpoint: z
      .string()
      .url({ error: "must be an absolute URL" })
      .refine(
        (u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(u),
        {
          error: "must be https (http only on loopback, for the sandbox)",
        },
      )
      .default("https://openapi.alipay.com"),
    /** Days after payment during which refunds are accepted: the window in the merchant's contract. */
    refundWindowDays: z
      .number()
      .int({ error: "must be whole days" })
      .positive({ error: "must be positive" })
      .default(365),
    /** How long one gateway call may take before it is reported as OutcomeUnknownError. */
    timeoutMs: z.number().int().positive().max(120_000).default(5000),
    /**
     * Older products only: read a refund query answer that carries refund data but no
     * refund_status as a successful refund, as the older alipay.trade.fastpay.refund.query page
     * said. Default false: the current page (https://opendocs.alipay.com/open/02ekfl) says a refund
     * succeeded only when refund_status is REFUND_SUCCESS. Turn it on only when Alipay confirms your
     * product never sends refund_status: otherwise a refund that has not succeeded reads as done.
     */
    legacyRefundQuery: z.boolean({ error: "must be true or false" }).default(false),
    /** page / wap pay as a link to open (GET) or an auto-submitting HTML form (POST). */
    pageAction: z.enum(["redirect", "html_form"]).default("redirect"),
    /**
     * An HTTP forward proxy every call goes through (`http://user:password@proxy:3128`): gateway
     * calls, certificate downloads and bill downloads. Given to alipay-sdk as its `proxyAgent` (an
     * undici ProxyAgent); https calls cross it as a CONNECT tunnel. Not with `proxyAgent`.
     */
    proxy: proxyUrlSchema.optional(),
    /**
     * alipay-sdk's own `proxyAgent` option: an undici Dispatcher, such as `new ProxyAgent({ uri,
     * token, requestTls })` from alipay-sdk, for what a URL cannot say. Not with `proxy`.
     */
    proxyAgent: z
      .custom<ProxyAgent>((v) => typeof (v as { dispatch?: unknown } | null)?.dispatch === "function", {
        error: "must be an undici Dispatcher such as alipay-sdk's ProxyAgent",
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    if (config.proxy !== undefined && config.proxyAgent !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["proxyAgent"],
        message: "give proxy or proxyAgent, not both (an agent decides its own route)",
      });
    }
  });

export type AlipayConfigInput = z.input<typeof alipayConfigSchema>;
export type AlipayConfig = z.output<typeof alipayConfigSchema>;
