import { fail, success } from "../errors.js";
import { type MethodHandler, optionalString } from "./context.js";
import { openTrade } from "./open-trade.js";

/**
 * alipay.trade.create (统一收单交易创建, mini-program / JSAPI_PAY),
 * https://opendocs.alipay.com/open/f72f0792_alipay.trade.create
 * Needs the buyer (buyer_id or buyer_open_id); answers trade_no, which the mini-program passes
 * to my.tradePay({ tradeNO }).
 */
export const create: MethodHandler = (ctx) => {
  const buyerId = optionalString(ctx.biz, "buyer_id", 28) ?? optionalString(ctx.biz, "buyer_open_id", 128);
  if (!buyerId) fail("ACQ.INVALID_PARAMETER", "buyer_id 和 buyer_open_id 不能同时为空");
  const trade = openTrade(ctx, "alipay.trade.create", buyerId);
  return success({ out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo });
};
