import { success } from "../errors.js";
import { type MethodHandler, tradeRef } from "./context.js";

/**
 * alipay.trade.cancel (统一收单交易撤销), https://opendocs.alipay.com/open/02ekfi
 * Unpaid: closed (action "close"); paid and never refunded: refunded in full (action "refund").
 * A trade that was never created (a payment whose alipay.trade.pay never reached Alipay, then
 * cancelled by out_trade_no as the 当面付 loop does) is answered 10000 with retry_flag N and no
 * action: the page's action is "接口调用成功且交易存在时返回 ... 未返回:未查询到交易,或接口调用失败"
 * (the same text is in the official SDK's generated AlipayTradeCancelResponse), and its error
 * table has no ACQ.TRADE_NOT_EXIST. Nothing is created: a query still answers ACQ.TRADE_NOT_EXIST.
 * Named by an unknown trade_no alone it stays ACQ.TRADE_NOT_EXIST, as integrators report the live
 * gateway answering (a trade_no is Alipay's own, so one it never issued is a wrong number).
 * Errors: ACQ.TRADE_NOT_EXIST (trade_no only), ACQ.TRADE_CANCEL_TIME_OUT, ACQ.TRADE_HAS_FINISHED,
 * ACQ.REASON_TRADE_REFUND_FEE_ERR (already refunded), ACQ.SELLER_BALANCE_NOT_ENOUGH, ACQ.SYSTEM_ERROR.
 */
export const cancel: MethodHandler = (ctx) => {
  const now = ctx.clock.now();
  const ref = tradeRef(ctx.biz);
  if (ref.tradeNo === undefined && ref.outTradeNo !== undefined && ctx.ledger.find(ref, now) === undefined) {
    return success({ out_trade_no: ref.outTradeNo, retry_flag: "N" });
  }
  const trade = ctx.ledger.require(ref, now);
  const action = ctx.ledger.cancel(trade, now);
  return success({ trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, retry_flag: "N", action });
};
