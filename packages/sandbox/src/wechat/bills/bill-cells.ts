import type { EngineOrder, EngineRefund } from "../engine/types.js";

/**
 * The cells from 交易状态 to 费率 that WeChat's v3 trade bill and the v2 / CloudPay downloadBill
 * layout share, for a payment line and for a refund line (format-trade page:
 * https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-trade.html). Amounts are
 * already rendered as yuan by the caller's own formatter; `coupon` is 代金券金额 (every coupon and
 * discount on the order).
 */
export function paymentCells(
  o: Readonly<EngineOrder>,
  amount: string,
  fee: string,
  coupon = "0.00",
): string[] {
  return [
    "SUCCESS",
    o.bankType ?? "OTHERS",
    o.currency,
    amount,
    coupon,
    "0",
    "",
    "0.00",
    "0.00",
    "",
    "",
    o.description,
    o.attach ?? "",
    fee,
    "0.60%",
  ];
}

export function refundCells(
  o: Readonly<EngineOrder>,
  r: Readonly<EngineRefund>,
  cells: {
    readonly refund: string;
    readonly status: string;
    readonly fee: string;
    /** 充值券退款金额 (v3) / 代金券或立减优惠退款金额 (v2). */
    readonly couponRefund?: string;
  },
): string[] {
  return [
    "REFUND",
    o.bankType ?? "OTHERS",
    r.currency,
    "0.00",
    "0.00",
    r.refundId,
    r.outRefundNo,
    cells.refund,
    cells.couponRefund ?? "0.00",
    "ORIGINAL",
    cells.status,
    o.description,
    o.attach ?? "",
    cells.fee,
    "0.60%",
  ];
}
