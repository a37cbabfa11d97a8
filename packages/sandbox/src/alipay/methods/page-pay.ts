import type { SandboxTrade } from "../ledger.js";
import type { MethodContext } from "./context.js";
import { openTrade } from "./open-trade.js";

/**
 * Pay APIs whose request the merchant's client carries to Alipay instead of the merchant's server:
 * - alipay.trade.page.pay (电脑网站支付, FAST_INSTANT_TRADE_PAY), https://opendocs.alipay.com/open/59da99d0_alipay.trade.page.pay
 * - alipay.trade.wap.pay (手机网站支付, QUICK_WAP_WAY), https://opendocs.alipay.com/open/29ae8cb6_alipay.trade.wap.pay
 * - alipay.trade.app.pay (APP支付, QUICK_MSECURITY_PAY), https://opendocs.alipay.com/open/cd12c885_alipay.trade.app.pay
 * The signed request (a URL, a form or an order string) opens the cashier; the trade exists from then on.
 */
export const CLIENT_PAY_METHODS = {
  "alipay.trade.page.pay": "FAST_INSTANT_TRADE_PAY",
  "alipay.trade.wap.pay": "QUICK_WAP_WAY",
  "alipay.trade.app.pay": "QUICK_MSECURITY_PAY",
} as const;
export type ClientPayMethod = keyof typeof CLIENT_PAY_METHODS;

export function isClientPayMethod(method: string): method is ClientPayMethod {
  return Object.hasOwn(CLIENT_PAY_METHODS, method);
}

export function openClientTrade(ctx: MethodContext, method: ClientPayMethod): SandboxTrade {
  return openTrade(ctx, method);
}
