import { formatYuan } from "../../shared/yuan.js";
import { formatBeijing } from "../clock.js";
import { type RefundDiscountShare, sendBackFen } from "../discounts.js";
import { success } from "../errors.js";
import { amountFen, type MethodHandler, optionalString, tradeRef } from "./context.js";

/**
 * alipay.trade.refund (统一收单交易退款), https://opendocs.alipay.com/open/02ekfk
 * Synchronous: fund_change "Y" means this call refunded; "N" means the same out_request_no was
 * already refunded (no money moved). refund_fee is the trade's total refunded so far.
 * out_request_no defaults to out_trade_no ("如需部分退款，则此参数必传").
 * Errors: ACQ.TRADE_NOT_EXIST, ACQ.TRADE_STATUS_ERROR, ACQ.TRADE_HAS_FINISHED,
 * ACQ.REFUND_AMT_NOT_EQUAL_TOTAL, ACQ.SELLER_BALANCE_NOT_ENOUGH, ACQ.DISCORDANT_REPEAT_REQUEST,
 * ACQ.REASON_TRADE_REFUND_FEE_ERR, ACQ.INVALID_PARAMETER, ACQ.SYSTEM_ERROR.
 */
export const refund: MethodHandler = (ctx) => {
  const now = ctx.clock.now();
  const trade = ctx.ledger.require(tradeRef(ctx.biz), now);
  const outRequestNo = optionalString(ctx.biz, "out_request_no", 64) ?? trade.outTradeNo;
  const { refund: done, fundChange } = ctx.ledger.refund(
    trade,
    {
      outRequestNo,
      amountFen: amountFen(ctx.biz, "refund_amount"),
      reason: optionalString(ctx.biz, "refund_reason", 256),
    },
    now,
  );
  return success({
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    buyer_logon_id: trade.buyerLogonId,
    buyer_user_id: trade.buyerId,
    fund_change: fundChange ? "Y" : "N",
    refund_fee: formatYuan(trade.refundedFen),
    send_back_fee: formatYuan(sendBackFen(done.amountFen, done.share)),
    gmt_refund_pay: formatBeijing(done.at),
    ...refundPresentFields(done.share),
  });
};

/**
 * The present_refund_* amounts of this refund (alipay.trade.refund, https://opendocs.alipay.com/open/02ekfk;
 * also alipay.trade.fastpay.refund.query, https://opendocs.alipay.com/open/02ekfl).
 */
export function refundPresentFields(share: RefundDiscountShare): Record<string, string> {
  return {
    present_refund_buyer_amount: formatYuan(share.buyerFen),
    present_refund_discount_amount: formatYuan(share.discountFen),
    present_refund_mdiscount_amount: formatYuan(share.mdiscountFen),
  };
}
