import type { ShopOrder } from "../order-book.js";
import type { ShopWorld } from "../world.js";

/**
 * Sandbox only: plays the buyer at the simulator, as scanning the QR code, opening the H5 link or
 * confirming in the wallet would. Alipay creates page and wap trades only when the buyer's browser
 * opens the pay link, so the link is opened first.
 */
export async function sandboxPay(world: ShopWorld, order: ShopOrder): Promise<void> {
  if (order.provider === "alipay") {
    if (order.action.type === "redirect") await fetch(order.action.url);
    await world.buyer.pay("alipay", order.outTradeNo);
  } else await world.buyer.pay("wechat", order.outTradeNo);
}

/**
 * Sandbox only: the buyer's payment fails (WeChat PAYERROR, for example a frozen card). The
 * simulator sends no notification for it, so the shop asks the provider, as its query job would.
 */
export async function sandboxFail(world: ShopWorld, order: ShopOrder): Promise<void> {
  await world.buyer.failWechat(order.outTradeNo, "card frozen");
  world.orders.applyTrade(
    await world.gateway.forMerchant(order.merchantId).queryPayment({ outTradeNo: order.outTradeNo }),
  );
}
