import { formatYuan } from "../../shared/yuan.js";
import { formatBeijing } from "../clock.js";
import { sendBackFen } from "../discounts.js";
import { success } from "../errors.js";
import { type MethodHandler, requiredString, tradeRef } from "./context.js";
import { refundPresentFields } from "./refund.js";

/**
 * alipay.trade.fastpay.refund.query (统一收单交易退款查询), https://opendocs.alipay.com/open/02ekfl
 * Code 10000 only means the query ran. The current page: the refund succeeded only when the answer
 * carries refund_status REFUND_SUCCESS ("未返回该字段表示退款请求未收到或者退款失败"); an unknown
 * out_request_no answers 10000 with no refund data ("not refunded, retry the refund with the same
 * out_request_no"). Older products answered a done refund with its data and no refund_status;
 * `refundQueryOmitsStatus` plays those. The page also asks for 10 s or more between the refund
 * request and its query ("发起退款查询接口的时间不能离退款请求时间太短，建议之间间隔10秒以上"):
 * `refundQuerySettleMs` plays a gateway that has not yet recorded the refund that soon, answering
 * without refund data, so a client that queries too early is caught (it must resend the same
 * out_request_no and amount, never give up on or replace the refund).
 * gmt_refund_pay only when query_options asks for it.
 * Errors: ACQ.TRADE_NOT_EXIST, ACQ.INVALID_PARAMETER, ACQ.SYSTEM_ERROR.
 */
export const refundQuery: MethodHandler = (ctx) => {
  const trade = ctx.ledger.require(tradeRef(ctx.biz), ctx.clock.now());
  const outRequestNo = requiredString(ctx.biz, "out_request_no", 64);
  const found = trade.refunds.get(outRequestNo);
  if (!found) return success();
  if (ctx.clock.now().getTime() - found.at.getTime() < ctx.refundQuerySettleMs) return success();
  const options = Array.isArray(ctx.biz.query_options) ? (ctx.biz.query_options as unknown[]) : [];
  return success({
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    out_request_no: outRequestNo,
    total_amount: formatYuan(trade.totalFen),
    refund_amount: formatYuan(found.amountFen),
    ...(ctx.refundQueryOmitsStatus ? {} : { refund_status: "REFUND_SUCCESS" }),
    ...(options.includes("gmt_refund_pay") ? { gmt_refund_pay: formatBeijing(found.at) } : {}),
    send_back_fee: formatYuan(sendBackFen(found.amountFen, found.share)),
    ...refundPresentFields(found.share),
  });
};
