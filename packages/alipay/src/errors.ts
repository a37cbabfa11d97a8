import {
  createProviderErrorFactory,
  OutcomeUnknownError,
  PaymentError,
  ProviderError,
  type ProviderErrorTable,
  ProviderUnavailableError,
  SignatureError,
} from "@paybridge/core/provider-kit";

/** Alipay's provider id: what merchant accounts name and every result and error carries. */
export const ALIPAY_PROVIDER = "alipay";

/**
 * Alipay sub_codes (and bare codes) into the error tree. Public codes:
 * https://opendocs.alipay.com/common/02km9f; ACQ.* from each method's page: precreate
 * https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate, query https://opendocs.alipay.com/open/02ekfh,
 * close https://opendocs.alipay.com/open/02o6e7, cancel https://opendocs.alipay.com/open/02ekfi,
 * refund https://opendocs.alipay.com/open/02ekfk, refund query https://opendocs.alipay.com/open/02ekfl.
 */
export const ALIPAY_ERROR_TABLE = {
  // Retry with the same parameters (same out_request_no for refunds), with backoff.
  "ACQ.SYSTEM_ERROR": { kind: "unavailable", note: "系统错误: 请使用相同的参数再次调用" },
  "AQC.SYSTEM_ERROR": { kind: "unavailable", note: "spelled so in the cancel error table" },
  "isp.unknow-error": { kind: "unavailable", note: "20000 服务暂不可用" },
  "20000": { kind: "unavailable" },
  // Final: the trade is not there.
  "ACQ.TRADE_NOT_EXIST": { kind: "not_found" },
  "ACQ.BUYER_NOT_EXIST": { kind: "not_found" },
  // Final: money.
  "ACQ.SELLER_BALANCE_NOT_ENOUGH": {
    kind: "insufficient_funds",
    note: "卖家余额不足: top up, then refund again with the same out_request_no",
  },
  "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL": {
    kind: "invalid_request",
    note: "退款金额超限: the refunds would exceed what the buyer paid",
  },
  "ACQ.REASON_TRADE_REFUND_FEE_ERR": { kind: "invalid_request", note: "退款金额无效" },
  "ACQ.TOTAL_FEE_EXCEED": { kind: "invalid_request" },
  // Final: the trade's state forbids the call.
  "ACQ.TRADE_STATUS_ERROR": {
    kind: "trade_state",
    note: "交易状态不合法 (unpaid, closed, or fully refunded)",
  },
  "ACQ.TRADE_HAS_FINISHED": { kind: "trade_state", note: "交易已完结: past the refund window" },
  "ACQ.TRADE_HAS_SUCCESS": { kind: "trade_state", note: "交易已被支付" },
  "ACQ.TRADE_HAS_CLOSE": { kind: "trade_state", note: "交易已经关闭" },
  "ACQ.TRADE_NOT_ALLOW_REFUND": { kind: "trade_state" },
  "ACQ.TRADE_CANCEL_TIME_OUT": { kind: "trade_state", note: "超过撤销时间范围: refund instead" },
  "ACQ.CANCEL_NOT_ALLOWED": { kind: "trade_state" },
  "ACQ.REASON_TRADE_BEEN_FREEZEN": { kind: "trade_state", note: "交易被冻结: contact Alipay" },
  // Final: the request contradicts an earlier one or is malformed.
  "ACQ.DISCORDANT_REPEAT_REQUEST": { kind: "invalid_request", note: "同一 out_request_no, 不同参数" },
  "ACQ.CONTEXT_INCONSISTENT": { kind: "invalid_request", note: "同一 out_trade_no, 不同订单信息" },
  "ACQ.INVALID_PARAMETER": { kind: "invalid_request" },
  "ACQ.EXIST_FORBIDDEN_WORD": { kind: "invalid_request" },
  "isv.invalid-method": { kind: "invalid_request" },
  "isv.missing-method": { kind: "invalid_request" },
  "isv.invalid-timestamp": { kind: "invalid_request", note: "fix the server clock" },
  "isv.invalid-charset": { kind: "invalid_request" },
  // Final: permissions and accounts.
  "ACQ.ACCESS_FORBIDDEN": { kind: "authorization" },
  "ACQ.PARTNER_ERROR": { kind: "authorization" },
  "ACQ.SELLER_BEEN_BLOCKED": { kind: "account_abnormal" },
  "ACQ.BUYER_ENABLE_STATUS_FORBID": { kind: "account_abnormal" },
  // alipay.trade.pay (条码支付) refusals, https://opendocs.alipay.com/open/02ekfp: no money moved.
  "ACQ.PAYMENT_AUTH_CODE_INVALID": {
    kind: "invalid_request",
    note: "付款码无效或已过期: ask for a fresh code",
  },
  "ACQ.BUYER_BALANCE_NOT_ENOUGH": { kind: "insufficient_funds", note: "买家余额不足" },
  "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH": { kind: "insufficient_funds", note: "买家银行卡余额不足" },
  "ACQ.PAYMENT_REQUEST_HAS_RISK": { kind: "account_abnormal", note: "支付有风险" },
  "ACQ.BUYER_SELLER_EQUAL": { kind: "invalid_request", note: "买卖家不能相同" },
  "isv.invalid-app-id": { kind: "authorization" },
  "isv.missing-app-id": { kind: "authorization" },
  "isv.insufficient-isv-permissions": { kind: "authorization" },
  "40006": { kind: "authorization" },
  // Final: the gateway could not verify our request (wrong private key, wrong certificates).
  "isv.invalid-signature": { kind: "signature" },
  "isv.missing-signature": { kind: "signature" },
  "isv.invalid-signature-type": { kind: "signature" },
  "isv.invalid-app-cert-sn": { kind: "signature" },
  "isv.missing-app-cert-sn": { kind: "signature" },
  "isv.invalid-alipay-root-cert-sn": { kind: "signature" },
  "isv.missing-alipay-root-cert-sn": { kind: "signature" },
  // The certificate download knows no such SN (a forged answer named it).
  "isv.invalid-alipay-cert-sn": { kind: "signature" },
} as const satisfies ProviderErrorTable;

