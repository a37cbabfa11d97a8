import { WechatEngineError } from "./errors.js";
import type { WechatLedger } from "./ledger.js";
import type { EngineOrder, EngineRefund, RefundLookup, RefundPage } from "./types.js";

/**
 * Refunds by the keys of v2 refundquery / CloudPay.queryRefund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html): refund_id >
 * out_refund_no > transaction_id > out_trade_no; order keys page through every refund of the
 * order, `limit` (10 by default) at a time from `offset`. APIv3 itself has no such call.
 */
export function queryRefundPage(ledger: WechatLedger, mchid: string, lookup: RefundLookup): RefundPage {
  const limit = lookup.limit ?? 10;
  const offset = lookup.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0)
    throw new WechatEngineError("PARAM_ERROR", "offset 必须是非负整数");
  let matched: EngineRefund[];
  let order: EngineOrder;
  if (lookup.refundId !== undefined || lookup.outRefundNo !== undefined) {
    const refund =
      lookup.refundId !== undefined
        ? ledger.refundById(mchid, lookup.refundId)
        : ledger.refund(mchid, lookup.outRefundNo ?? "");
    if (!refund)
      throw new WechatEngineError("RESOURCE_NOT_EXISTS", "退款单不存在", undefined, "REFUNDNOTEXIST");
    matched = [refund];
    order = ledger.findOrder(mchid, { outTradeNo: refund.outTradeNo }, "RESOURCE_NOT_EXISTS");
  } else if (lookup.transactionId !== undefined || lookup.outTradeNo !== undefined) {
    order = ledger.findOrder(
      mchid,
      lookup.transactionId !== undefined
        ? { transactionId: lookup.transactionId }
        : { outTradeNo: lookup.outTradeNo ?? "" },
      "RESOURCE_NOT_EXISTS",
    );
    matched = ledger.refundsOfOrder(mchid, order.outTradeNo);
    if (matched.length === 0) {
      throw new WechatEngineError("RESOURCE_NOT_EXISTS", "该订单没有退款", undefined, "REFUNDNOTEXIST");
    }
  } else {
    throw new WechatEngineError(
      "PARAM_ERROR",
      "需要 refund_id、out_refund_no、transaction_id 或 out_trade_no 之一",
    );
  }
  // CloudPay.queryRefund: "当商户传入的offset超过total_refund_count，则系统会返回报错PARAM_ERROR".
  if (offset >= matched.length && offset > 0) {
    throw new WechatEngineError("PARAM_ERROR", `offset ${offset} 超过退款总笔数 ${matched.length}`);
  }
  return { order, totalCount: matched.length, offset, refunds: matched.slice(offset, offset + limit) };
}
