import type { Currency, RefundState, TradeState } from "@paybridge/core";

/**
 * One line of a provider's bill, in PayBridge's terms: amounts in integer fen, states in the
 * unified numbering. Every provider's parser yields this shape, so reconciliation never sees a
 * provider format.
 */
export type BillRecord = BillPayment | BillRefund;

interface BillRecordBase {
  readonly provider: "wechatpay" | "alipay" | "cloudpay";
  /** 1-based line in the (decompressed, decoded) bill file, for error messages and reports. */
  readonly line: number;
  readonly outTradeNo: string;
  readonly providerTradeNo: string;
  readonly currency: Currency;
  /** The provider's service fee for this line, in fen; negative when the provider returns a fee. */
  readonly feeFen: number;
  /** The provider's own status text, as printed in the bill. */
  readonly rawStatus: string;
  /** The instant the bill books the line (Beijing time in the file). */
  readonly bookedAt: Date;
}

export interface BillPayment extends BillRecordBase {
  readonly kind: "payment";
  /** What the merchant is settled for this payment (WeChat 应结订单金额, Alipay 订单金额). */
  readonly amountFen: number;
  /**
   * The order amount when the bill prints it apart from the settlement amount (WeChat v3 订单金额,
   * which differs from 应结订单金额 by the 免充值 coupons). Reconciliation compares this with the
   * ledger's order amount when present.
   */
  readonly orderAmountFen?: number;
  /** Coupons and discounts on the payment (WeChat 代金券金额), when the bill prints them. */
  readonly couponFen?: number;
  readonly state: TradeState;
}

export interface BillRefund extends BillRecordBase {
  readonly kind: "refund";
  readonly outRefundNo: string;
  /** Refunded amount in fen, always positive (WeChat 退款金额: the settlement refund). */
  readonly amountFen: number;
  /**
   * The refund as requested (WeChat v3 申请退款金额, which includes the 免充值 coupons' share), when
   * the bill prints it; reconciliation compares this with the ledger's refund amount when present.
   */
  readonly requestedFen?: number;
  /** The recharge coupons' share of the refund (WeChat 充值券退款金额), when printed. */
  readonly couponRefundFen?: number;
  readonly state: RefundState;
}

/** The bill's own totals (its summary lines), checked against the rows before anyone trusts them. */
export interface BillTotals {
  readonly records: number;
  readonly paymentFen: number;
  readonly refundFen: number;
  readonly feeFen: number;
}
