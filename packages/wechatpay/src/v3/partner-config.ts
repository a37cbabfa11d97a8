import { z } from "zod";

/**
 * One sub-merchant (子商户 / 特约商户) of a WeChat Pay service provider (服务商). The service
 * provider's own configuration is the ordinary APIv3 one (`mchid` is then sp_mchid, `appid`
 * sp_appid, the keys are the service provider's); a sub-merchant is named by its number and,
 * when its buyers pay inside its own official account / mini-program / app, that app's id.
 * Partner JSAPI下单 (https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-jsapi-prepay.html):
 * sub_mchid string(32) 必填; sub_appid string(32) 选填; payer.sp_openid is the buyer under
 * sp_appid, payer.sub_openid under sub_appid ("sub_openid 需要同时传入 sub_appid").
 */
export const wechatPaySubMerchantSchema = z.strictObject({
  subMchid: z.string().regex(/^\d{6,32}$/, { error: "must be the numeric sub-merchant id (子商户号)" }),
  /**
   * The sub-merchant's own appid. When set, orders carry sub_appid and a JSAPI / mini-program
   * buyer's openid is taken as sub_openid (the buyer's id in this app); without it the openid is
   * sp_openid, under the service provider's appid.
   */
  subAppid: z
    .string()
    .regex(/^[0-9A-Za-z_]{6,32}$/, { error: "must be the appid bound to the sub-merchant" })
    .optional(),
});

export type WechatPaySubMerchant = z.output<typeof wechatPaySubMerchantSchema>;
export type WechatPaySubMerchantInput = z.input<typeof wechatPaySubMerchantSchema>;
