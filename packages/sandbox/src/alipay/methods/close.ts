import { success } from "../errors.js";
import { type MethodHandler, tradeRef } from "./context.js";

/**
 * alipay.trade.close (统一收单交易关闭), https://opendocs.alipay.com/open/02o6e7
 * Only a trade waiting for payment can be closed; otherwise ACQ.TRADE_STATUS_ERROR.
 * Errors: ACQ.TRADE_NOT_EXIST, ACQ.TRADE_STATUS_ERROR, ACQ.INVALID_PARAMETER, ACQ.SYSTEM_ERROR.
 */
export const close: MethodHandler = (ctx) => {
  const now = ctx.clock.now();
  const trade = ctx.ledger.require(tradeRef(ctx.biz), now);
  ctx.ledger.close(trade, now);
  return success({ trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo });
};
