import {
  AccountAbnormalError,
  AuthorizationError,
  InsufficientFundsError,
  InvalidRequestError,
  NotFoundError,
  ProviderError,
  ProviderUnavailableError,
  RateLimitError,
  SignatureError,
  TradeStateError,
} from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { wechatError } from "./errors.js";

describe("WeChat error factory (docs/refunds.md error classes)", () => {
  it.each([
    ["SYSTEM_ERROR", ProviderUnavailableError, "retry"],
    ["SYSTEMERROR", ProviderUnavailableError, "retry"],
    ["BIZERR_NEED_RETRY", ProviderUnavailableError, "retry"],
    ["FREQUENCY_LIMITED", RateLimitError, "retry"],
    ["INVALID_REQ_TOO_MUCH", RateLimitError, "throttle"],
    ["NOT_ENOUGH", InsufficientFundsError, "final"],
    ["NOTENOUGH", InsufficientFundsError, "final"],
    ["USER_ACCOUNT_ABNORMAL", AccountAbnormalError, "final"],
    ["RESOURCE_NOT_EXISTS", NotFoundError, "final"],
    ["ORDER_NOT_EXIST", NotFoundError, "final"],
    ["REFUNDNOTEXIST", NotFoundError, "final"],
    ["PARAM_ERROR", InvalidRequestError, "final"],
    ["INVALID_REQUEST", InvalidRequestError, "final"],
    ["INVALID_TRANSACTIONID", InvalidRequestError, "final"],
    ["SIGN_ERROR", SignatureError, "final"],
    ["SIGNERROR", SignatureError, "final"],
    ["NO_AUTH", AuthorizationError, "final"],
    ["NOAUTH", AuthorizationError, "final"],
    ["MCH_NOT_EXISTS", AuthorizationError, "final"],
    ["ORDER_CLOSED", TradeStateError, "final"],
    ["ORDERPAID", TradeStateError, "final"],
    ["TRADE_OVERDUE", TradeStateError, "final"],
    ["SOMETHING_NEW", ProviderError, "final"],
  ] as const)("%s -> %o (%s)", (code, cls, retryClass) => {
    const e = wechatError({ code, message: "msg", httpStatus: 400 });
    expect(e).toBeInstanceOf(cls);
    expect([e.retryClass, e.retryable, e.provider, e.providerCode, e.providerMessage]).toEqual([
      retryClass,
      retryClass !== "final",
      "wechatpay",
      code,
      "msg",
    ]);
  });
});
