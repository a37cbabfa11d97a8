import { orderMoney } from "../../wechat/engine/promotions.js";
import { optInt, optStr, str } from "../params.js";
import { renderRefundItem } from "../wire.js";
import type { CloudPayResultMethod } from "./context.js";
import { head } from "./envelope.js";

/** CloudPay.queryRefund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html): at most 10 refunds per answer, offset paging, key priority decided by the engine. */
export const queryRefund: CloudPayResultMethod = (ctx, p) => {
  const subMchId = str(p, "sub_mch_id", 32);
  str(p, "nonce_str", 32);
  const offset = optInt(p, "offset");
  const page = ctx.engine.queryRefunds(subMchId, {
    refundId: optStr(p, "refund_id", 32),
    outRefundNo: optStr(p, "out_refund_no", 64),
    transactionId: optStr(p, "transaction_id", 32),
    outTradeNo: optStr(p, "out_trade_no", 32),
    offset,
    limit: 10,
  });
  const order = page.order;
  let items: Record<string, unknown> = {};
  page.refunds.forEach((r, n) => {
    items = { ...items, ...renderRefundItem(r, n) };
  });
  return {
    ...head(ctx, subMchId),
    transaction_id: order.transactionId,
    out_trade_no: order.outTradeNo,
    total_fee: order.totalFen,
    fee_type: order.currency,
    cash_fee: order.payerTotalFen ?? order.totalFen,
    ...(orderMoney(order).settlementTotalFen !== order.totalFen
      ? { settlement_total_fee: orderMoney(order).settlementTotalFen }
      : {}),
    refund_count: page.refunds.length,
    // "订单总共已发生的部分退款次数，当请求参数传入offset后有返回" (CloudPay.queryRefund).
    ...(offset !== undefined ? { total_refund_count: page.totalCount } : {}),
    ...items,
  };
};
