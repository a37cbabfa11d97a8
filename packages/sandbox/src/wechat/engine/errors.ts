/**
 * Errors of the engine, typed by a WeChat v3 code so each transport renders them in its own wire
 * shape (v3: HTTP status + {code, message}; CloudPay / v2: err_code + err_code_des).
 * Codes and statuses follow the refund doc's tables (https://pay.weixin.qq.com/doc/v3/merchant/4012556457) and the order docs
 * (https://pay.weixin.qq.com/doc/v3/merchant/4013070356 query, .../4013070360 close).
 */
export const WECHAT_ENGINE_ERRORS = {
  PARAM_ERROR: { status: 400, v2: "PARAM_ERROR" },
  INVALID_REQUEST: { status: 400, v2: "ERROR" },
  SIGN_ERROR: { status: 401, v2: "SIGNERROR" },
  NO_AUTH: { status: 403, v2: "NOAUTH" },
  NOT_ENOUGH: { status: 403, v2: "NOTENOUGH" },
  USER_ACCOUNT_ABNORMAL: { status: 403, v2: "USER_ACCOUNT_ABNORMAL" },
  /** Paying / closing an order that is already paid. */
  ORDERPAID: { status: 403, v2: "ORDERPAID" },
  /** Same out_trade_no with different parameters. */
  OUT_TRADE_NO_USED: { status: 403, v2: "OUT_TRADE_NO_USED" },
  APPID_MCHID_NOT_MATCH: { status: 400, v2: "APPID_MCHID_NOT_MATCH" },
  ORDER_CLOSED: { status: 400, v2: "ORDERCLOSED" },
  MCH_NOT_EXISTS: { status: 404, v2: "MCHID_NOT_EXIST" },
  /** Trade query of an unknown order. */
  ORDER_NOT_EXIST: { status: 404, v2: "ORDERNOTEXIST" },
  /** Refund of an unknown or unpaid order; refund query of an unknown refund. */
  RESOURCE_NOT_EXISTS: { status: 404, v2: "REFUNDNOTEXIST" },
  /** A bill not generated yet, out of the three months served, or a download link that is not valid. */
  NO_STATEMENT_EXIST: { status: 400, v2: "NO_BILL_EXIST" },
  FREQUENCY_LIMITED: { status: 429, v2: "FREQUENCY_LIMITED" },
  SYSTEM_ERROR: { status: 500, v2: "SYSTEMERROR" },
  /** Not a WeChat code: injected (fault SANDBOX_UNKNOWN_CODE) to test a client's handling of unmapped codes. */
  SANDBOX_UNKNOWN_CODE: { status: 400, v2: "SANDBOX_UNKNOWN_CODE" },
} as const satisfies Record<string, { readonly status: number; readonly v2: string }>;

export type WechatEngineErrorCode = keyof typeof WECHAT_ENGINE_ERRORS;

/** Which refund rule (docs/refunds.md "Rules checked before any call") a refusal enforces, so tests and transports can tell them apart. */
export type WechatRefundRule =
  | "window"
  | "count"
  | "sum"
  | "interval"
  | "total_mismatch"
  | "duplicate_mismatch"
  | "not_paid"
  | "rate_success"
  | "rate_failure";

export class WechatEngineError extends Error {
  override readonly name = "WechatEngineError";
  readonly httpStatus: number;
  /** The v2 / CloudPay err_code for the same refusal (TRADE_OVERDUE, NOTENOUGH, SYSTEMERROR, ...). */
  readonly v2Code: string;
  constructor(
    readonly code: WechatEngineErrorCode,
    message: string,
    readonly rule?: WechatRefundRule,
    v2Code?: string,
  ) {
    super(message);
    this.httpStatus = WECHAT_ENGINE_ERRORS[code].status;
    this.v2Code = v2Code ?? WECHAT_ENGINE_ERRORS[code].v2;
  }
}

/**
 * A fault that is not an answer: the transport must not reply normally. `timeout`: the call never
 * took effect and the connection hangs; `response_lost`: the call took effect (`result` holds
 * what would have been answered) and the connection drops before the answer.
 */
export class WechatTransportFault extends Error {
  override readonly name = "WechatTransportFault";
  constructor(
    readonly kind: "timeout" | "response_lost",
    readonly result?: unknown,
  ) {
    super(
      kind === "timeout"
        ? "injected timeout: no answer"
        : "injected fault: response lost after the call took effect",
    );
  }
}
