import { createProviderErrorFactory, type ProviderErrorTable } from "@paybridge/core/provider-kit";

/** The provider name CloudPay errors carry (`PaymentError.provider`). */
export const CLOUDPAY_PROVIDER = "wechatpay-cloud";

/**
 * Every err_code of the CloudPay.refund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html)
 * and CloudPay.queryRefund (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html) pages, plus
 * the closeOrder / queryOrder codes of the v2 pages CloudPay wraps
 * (https://pay.weixin.qq.com/doc/v2/merchant/4011935215 order query,
 * https://pay.weixin.qq.com/doc/v2/merchant/4011935216 close order). Retry classes follow
 * docs/refunds.md ("What each error means for the caller") and each code's own "解决方案" column.
 */
export const CLOUDPAY_ERROR_TABLE = {
  // "系统超时 ... 请不要更换商户退款单号，请使用相同参数再次调用API" (CloudPay.refund).
  SYSTEMERROR: { kind: "unavailable", retry: "retry" },
  // "并发情况下，业务被拒绝，商户重试即可解决" with the same refund number (CloudPay.refund).
  BIZERR_NEED_RETRY: { kind: "unavailable", retry: "retry" },
  // Paid more than a year ago: "请选择其他方式自行退款"; no retry can help.
  TRADE_OVERDUE: { kind: "trade_state", retry: "final" },
  // "该错误都会返回具体的错误原因": a business error whose meaning is in err_code_des; a person reads it.
  ERROR: { kind: "provider", retry: "final", note: "generic business error; err_code_des says why" },
  // The buyer's account was closed: "商户可自行处理退款" (refund offline).
  USER_ACCOUNT_ABNORMAL: { kind: "account_abnormal", retry: "final" },
  // "连续错误请求数过多被系统短暂屏蔽 ... 请在1分钟后再来重试": stop calling this merchant for a minute.
  INVALID_REQ_TOO_MUCH: { kind: "rate_limited", retry: "throttle" },
  // Merchant balance cannot cover the refund; top up first, then a new attempt may succeed.
  NOTENOUGH: { kind: "insufficient_funds", retry: "final" },
  INVALID_TRANSACTIONID: { kind: "invalid_request", retry: "final" },
  // Also what queryRefund answers for an offset past total_refund_count (CloudPay.queryRefund).
  PARAM_ERROR: { kind: "invalid_request", retry: "final" },
  // The next five are configuration or transport faults on the merchant side; CloudPay fills
  // appid / mch_id / sign itself, so seeing one means the cloud environment is misconfigured.
  APPID_NOT_EXIST: { kind: "invalid_request", retry: "final", note: "configuration: appid" },
  MCHID_NOT_EXIST: { kind: "invalid_request", retry: "final", note: "configuration: sub_mch_id" },
  REQUIRE_POST_METHOD: { kind: "invalid_request", retry: "final" },
  SIGNERROR: { kind: "signature", retry: "final" },
  XML_FORMAT_ERROR: { kind: "invalid_request", retry: "final" },
  // "2个月之前的订单申请退款有频率限制 ... 该笔退款未受理，请降低频率后重试": not accepted, retry slower.
  FREQUENCY_LIMITED: { kind: "rate_limited", retry: "retry" },
  // Request IP not in the merchant's allow list.
  NOAUTH: { kind: "authorization", retry: "final" },
  // queryRefund: "订单号错误或订单状态不正确 ... 如：未支付、已支付未退款" (CloudPay.queryRefund).
  REFUNDNOTEXIST: { kind: "not_found", retry: "final" },
  // queryOrder / closeOrder (v2 pages above).
  ORDERNOTEXIST: { kind: "not_found", retry: "final" },
  ORDERPAID: { kind: "trade_state", retry: "final", note: "closeOrder on a paid order" },
  ORDERCLOSED: { kind: "trade_state", retry: "final", note: "the order is already closed" },
  // Not a WeChat code: returnCode FAIL carries only returnMsg ("签名失败", "参数格式校验错误"),
  // meaning the request was rejected before any business processing.
  RETURN_CODE_FAIL: { kind: "invalid_request", retry: "final" },
} as const satisfies ProviderErrorTable;

export type CloudPayErrorCode = keyof typeof CLOUDPAY_ERROR_TABLE;

/** The codes named on the CloudPay.refund and CloudPay.queryRefund pages, in their order; every one has a table entry. */
export const CLOUDPAY_DOCUMENTED_ERROR_CODES = [
  "SYSTEMERROR",
  "BIZERR_NEED_RETRY",
  "TRADE_OVERDUE",
  "ERROR",
  "USER_ACCOUNT_ABNORMAL",
  "INVALID_REQ_TOO_MUCH",
  "NOTENOUGH",
  "INVALID_TRANSACTIONID",
  "PARAM_ERROR",
  "APPID_NOT_EXIST",
  "MCHID_NOT_EXIST",
  "REQUIRE_POST_METHOD",
  "SIGNERROR",
  "XML_FORMAT_ERROR",
  "FREQUENCY_LIMITED",
  "NOAUTH",
  "REFUNDNOTEXIST",
] as const satisfies readonly CloudPayErrorCode[];

export const cloudPayError = createProviderErrorFactory(CLOUDPAY_PROVIDER, CLOUDPAY_ERROR_TABLE);
