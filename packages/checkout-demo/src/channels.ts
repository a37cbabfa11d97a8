import type { BuyerClient, PaymentMethod } from "@paybridge/core";

/**
 * The checkout's pay options; each says how the order is routed and how the buyer pays. `client`
 * lets the gateway's router (routeByClient) pick the merchant; `provider` names it directly.
 */
export const CHANNELS = {
  wechat_native: { label: "WeChat Pay · Native QR", provider: "wechatpay", method: "native" },
  // Inside WeChat's browser: the router picks the WeChat merchant from the buyer's client.
  wechat_jsapi: { label: "WeChat Pay · JSAPI", client: "wechat", method: "jsapi" },
  wechat_h5: { label: "WeChat Pay · H5", provider: "wechatpay", method: "h5" },
  alipay_qr: { label: "Alipay · QR (precreate)", provider: "alipay", method: "native" },
  alipay_page: { label: "Alipay · page pay", provider: "alipay", method: "page" },
  alipay_wap: { label: "Alipay · wap pay", provider: "alipay", method: "h5" },
  // Inside the Alipay app's browser: routed by client, paid through wap pay.
  alipay_wap_in_app: { label: "Alipay · in the Alipay app", client: "alipay", method: "h5" },
} as const satisfies Record<
  string,
  { label: string; method: PaymentMethod; provider?: string; client?: BuyerClient }
>;

export type Channel = keyof typeof CHANNELS;

export function isChannel(value: unknown): value is Channel {
  return typeof value === "string" && Object.hasOwn(CHANNELS, value);
}
