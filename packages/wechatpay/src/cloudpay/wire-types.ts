/**
 * The slice of wx-server-sdk's `cloud.cloudPay` that PayBridge calls, typed from the WeChat cloud
 * development docs. The user passes their own `cloud.cloudPay` object (or the sandbox's
 * simulator); PayBridge never imports wx-server-sdk.
 *
 * CloudPay differs from the v2 XML API it wraps ("私有安全链路，免证书管理，免签名计算"): the call
 * travels over WeChat's private link from the cloud function, so there is no mch_id / appid /
 * sign / sign_type to send and no signature to verify; parameters and answers are JSON objects.
 *
 * Field names follow each method's doc page exactly, and those pages disagree with each other:
 * unifiedOrder's page uses camelCase (subMchId, nonceStr, totalFee), every other page uses the v2
 * snake_case names (sub_mch_id, nonce_str, total_fee). Answers are documented with camelCase
 * returnCode / returnMsg and snake_case business fields; real answers have been reported in
 * camelCase (tradeState, resultCode): the parser in envelope.ts accepts both.
 */

/** Every answer: returnCode is the communication result, result_code the business result. */
export interface CloudPayEnvelope {
  /** SUCCESS / FAIL: the call reached WeChat Pay and was understood (not a business result). */
  readonly returnCode?: string;
  readonly returnMsg?: string;
  /** Present when returnCode is SUCCESS. SUCCESS / FAIL. */
  readonly result_code?: string;
  readonly err_code?: string;
  readonly err_code_des?: string;
  readonly appid?: string;
  readonly mch_id?: string;
  readonly sub_appid?: string;
  readonly sub_mch_id?: string;
  readonly nonce_str?: string;
  readonly sign?: string;
}

// ---------------------------------------------------------------------------------------------
// unifiedOrder: https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.unifiedOrder.html
// ---------------------------------------------------------------------------------------------

export interface UnifiedOrderParams {
  /** Cloud function that receives the pay-result callback, and its environment id. */
  readonly functionName: string;
  readonly envId: string;
  readonly subMchId: string;
  readonly nonceStr: string;
  /** Goods description, at most 128 characters. */
  readonly body: string;
  readonly outTradeNo: string;
  /** Fen. */
  readonly totalFee: number;
  readonly spbillCreateIp: string;
  readonly tradeType?: "JSAPI" | "NATIVE" | "APP" | "MWEB";
  readonly feeType?: string;
  readonly attach?: string;
  /** yyyyMMddHHmmss, Beijing time. */
  readonly timeExpire?: string;
  readonly openid?: string;
  readonly subOpenid?: string;
  readonly subAppid?: string;
}

/** The arguments of wx.requestPayment in the mini program. */
export interface CloudPayPayment {
  readonly appId?: string;
  readonly timeStamp: string;
  readonly nonceStr: string;
  readonly package: string;
  readonly signType: string;
  readonly paySign: string;
}

export interface UnifiedOrderResult extends CloudPayEnvelope {
  readonly trade_type?: string;
  readonly prepay_id?: string;
  readonly code_url?: string;
  readonly payment?: CloudPayPayment;
}

// ---------------------------------------------------------------------------------------------
// queryOrder: https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryOrder.html
// ---------------------------------------------------------------------------------------------

export interface QueryOrderParams {
  readonly sub_mch_id: string;
  readonly nonce_str: string;
  /** transaction_id or out_trade_no ("二选一"); transaction_id is used first when both are given. */
  readonly transaction_id?: string;
  readonly out_trade_no?: string;
}

export interface QueryOrderResult extends CloudPayEnvelope {
  readonly trade_state?: string;
  readonly trade_state_desc?: string;
  readonly trade_type?: string;
  readonly transaction_id?: string;
  readonly out_trade_no?: string;
  readonly total_fee?: number;
  readonly cash_fee?: number;
  readonly fee_type?: string;
  readonly openid?: string;
  readonly sub_openid?: string;
  readonly attach?: string;
  /** yyyyMMddHHmmss, Beijing time; set once paid. */
  readonly time_end?: string;
}

// ---------------------------------------------------------------------------------------------
// closeOrder: https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.closeOrder.html
// ---------------------------------------------------------------------------------------------

export interface CloseOrderParams {
  readonly sub_mch_id: string;
  readonly out_trade_no: string;
  readonly nonce_str: string;
}

export interface CloseOrderResult extends CloudPayEnvelope {
  readonly result_msg?: string;
}

// ---------------------------------------------------------------------------------------------
// refund: CloudPay.refund, https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html
// ---------------------------------------------------------------------------------------------

