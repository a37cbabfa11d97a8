import { RefundState, TradeState } from "@paybridge/core/provider-kit";

/**
 * 交易状态 of a trade-bill row. Only orders WeChat took appear (the bill page: "微信侧未成功下单的交易不会出现在
 * 对账单中"); REVOKED is a paid order cancelled afterwards. REFUND rows are refunds, not payments.
 */
export const BILL_TRADE_STATE: Readonly<Record<string, TradeState>> = {
  SUCCESS: TradeState.PAID,
  REVOKED: TradeState.CLOSED,
  PAYERROR: TradeState.FAILED,
};

/** 退款状态 of a REFUND row (v3 SUCCESS/PROCESSING/ABNORMAL/CLOSED; v2 also FAIL, CHANGE, REFUNDCLOSE). */
export const BILL_REFUND_STATE: Readonly<Record<string, RefundState>> = {
  SUCCESS: RefundState.SUCCESS,
  PROCESSING: RefundState.SUBMITTED,
  ABNORMAL: RefundState.ABNORMAL,
  CHANGE: RefundState.ABNORMAL,
  FAIL: RefundState.ABNORMAL,
  CLOSED: RefundState.CLOSED,
  REFUNDCLOSE: RefundState.CLOSED,
};
