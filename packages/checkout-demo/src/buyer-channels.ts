import type { BuyerClient } from "@paybridge/core";
import type { Channel } from "./channels.js";

/**
 * The pay options a cashier offers by the buyer's client, as a shop's injector routes them:
 * inside WeChat only WeChat Pay can run (JSAPI); inside Alipay only Alipay (wap pay); a phone
 * browser leaves for the wallet app (WeChat H5, Alipay wap); a desktop shows a QR code for each
 * wallet to scan (WeChat Native, Alipay precreate).
 */
export const CHANNELS_BY_CLIENT = {
  wechat: ["wechat_jsapi"],
  alipay: ["alipay_wap_in_app"],
  mobile: ["wechat_h5", "alipay_wap"],
  desktop: ["wechat_native", "alipay_qr"],
} as const satisfies Record<BuyerClient, readonly Channel[]>;
