import type { MerchantAccount } from "../provider/contract.js";
import type { PaymentMethod } from "../schemas/payment.js";

/** Where the buyer is paying from, as far as the backend can tell. */
export type BuyerClient = "wechat" | "alipay" | "mobile" | "desktop";

/** What the gateway knows about an order when it picks the merchant account that serves it. */
export interface OrderRoute {
  readonly outTradeNo?: string;
  /** The merchant account already chosen for the order (always set once the order exists). */
  readonly merchantId?: string;
  /** The provider the buyer chose ("wechatpay", "alipay"). */
  readonly provider?: string;
  readonly method?: PaymentMethod;
  readonly client?: BuyerClient;
  /** Anything else a custom router wants: region, shop, amount. */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** A user-supplied routing function: returns a merchant account id, or undefined to fall through. */
export type Router = (order: OrderRoute, merchants: readonly MerchantAccount[]) => string | undefined;

/** Tells the buyer's client from a User-Agent: WeChat's in-app browser and Alipay's say so. */
export function detectClient(userAgent: string | undefined): BuyerClient {
  const ua = userAgent ?? "";
  if (/MicroMessenger/i.test(ua)) return "wechat";
  if (/AlipayClient/i.test(ua)) return "alipay";
  if (/Mobile|Android|iPhone|iPad/i.test(ua)) return "mobile";
  return "desktop";
}

/**
 * A router by client: inside WeChat -> the WeChat merchant (JSAPI), inside Alipay -> the Alipay
 * merchant; elsewhere the order's chosen provider decides (falls through).
 */
export function routeByClient(map: Partial<Record<BuyerClient, string>>): Router {
  return (order) => (order.client ? map[order.client] : undefined);
}
