/**
 * The error answers the simulated gateway gives. Public codes and isv.* sub-codes follow
 * https://opendocs.alipay.com/common/02km9f (公共错误码); ACQ.* sub-codes follow each method's
 * own error table (pages cited beside each method handler).
 */
export const PUBLIC_CODES = {
  "10000": "Success",
  "20000": "Service Currently Unavailable",
  "40001": "Missing Required Arguments",
  "40002": "Invalid Arguments",
  "40004": "Business Failed",
  "40006": "Insufficient Permissions",
  "20001": "Insufficient Token Permissions",
} as const;
export type PublicCode = keyof typeof PUBLIC_CODES;

export const SUB_CODES = {
  // Gateway level (公共错误码).
  "isp.unknow-error": { code: "20000", msg: "服务暂不可用" },
  /** alipay.data.dataservice.bill.downloadurl.query: no bill for that day (yet). */
  "isp.bill_not_exist": { code: "40004", msg: "账单不存在" },
  "isv.missing-method": { code: "40001", msg: "缺少方法名参数" },
  "isv.missing-signature": { code: "40001", msg: "缺少签名参数" },
  "isv.missing-app-id": { code: "40001", msg: "缺少appId参数" },
  "isv.missing-app-cert-sn": { code: "40001", msg: "缺少应用公钥证书序列号" },
  "isv.missing-alipay-root-cert-sn": { code: "40001", msg: "缺少支付宝根证书序列号" },
  "isv.invalid-method": { code: "40002", msg: "不存在的方法名" },
  "isv.invalid-app-id": { code: "40002", msg: "无效的AppID参数" },
  "isv.invalid-signature-type": { code: "40002", msg: "无效的签名类型" },
  "isv.invalid-signature": { code: "40002", msg: "验签出错" },
  "isv.invalid-app-cert-sn": { code: "40002", msg: "无效的应用公钥证书序列号" },
  "isv.invalid-alipay-root-cert-sn": { code: "40002", msg: "无效的支付宝根证书序列号" },
  "isv.invalid-alipay-cert-sn": { code: "40004", msg: "无效的支付宝公钥证书序列号" },
  "isv.invalid-timestamp": { code: "40002", msg: "非法的时间戳参数" },
  "isv.invalid-charset": { code: "40002", msg: "字符集错误" },
  "isv.insufficient-isv-permissions": { code: "40006", msg: "ISV权限不足" },
  // 20001 授权权限不足: an app_auth_token that is not a live authorisation of this app (第三方应用授权).
  "aop.invalid-app-auth-token": { code: "20001", msg: "无效的应用授权令牌" },
  // Business level (每个接口的业务错误码).
  "ACQ.SYSTEM_ERROR": { code: "40004", msg: "系统错误" },
  "ACQ.INVALID_PARAMETER": { code: "40004", msg: "参数无效" },
  "ACQ.TRADE_NOT_EXIST": { code: "40004", msg: "交易不存在" },
  "ACQ.TRADE_STATUS_ERROR": { code: "40004", msg: "交易状态不合法" },
  "ACQ.TRADE_HAS_FINISHED": { code: "40004", msg: "交易已完结" },
  "ACQ.TRADE_HAS_SUCCESS": { code: "40004", msg: "交易已被支付" },
  "ACQ.TRADE_HAS_CLOSE": { code: "40004", msg: "交易已经关闭" },
  "ACQ.CONTEXT_INCONSISTENT": { code: "40004", msg: "交易信息被篡改" },
  "ACQ.TOTAL_FEE_EXCEED": { code: "40004", msg: "订单总金额超过限额" },
  "ACQ.SELLER_BALANCE_NOT_ENOUGH": { code: "40004", msg: "卖家余额不足" },
  "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL": { code: "40004", msg: "退款金额超限" },
  "ACQ.REASON_TRADE_REFUND_FEE_ERR": { code: "40004", msg: "退款金额无效" },
  "ACQ.DISCORDANT_REPEAT_REQUEST": { code: "40004", msg: "请求信息不一致" },
  "ACQ.TRADE_CANCEL_TIME_OUT": { code: "40004", msg: "超过撤销时间范围" },
  "ACQ.BUYER_NOT_EXIST": { code: "40004", msg: "买家不存在" },
  // alipay.trade.pay (条码支付) refusals, https://opendocs.alipay.com/open/02ekfp.
  "ACQ.PAYMENT_AUTH_CODE_INVALID": { code: "40004", msg: "支付授权码无效" },
  "ACQ.BUYER_BALANCE_NOT_ENOUGH": { code: "40004", msg: "买家余额不足" },
  "ACQ.PAYMENT_REQUEST_HAS_RISK": { code: "40004", msg: "支付有风险" },
  // Not an Alipay code: injected (fault unknown_code) to test a client's handling of unmapped codes.
  "ACQ.SANDBOX_UNKNOWN_CODE": { code: "40004", msg: "沙箱注入的未知错误码" },
} as const satisfies Record<string, { code: PublicCode; msg: string }>;
export type SubCode = keyof typeof SUB_CODES;

/** A response object (the part inside `<method>_response`). */
export type GatewayResponse = Record<string, unknown> & { code: string; msg: string };

export function success(fields: Record<string, unknown> = {}): GatewayResponse {
  return { code: "10000", msg: "Success", ...fields };
}

export function failure(
  subCode: SubCode,
  detail?: string,
  echo: Record<string, unknown> = {},
): GatewayResponse {
  const entry = SUB_CODES[subCode];
  return {
    code: entry.code,
    msg: PUBLIC_CODES[entry.code],
    sub_code: subCode,
    sub_msg: detail ? `${entry.msg}: ${detail}` : entry.msg,
    ...echo,
  };
}

/** A handler's outcome: the answer, plus whether it changed state (matters for the lost-response fault). */
export class GatewayFailure extends Error {
  constructor(readonly response: GatewayResponse) {
    super(String(response.sub_code ?? response.code));
  }
}

export function fail(subCode: SubCode, detail?: string, echo: Record<string, unknown> = {}): never {
  throw new GatewayFailure(failure(subCode, detail, echo));
}
