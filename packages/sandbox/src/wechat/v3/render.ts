import { formatBeijingRfc3339 } from "../../shared/time-format.js";
import { refundMoney } from "../engine/promotions.js";
import type { EngineOrder, EngineRefund } from "../engine/types.js";

/**
 * Engine records in the APIv3 wire shape.
 * Transaction: https://pay.weixin.qq.com/doc/v3/merchant/4013070356 (商户订单号查询订单 应答参数).
 * Refund: https://pay.weixin.qq.com/doc/v3/merchant/4012556457 (退款申请 应答参数), also the body of GET /v3/refund/domestic/refunds/{out_refund_no}.
 */
export function renderTransaction(order: Readonly<EngineOrder>): Record<string, unknown> {
  const paid = order.successTime !== undefined;
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.outTradeNo,
    ...(order.transactionId ? { transaction_id: order.transactionId } : {}),
    ...(paid ? { trade_type: order.tradeType } : {}),
    trade_state: order.tradeState,
    trade_state_desc: order.tradeStateDesc,
    ...(order.bankType ? { bank_type: order.bankType } : {}),
    ...(order.attach !== undefined ? { attach: order.attach } : {}),
    ...(order.successTime ? { success_time: formatBeijingRfc3339(order.successTime) } : {}),
    ...(order.payerOpenid ? { payer: { openid: order.payerOpenid } } : {}),
    amount: {
      total: order.totalFen,
      ...(order.payerTotalFen !== undefined ? { payer_total: order.payerTotalFen } : {}),
      currency: order.currency,
      payer_currency: order.currency,
    },
    // promotion_detail (优惠功能): present only when the buyer used a coupon or discount.
    ...(order.promotions.length > 0
      ? {
          promotion_detail: order.promotions.map((p) => ({
            coupon_id: p.couponId,
            name: p.name,
            scope: p.scope,
            type: p.type,
            amount: p.amountFen,
            stock_id: p.stockId,
            wechatpay_contribute: p.wechatpayContributeFen,
            merchant_contribute: p.merchantContributeFen,
            other_contribute: p.otherContributeFen,
            currency: order.currency,
          })),
        }
      : {}),
  };
}

/** The amounts follow the refund page's definitions, see engine/promotions.ts. */
export function renderRefund(refund: Readonly<EngineRefund>): Record<string, unknown> {
  const split = refundMoney(refund);
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: refund.channel,
    user_received_account: refund.userReceivedAccount,
    ...(refund.successTime ? { success_time: formatBeijingRfc3339(refund.successTime) } : {}),
    create_time: formatBeijingRfc3339(refund.createdAt),
    status: refund.status,
    funds_account: refund.fundsAccount,
    amount: {
      total: refund.totalFen,
      refund: refund.refundFen,
      ...(refund.from.length > 0
        ? { from: refund.from.map((f) => ({ account: f.account, amount: f.amountFen })) }
        : {}),
      payer_total: refund.payerTotalFen,
      payer_refund: split.payerRefundFen,
      settlement_refund: split.settlementRefundFen,
      settlement_total: refund.settlementTotalFen,
      discount_refund: split.discountRefundFen,
      currency: refund.currency,
    },
    promotion_detail: refund.promotions.map((p) => ({
      promotion_id: p.promotionId,
      scope: p.scope,
      type: p.type,
      amount: p.amountFen,
      refund_amount: p.refundAmountFen,
    })),
  };
}

/**
 * The decrypted resource of a refund notification (退款结果通知,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791865). Its amount has total, refund,
 * payer_total and payer_refund only: the page lists no promotion_detail, discount_refund or
 * settlement amounts, so a merchant who needs them queries the refund.
 */
export function renderRefundNotice(refund: Readonly<EngineRefund>): Record<string, unknown> {
  return {
    mchid: refund.mchid,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    ...(refund.successTime ? { success_time: formatBeijingRfc3339(refund.successTime) } : {}),
    user_received_account: refund.userReceivedAccount,
    amount: {
      total: refund.totalFen,
      refund: refund.refundFen,
      payer_total: refund.payerTotalFen,
      payer_refund: refundMoney(refund).payerRefundFen,
    },
  };
}
