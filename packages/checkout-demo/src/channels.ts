import type { BuyerClient, PaymentMethod } from "@paybridge/core";

/** The checkout's pay options; each says how the order is routed and how the buyer pays. */
export const CHANNELS = {
  wechat_native: { label: "WeChat Pay · Native QR", provider: "wechatpay", method: "native" },
  // Inside WeChat's browser: the router picks the WeChat merchant from the buyer's client.
  wechat_jsapi: { label: "WeChat Pay · JSAPI", client: "wechat", method: "jsapi" },
  alipay_qr: { label: "Alipay · QR (precreate)", provider: "alipay", method: "native" },
  alipay_page: { label: "Alipay · page pay", provider: "alipay", method: "page" },
} as const satisfies Record<
  string,
  { label: string; method: PaymentMethod; provider?: string; client?: BuyerClient }
>;

export type Channel = keyof typeof CHANNELS;

export function isChannel(value: unknown): value is Channel {
  return typeof value === "string" && Object.hasOwn(CHANNELS, value);
}
