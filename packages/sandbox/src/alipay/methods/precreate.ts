import { success } from "../errors.js";
import type { MethodHandler } from "./context.js";
import { openTrade } from "./open-trade.js";

/**
 * alipay.trade.precreate (当面付 扫码支付 预下单), https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate
 * Answers out_trade_no and qr_code. The sandbox's QR content opens its own cashier page, where
 * the "buyer" pays. Simplification: the trade exists from precreate on (Alipay creates it when
 * the code is scanned), so a query right after precreate answers WAIT_BUYER_PAY.
 */
export const precreate: MethodHandler = (ctx) => {
  const trade = openTrade(ctx, "alipay.trade.precreate");
  return success({ out_trade_no: trade.outTradeNo, qr_code: `${ctx.origin}/cashier/${trade.tradeNo}` });
};
