import { success } from "../errors.js";
import { type MethodHandler, tradeRef } from "./context.js";

/**
 * alipay.trade.cancel (统一收单交易撤销), https://opendocs.alipay.com/open/02ekfi
 * Unpaid: closed (action "close"); paid and never refunded: refunded in full (action "refund").
 * Errors: ACQ.TRADE_NOT_EXIST, ACQ.TRADE_CANCEL_TIME_OUT, ACQ.TRADE_HAS_FINISHED,
 * ACQ.REASON_TRADE_REFUND_FEE_ERR (already refunded), ACQ.SELLER_BALANCE_NOT_ENOUGH, ACQ.SYSTEM_ERROR.
 */
export const cancel: MethodHandler = (ctx) => {
  const now = ctx.clock.now();
  const trade = ctx.ledger.require(tradeRef(ctx.biz), now);
  const action = ctx.ledger.cancel(trade, now);
  return success({ trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, retry_flag: "N", action });
};
