/**
 * Column names of WeChat Pay's trade bill. APIv3 (https://pay.weixin.qq.com/doc/v3/merchant/4012556654,
 * file format at https://pay.weixin.qq.com/wiki/doc/apiv3/apis/chapter7_3_9.shtml) and the v2
 * downloadbill that CloudPay.downloadBill wraps use the same layout with a few names changed
 * (v2 "总金额" is v3 "应结订单金额"), so columns are found by name, never by position.
 */
export const TRADE_BILL_COLUMNS = {
  time: ["交易时间"],
  transactionId: ["微信订单号"],
  outTradeNo: ["商户订单号"],
  tradeState: ["交易状态"],
  currency: ["货币种类"],
  settlementAmount: ["应结订单金额", "总金额"],
  outRefundNo: ["商户退款单号"],
  refundId: ["微信退款单号"],
  refundAmount: ["退款金额"],
  refundStatus: ["退款状态"],
  fee: ["手续费"],
} as const;

export type TradeBillColumn = keyof typeof TRADE_BILL_COLUMNS;

/**
 * Columns only the newer layout has (v3 and v2 merchants with 免充值 coupons enabled): the order and
 * requested refund amounts beside the settlement ones, and the coupon amounts. Optional: an early
 * layout bill (CloudPay's) has none of them.
 */
export const OPTIONAL_TRADE_BILL_COLUMNS = {
  orderAmount: ["订单金额"],
  requestedRefund: ["申请退款金额"],
  coupon: ["代金券金额", "代金券或立减优惠金额"],
  couponRefund: ["充值券退款金额", "代金券或立减优惠退款金额"],
} as const;

export type OptionalTradeBillColumn = keyof typeof OPTIONAL_TRADE_BILL_COLUMNS;

/** First cell of the summary header that follows the detail rows. */
export const SUMMARY_FIRST = "总交易单数";

export const SUMMARY_COLUMNS = {
  records: "总交易单数",
  settlementTotal: "应结订单总金额",
  refundTotal: "退款总金额",
  feeTotal: "手续费总金额",
} as const;
