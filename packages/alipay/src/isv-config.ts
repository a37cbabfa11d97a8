import { z } from "zod";

const sellerIdSchema = z
  .string()
  .regex(/^2088\d{12}$/, { error: "must be an Alipay user id (2088 and 12 digits)" });

/**
 * One merchant that authorised the ISV's (third-party) app (第三方应用授权,
 * https://opendocs.alipay.com/isv/10467/xldcyq). The ISV's own configuration is the ordinary
 * Alipay one (its app id and keys, shared by every authorising merchant); each merchant is named by
 * the app_auth_token the ISV obtained for it, which every call then carries, its app id (the
 * notifications' auth_app_id) and its seller id(s) (the notifications' seller_id).
 */
export const alipaySubMerchantSchema = z.strictObject({
  appAuthToken: z
    .string({ error: "must be the app_auth_token from alipay.open.auth.token.app" })
    .min(16, { error: "must be the app_auth_token from alipay.open.auth.token.app" })
    .max(128, { error: "must be at most 128 characters" })
    .regex(/^[0-9A-Za-z._-]+$/, { error: "must be letters, digits and ._-" }),
  authAppId: z
    .string({ error: "must be a string" })
    .regex(/^\d{6,32}$/, { error: "must be the authorising merchant's app id (digits)" }),
  sellerId: z
    .union([sellerIdSchema, z.array(sellerIdSchema).min(1, { error: "must list at least one seller id" })], {
      error: "must be the merchant's Alipay user id (2088 and 12 digits), or a list of them",
    })
    .transform((v) => (Array.isArray(v) ? v : [v])),
});

export type AlipaySubMerchant = z.output<typeof alipaySubMerchantSchema>;
export type AlipaySubMerchantInput = z.input<typeof alipaySubMerchantSchema>;
