import {
  AccountAbnormalError,
  AuthorizationError,
  InsufficientFundsError,
  InvalidRequestError,
  NotFoundError,
  PaymentError,
  ProviderError,
  ProviderUnavailableError,
  RateLimitError,
  SignatureError,
  TradeStateError,
} from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { CLOUDPAY_DOCUMENTED_ERROR_CODES, CLOUDPAY_ERROR_TABLE, cloudPayError } from "./errors.js";

/** Every err_code of the CloudPay.refund and CloudPay.queryRefund pages, with the class and retry class docs/refunds.md gives. */
const EXPECTED = {
  SYSTEMERROR: [ProviderUnavailableError, "retry"],
  BIZERR_NEED_RETRY: [ProviderUnavailableError, "retry"],
  TRADE_OVERDUE: [TradeStateError, "final"],
  ERROR: [ProviderError, "final"],
  USER_ACCOUNT_ABNORMAL: [AccountAbnormalError, "final"],
  INVALID_REQ_TOO_MUCH: [RateLimitError, "throttle"],
  NOTENOUGH: [InsufficientFundsError, "final"],
  INVALID_TRANSACTIONID: [InvalidRequestError, "final"],
  PARAM_ERROR: [InvalidRequestError, "final"],
  APPID_NOT_EXIST: [InvalidRequestError, "final"],
  MCHID_NOT_EXIST: [InvalidRequestError, "final"],
  REQUIRE_POST_METHOD: [InvalidRequestError, "final"],
  SIGNERROR: [SignatureError, "final"],
  XML_FORMAT_ERROR: [InvalidRequestError, "final"],
  FREQUENCY_LIMITED: [RateLimitError, "retry"],
  NOAUTH: [AuthorizationError, "final"],
  REFUNDNOTEXIST: [NotFoundError, "final"],
} as const satisfies Record<(typeof CLOUDPAY_DOCUMENTED_ERROR_CODES)[number], readonly [unknown, string]>;

describe("CloudPay error table", () => {
  it("covers every code of the two pages", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...CLOUDPAY_DOCUMENTED_ERROR_CODES].sort());
    for (const code of CLOUDPAY_DOCUMENTED_ERROR_CODES) expect(CLOUDPAY_ERROR_TABLE).toHaveProperty(code);
  });

  it.each(Object.entries(EXPECTED))("%s -> %o", (code, [cls, retry]) => {
    const error = cloudPayError({ code, message: "描述" });
    expect(error).toBeInstanceOf(cls);
    expect(error.retryClass).toBe(retry);
    expect(error.retryable).toBe(retry !== "final");
    expect(error).toMatchObject({ provider: "wechatpay-cloud", providerCode: code, providerMessage: "描述" });
    expect(error.message).toContain(code);
  });

  it("keeps an unclassified code as a final ProviderError", () => {
    const error = cloudPayError({ code: "SOMETHING_NEW" });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toBeInstanceOf(PaymentError);
    expect(error.retryable).toBe(false);
  });
});
