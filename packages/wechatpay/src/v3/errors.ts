import { createProviderErrorFactory, type ProviderErrorTable } from "@paybridge/core/provider-kit";

/** The provider name APIv3 errors carry (`PaymentError.provider`). */
export const WECHAT_V3_PROVIDER = "wechatpay";

/**
 * Every WeChat Pay APIv3 error code PayBridge classifies (docs/refunds.md "What each error means for
 * the caller"). v3 codes come from the refund doc's tables (https://pay.weixin.qq.com/doc/v3/merchant/4012556457)
 * and the order docs (https://pay.weixin.qq.com/doc/v3/merchant/4012791856
 * JSAPI下单 错误码, https://pay.weixin.qq.com/doc/v3/merchant/4013070356 查询订单). The v2
 * spellings (SYSTEMERROR, NOTENOUGH, ...) are classified too rather than left generic.
 * CloudPay has its own table (cloudpay/errors.ts).
 * Codes absent here become a final ProviderError that keeps the code.
 */
export const WECHAT_ERROR_TABLE = {
  // --- retry with the same out_refund_no and the same parameters, with backoff
  SYSTEM_ERROR: {
    kind: "unavailable",
    note: "500: 系统异常/系统超时; retry with the same number and parameters",
  },
  SYSTEMERROR: { kind: "unavailable", note: "v2 spelling of SYSTEM_ERROR" },
  BIZERR_NEED_RETRY: { kind: "unavailable", note: "v2: refund concurrency; retry with the same number" },
  BANKERROR: { kind: "unavailable", note: "bank side failure; retry later" },
  USERPAYING: {
    kind: "unavailable",
    note: "付款码: the buyer is still entering the password; query the order, then reverse",
  },
  FREQUENCY_LIMITED: {
    kind: "rate_limited",
    note: "429: 该笔退款为受理中, query or retry the same number more slowly; also the 1-minute partial refund interval",
  },
  // --- throttle: stop calling for a while
  INVALID_REQ_TOO_MUCH: {
    kind: "rate_limited",
    retry: "throttle",
    note: "v2: too many invalid requests; wait a minute",
  },
  // --- final
  NOT_ENOUGH: { kind: "insufficient_funds", note: "403 余额不足" },
  NOTENOUGH: { kind: "insufficient_funds", note: "v2 spelling of NOT_ENOUGH" },
  USER_ACCOUNT_ABNORMAL: {
    kind: "account_abnormal",
    note: "403: refund to the buyer failed; refund by other means",
  },
  RESOURCE_NOT_EXISTS: { kind: "not_found", note: "404: unknown or unpaid order, or unknown refund" },
  ORDER_NOT_EXIST: { kind: "not_found", note: "404 from the trade query" },
  ORDERNOTEXIST: { kind: "not_found", note: "v2 spelling" },
  REFUNDNOTEXIST: { kind: "not_found", note: "v2 refund query" },
  MCH_NOT_EXISTS: { kind: "authorization", note: "404: the mchid does not exist; a configuration error" },
  PARAM_ERROR: { kind: "invalid_request" },
  INVALID_REQUEST: {
    kind: "invalid_request",
    note: "400: well-formed but against a business rule (refund window, 50 refunds, sum past the total)",
  },
  INVALID_TRANSACTIONID: { kind: "invalid_request" },
  OUT_TRADE_NO_USED: { kind: "invalid_request", note: "the order number was used with other parameters" },
  APPID_MCHID_NOT_MATCH: { kind: "invalid_request", note: "configuration: appid not bound to mchid" },
  REFUND_FEE_MISMATCH: {
    kind: "invalid_request",
    note: "v2: amounts differ from the first request of this number",
  },
  RULELIMIT: { kind: "invalid_request" },
  SIGN_ERROR: { kind: "signature", note: "401: the merchant's request signature did not verify" },
  SIGNERROR: { kind: "signature", note: "v2 spelling" },
  NO_AUTH: { kind: "authorization", note: "403: no refund permission for this order" },
  NOAUTH: { kind: "authorization", note: "v2 spelling" },
  REQUEST_BLOCKED: { kind: "authorization" },
  ORDER_CLOSED: { kind: "trade_state", note: "the order is closed" },
  ORDERCLOSED: { kind: "trade_state", note: "v2 spelling" },
  ORDERPAID: { kind: "trade_state", note: "the order is paid: it cannot be closed or created again" },
  TRADE_OVERDUE: { kind: "trade_state", note: "v2: more than 365 days after payment" },
  TRADE_ERROR: { kind: "trade_state" },
  ERROR: { kind: "provider", note: "v2 generic business error" },
} as const satisfies ProviderErrorTable;

export type WechatErrorCode = keyof typeof WECHAT_ERROR_TABLE;

export const wechatError = createProviderErrorFactory(WECHAT_V3_PROVIDER, WECHAT_ERROR_TABLE);
