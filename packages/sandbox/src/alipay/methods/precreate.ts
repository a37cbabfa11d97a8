import { success } from "../errors.js";
import type { MethodHandler } from "./context.js";
import { openTrade } from "./open-trade.js";

/**
 * alipay.trade.precreate (当面付 扫码支付 预下单), https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate
 * Answers out_trade_no and qr_code. The sandbox's QR content opens its own cashier page, where
 * the "buyer" pays. As live, precreate only issues the code: the trade is created when a buyer
 * scans it (opening the cashier page, the control API's scan or pay), and until then query and
 * close answer ACQ.TRADE_NOT_EXIST ("用户扫码后才创建交易": a merchant must not read that answer as
 * "this order never existed", and the code stays payable until it expires).
 */
export const precreate: MethodHandler = (ctx) => {
  const trade = openTrade(ctx, "alipay.trade.precreate");
  return success({ out_trade_no: trade.outTradeNo, qr_code: `${ctx.origin}/cashier/${trade.tradeNo}` });
};