export type RefundAccount = "REFUND_SOURCE_UNSETTLED_FUNDS" | "REFUND_SOURCE_RECHARGE_FUNDS";

export interface RefundParams {
  readonly sub_mch_id: string;
  readonly nonce_str: string;
  /** transaction_id or out_trade_no ("二选一"). */
  readonly transaction_id?: string;
  readonly out_trade_no?: string;
  readonly out_refund_no: string;
  readonly total_fee: number;
  readonly refund_fee: number;
  readonly refund_fee_type?: string;
  /** At most 80 characters; shown to the buyer (not for partial refunds of 1 yuan or less). */
  readonly refund_desc?: string;
  readonly refund_account?: RefundAccount;
}

/** The wire answer of CloudPay's refund call; core's unified `RefundResult` is what the provider returns. */
export interface CloudPayRefundAnswer extends CloudPayEnvelope {
  readonly transaction_id?: string;
  readonly out_trade_no?: string;
  readonly out_refund_no?: string;
  readonly refund_id?: string;
  readonly refund_fee?: number;
  readonly settlement_refund_fee?: number;
  readonly total_fee?: number;
  readonly settlement_total_fee?: number;
  readonly fee_type?: string;
  readonly cash_fee?: number;
  readonly cash_refund_fee?: number;
  readonly coupon_refund_fee?: number;
  readonly coupon_refund_count?: number;
  /** coupon_type_$n: CASH / NO_CASH, flattened with an index suffix (values checked by transformers.ts). */
  readonly [flattened: `coupon_type_${number}`]: unknown;
}

// ---------------------------------------------------------------------------------------------
// queryRefund: CloudPay.queryRefund, https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html
// ---------------------------------------------------------------------------------------------

export interface QueryRefundParams {
  readonly sub_mch_id: string;
  readonly nonce_str: string;
  /** At least one of the four; priority refund_id > out_refund_no > transaction_id > out_trade_no. */
  readonly refund_id?: string;
  readonly out_refund_no?: string;
  readonly transaction_id?: string;
  readonly out_trade_no?: string;
  /** Index of the first refund to return; at most 10 come back per call. */
  readonly offset?: number;
}

/** The per-refund fields, flattened as `<name>_$n` (n from 0) and `<name>_$n_$m` for coupons. */
export interface QueryRefundResult extends CloudPayEnvelope {
  readonly transaction_id?: string;
  readonly out_trade_no?: string;
  readonly total_fee?: number;
  readonly settlement_total_fee?: number;
  readonly fee_type?: string;
  readonly cash_fee?: number;
  /** Refunds in this answer. */
  readonly refund_count?: number;
  /** Refunds of the order in all; returned when offset was passed. */
  readonly total_refund_count?: number;
  readonly [flattened: `${string}_${number}`]: unknown;
}

// ---------------------------------------------------------------------------------------------
// downloadBill: https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/open/pay/CloudPay.downloadBill.html
// ---------------------------------------------------------------------------------------------

export type BillType = "ALL" | "SUCCESS" | "REFUND";

export interface DownloadBillParams {
  readonly sub_mch_id?: string;
  readonly nonce_str: string;
  /** yyyyMMdd. */
  readonly bill_date: string;
  readonly bill_type?: BillType;
  /** GZIP for a gzip archive; without it the table comes as text. PayBridge reads the text form. */
  readonly tar_type?: "GZIP";
}

/**
 * Failure: returnCode FAIL with returnMsg and errorCode. Success: the doc says the bill comes
 * back as a text table (header line, then one line per record). The doc does not name the JSON
 * field holding that text in CloudPay's answer; PayBridge reads `data`, which is what the
 * sandbox returns.
 */
export interface DownloadBillResult {
  readonly returnCode?: string;
  readonly returnMsg?: string;
  readonly errorCode?: string;
  readonly data?: string;
}

/** The methods of wx-server-sdk's `cloud.cloudPay` that PayBridge uses. */
export interface CloudPayApi {
  unifiedOrder(params: UnifiedOrderParams): Promise<UnifiedOrderResult>;
  queryOrder(params: QueryOrderParams): Promise<QueryOrderResult>;
  closeOrder(params: CloseOrderParams): Promise<CloseOrderResult>;
  refund(params: RefundParams): Promise<CloudPayRefundAnswer>;
  queryRefund(params: QueryRefundParams): Promise<QueryRefundResult>;
  downloadBill(params: DownloadBillParams): Promise<DownloadBillResult>;
}

export const CLOUD_PAY_METHODS = [
  "unifiedOrder",
  "queryOrder",
  "closeOrder",
  "refund",
  "queryRefund",
  "downloadBill",
] as const satisfies readonly (keyof CloudPayApi)[];
