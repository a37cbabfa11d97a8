import { fenToYuan } from "@paybridge/core";
import { formatBeijing } from "../clock.js";
import { success } from "../errors.js";
import { type MethodHandler, requiredString, tradeRef } from "./context.js";

/**
 * alipay.trade.fastpay.refund.query (统一收单交易退款查询), https://opendocs.alipay.com/open/02ekfl
 * Code 10000 only means the query ran: refund data (refund_status REFUND_SUCCESS, refund_amount)
 * is returned only when that refund succeeded; no data means "not refunded, retry the refund with
 * the same out_request_no". gmt_refund_pay only when query_options asks for it.
 * Errors: ACQ.TRADE_NOT_EXIST, ACQ.INVALID_PARAMETER, ACQ.SYSTEM_ERROR.
 */
export const refundQuery: MethodHandler = (ctx) => {
  const trade = ctx.ledger.require(tradeRef(ctx.biz), ctx.clock.now());
  const outRequestNo = requiredString(ctx.biz, "out_request_no", 64);
  const found = trade.refunds.get(outRequestNo);
  if (!found) return success();
  const options = Array.isArray(ctx.biz.query_options) ? (ctx.biz.query_options as unknown[]) : [];
  return success({
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    out_request_no: outRequestNo,
    total_amount: fenToYuan(trade.totalFen),
    refund_amount: fenToYuan(found.amountFen),
    refund_status: "REFUND_SUCCESS",
    ...(options.includes("gmt_refund_pay") ? { gmt_refund_pay: formatBeijing(found.at) } : {}),
  });
};
