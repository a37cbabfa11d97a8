/**
 * Wire shapes of the Alipay OpenAPI 2.0 answers PayBridge reads (snake_case, as sent; alipay-sdk
 * runs with camelcase: false). Amounts are yuan strings. Only the fields used are listed.
 */
export interface AlipayCommonResponse {
  readonly code: string;
  readonly msg: string;
  readonly sub_code?: string;
  readonly sub_msg?: string;
}

/** alipay.trade.precreate, https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate */
export interface PrecreateResponse extends AlipayCommonResponse {
  readonly out_trade_no?: string;
  readonly qr_code?: string;
}

/** alipay.trade.create, https://opendocs.alipay.com/open/f72f0792_alipay.trade.create */
export interface CreateResponse extends AlipayCommonResponse {
  readonly out_trade_no?: string;
  readonly trade_no?: string;
}

/** alipay.trade.query, https://opendocs.alipay.com/open/02ekfh */
export interface TradeQueryResponse extends AlipayCommonResponse {
  readonly trade_no?: string;
  readonly out_trade_no?: string;
  readonly trade_status?: string;
  readonly total_amount?: string;
  readonly buyer_pay_amount?: string;
  readonly receipt_amount?: string;
  readonly point_amount?: string;
  readonly invoice_amount?: string;
  readonly send_pay_date?: string;
}

/** present_refund_* and send_back_fee of a refund answer or refund query answer (yuan). */
export interface RefundSplitFields {
  readonly send_back_fee?: string;
  readonly present_refund_buyer_amount?: string;
  readonly present_refund_discount_amount?: string;
  readonly present_refund_mdiscount_amount?: string;
}

/**
 * alipay.trade.pay (条码支付), https://opendocs.alipay.com/open/02ekfp: code 10000 paid, 10003 the
 * buyer is still confirming (trade WAIT_BUYER_PAY). The paid answer names the time gmt_payment.
 */
export interface PayResponse extends AlipayCommonResponse {
  readonly trade_no?: string;
  readonly out_trade_no?: string;
  readonly total_amount?: string;
  readonly buyer_pay_amount?: string;
  readonly receipt_amount?: string;
  readonly point_amount?: string;
  readonly invoice_amount?: string;
  readonly gmt_payment?: string;
}

/** alipay.trade.cancel, https://opendocs.alipay.com/open/02ekfi */
export interface CancelResponse extends AlipayCommonResponse {
  readonly trade_no?: string;
  readonly out_trade_no?: string;
  /** Y: call again (the cancel did not complete). */
  readonly retry_flag?: string;
  /** close: unpaid trade closed; refund: paid trade refunded; no_refund: nothing to refund. */
  readonly action?: string;
}

/** alipay.trade.refund, https://opendocs.alipay.com/open/02ekfk */
export interface RefundResponse extends AlipayCommonResponse, RefundSplitFields {
  readonly trade_no?: string;
  readonly out_trade_no?: string;
  /** Y: this call moved money (refund succeeded); N or absent: confirm with the refund query. */
  readonly fund_change?: string;
  /** Total refunded on the trade so far, yuan. */
  readonly refund_fee?: string;
  readonly gmt_refund_pay?: string;
}

/** alipay.trade.fastpay.refund.query, https://opendocs.alipay.com/open/02ekfl */
export interface RefundQueryResponse extends AlipayCommonResponse, RefundSplitFields {
  readonly trade_no?: string;
  readonly out_trade_no?: string;
  readonly out_request_no?: string;
  readonly total_amount?: string;
  readonly refund_amount?: string;
  readonly refund_status?: string;
  readonly gmt_refund_pay?: string;
}

/** Asynchronous notification form fields, https://opendocs.alipay.com/open/203/105286 */
export interface AlipayNotificationFields {
  readonly notify_id?: string;
  readonly notify_type?: string;
  readonly app_id?: string;
  /** The merchant an ISV acted for (its app id); the app's own for a direct merchant. */
  readonly auth_app_id?: string;
  readonly seller_id?: string;
  readonly trade_no?: string;
  readonly out_trade_no?: string;
  readonly out_biz_no?: string;
  readonly trade_status?: string;
  readonly total_amount?: string;
  readonly buyer_pay_amount?: string;
  readonly receipt_amount?: string;
  readonly point_amount?: string;
  readonly refund_fee?: string;
  readonly gmt_payment?: string;
  readonly gmt_refund?: string;
  readonly gmt_close?: string;
  readonly sign?: string;
  readonly sign_type?: string;
}