const fromAlipay = createProviderErrorFactory(ALIPAY_PROVIDER, ALIPAY_ERROR_TABLE);

/** A business answer with code != 10000, keyed by sub_code (or the code when there is none). */
export function alipayAnswerError(
  method: string,
  answer: { code?: unknown; msg?: unknown; sub_code?: unknown; sub_msg?: unknown },
): PaymentError {
  const code = typeof answer.sub_code === "string" && answer.sub_code ? answer.sub_code : String(answer.code);
  const message = [answer.sub_msg ?? answer.msg, `(${method}, code ${String(answer.code)})`]
    .filter(Boolean)
    .join(" ");
  return fromAlipay({ code, message });
}

/**
 * What alipay-sdk throws before a business answer exists. It raises AlipayRequestError with a
 * message only (no code), so the message prefix is the one signal it gives.
 */
export function alipayTransportError(method: string, err: unknown, certSn?: string): PaymentError {
  if (err instanceof PaymentError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const options = { provider: ALIPAY_PROVIDER, cause: err };
  if (message.startsWith("验签失败")) {
    const gateway = unverifiedGatewayError(err);
    const sn = certSn ?? answerCertSn(err);
    const key = sn ? `Alipay certificate ${sn} the answer names` : "the configured Alipay public key";
    return new SignatureError(
      `alipay ${method}: the answer's signature does not verify with ${key}${gateway ? ` (it claims gateway error ${gateway.providerCode}: ${gateway.providerMessage}; unverified)` : ""}`,
      { ...options, ...gateway },
    );
  }
  /*
   * An answer without any `sign` (the gateway's error_response for a wrong app_id, method or
   * signature is not always signed, https://opendocs.alipay.com/common/02km9f) reaches node:crypto
   * inside alipay-sdk as an undefined signature, which throws a TypeError. It is an unsigned
   * answer: a signature error, never a generic fault; its code is kept, marked unverified.
   */
  if (err instanceof TypeError && /"signature" argument/.test(message)) {
    return new SignatureError(
      `alipay ${method}: the gateway answered without a signature (an unsigned error_response); check app_id, keys and gateway URL. Its content is not trusted`,
      { provider: ALIPAY_PROVIDER, cause: err },
    );
  }
  if (message.startsWith("HttpClient Request error")) {
    const code = causeCode(err);
    // Refused before anything was sent: nothing can have happened, retry is safe.
    if (code === "ECONNREFUSED" || code === "ENOTFOUND") {
      return new ProviderUnavailableError(`alipay ${method}: gateway unreachable (${code})`, options);
    }
    return new OutcomeUnknownError(
      `alipay ${method}: no answer (${message}); query before deciding`,
      options,
    );
  }
  if (message.startsWith("HTTP 请求错误") || message.startsWith("Response 格式错误")) {
    return new OutcomeUnknownError(
      `alipay ${method}: unusable answer (${message}); query before deciding`,
      options,
    );
  }
  return new ProviderError(`alipay ${method}: ${message}`, options);
}

/** The alipay_cert_sn of the raw answer an SDK error carries, if any. */
function answerCertSn(err: unknown): string | undefined {
  const raw = (err as { responseDataRaw?: unknown }).responseDataRaw;
  if (typeof raw !== "string") return undefined;
  try {
    const sn = (JSON.parse(raw) as { alipay_cert_sn?: unknown }).alipay_cert_sn;
    return typeof sn === "string" && sn ? sn : undefined;
  } catch {
    return undefined;
  }
}

/** The code an unverified error_response claims, kept for the operator (never acted on). */
function unverifiedGatewayError(err: unknown): { providerCode: string; providerMessage: string } | undefined {
  const raw = (err as { responseDataRaw?: unknown }).responseDataRaw;
  if (typeof raw !== "string") return undefined;
  try {
    const body = JSON.parse(raw) as { error_response?: Record<string, unknown> };
    const e = body.error_response;
    if (!e) return undefined;
    const code = typeof e.sub_code === "string" && e.sub_code ? e.sub_code : String(e.code);
    return { providerCode: code, providerMessage: String(e.sub_msg ?? e.msg ?? "") };
  } catch {
    return undefined;
  }
}

function causeCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
