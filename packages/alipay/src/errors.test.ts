import {
  InsufficientFundsError,
  InvalidRequestError,
  NotFoundError,
  OutcomeUnknownError,
  ProviderError,
  ProviderUnavailableError,
  SignatureError,
  TradeStateError,
} from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { alipayAnswerError, alipayTransportError } from "./errors.js";

const answer = (sub_code: string) =>
  alipayAnswerError("alipay.trade.refund", { code: "40004", msg: "Business Failed", sub_code, sub_msg: "x" });

describe("alipay error classification", () => {
  it.each([
    ["ACQ.SYSTEM_ERROR", ProviderUnavailableError, "retry"],
    ["ACQ.TRADE_NOT_EXIST", NotFoundError, "final"],
    ["ACQ.SELLER_BALANCE_NOT_ENOUGH", InsufficientFundsError, "final"],
    ["ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", InvalidRequestError, "final"],
    ["ACQ.TRADE_STATUS_ERROR", TradeStateError, "final"],
    ["ACQ.TRADE_HAS_FINISHED", TradeStateError, "final"],
    ["ACQ.DISCORDANT_REPEAT_REQUEST", InvalidRequestError, "final"],
    ["isv.invalid-signature", SignatureError, "final"],
    ["ACQ.SOMETHING_NEW", ProviderError, "final"],
  ] as const)("%s -> %s (%s)", (code, cls, retryClass) => {
    const err = answer(code);
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ provider: "alipay", providerCode: code, retryClass });
  });

  it("keys on the code when there is no sub_code", () => {
    expect(
      alipayAnswerError("alipay.trade.query", { code: "20000", msg: "Service Currently Unavailable" }),
    ).toBeInstanceOf(ProviderUnavailableError);
  });

  it("classifies what alipay-sdk throws", () => {
    expect(alipayTransportError("m", new Error("验签失败，服务端返回的 sign: 'x' 无效"))).toBeInstanceOf(
      SignatureError,
    );
    const refused = Object.assign(new Error("HttpClient Request error: connect ECONNREFUSED"), {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(alipayTransportError("m", refused)).toBeInstanceOf(ProviderUnavailableError);
    expect(
      alipayTransportError("m", new Error("HttpClient Request error: Request timeout for 1500 ms")),
    ).toBeInstanceOf(OutcomeUnknownError);
    expect(alipayTransportError("m", new Error("HTTP 请求错误, status: 502"))).toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(alipayTransportError("m", new Error("Response 格式错误"))).toMatchObject({ retryable: true });
  });
});
