import { describe, expect, it } from "vitest";
import {
  InsufficientFundsError,
  PaymentError,
  ProviderError,
  ProviderUnavailableError,
  RateLimitError,
} from "./errors.js";
import { createProviderErrorFactory } from "./factory.js";

const make = createProviderErrorFactory("wechatpay", {
  SYSTEM_ERROR: { kind: "unavailable" },
  NOT_ENOUGH: { kind: "insufficient_funds" },
  INVALID_REQ_TOO_MUCH: { kind: "rate_limited", retry: "throttle" },
});

describe("createProviderErrorFactory", () => {
  it("builds the category subclass with the provider's code and message", () => {
    const e = make({ code: "SYSTEM_ERROR", message: "系统超时", httpStatus: 500 });
    expect(e).toBeInstanceOf(ProviderUnavailableError);
    expect(e).toBeInstanceOf(PaymentError);
    expect(e).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      provider: "wechatpay",
      providerCode: "SYSTEM_ERROR",
      providerMessage: "系统超时",
      httpStatus: 500,
      retryable: true,
      retryClass: "retry",
    });
    expect(e.message).toBe("wechatpay SYSTEM_ERROR: 系统超时");
  });
  it("marks final categories as not retryable", () => {
    const e = make({ code: "NOT_ENOUGH" });
    expect(e).toBeInstanceOf(InsufficientFundsError);
    expect(e.retryable).toBe(false);
  });
  it("lets the table override a category's retry class", () => {
    const e = make({ code: "INVALID_REQ_TOO_MUCH" });
    expect(e).toBeInstanceOf(RateLimitError);
    expect(e.retryClass).toBe("throttle");
  });
  it("never retries a code nobody classified", () => {
    const e = make({ code: "SOMETHING_NEW", message: "?" });
    expect(e).toBeInstanceOf(ProviderError);
    expect(e.retryable).toBe(false);
    expect(e.providerCode).toBe("SOMETHING_NEW");
  });
  it("serialises without losing the fields a caller branches on", () => {
    const json = make({ code: "SYSTEM_ERROR", cause: new Error("socket hang up") }).toJSON();
    expect(json).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      retryable: true,
      providerCode: "SYSTEM_ERROR",
    });
  });
});
