import { describe, expect, it } from "vitest";
import {
  categoryError,
  LimiterUnavailableError,
  MerchantMismatchError,
  NotFoundError,
  OutcomeUnknownError,
  PAYMENT_ERROR_BRAND,
  PaymentError,
  ProviderUnavailableError,
  RefundOutcomeUnknownError,
  SignatureError,
  TradeStateError,
} from "./errors.js";

describe("category errors built by categoryError", () => {
  it("keep their class name, code, brand chain and JSON", () => {
    const e = new NotFoundError("no such order", { provider: "memory", providerCode: "NOT_FOUND" });
    expect(NotFoundError.name).toBe("NotFoundError");
    expect(e.name).toBe("NotFoundError");
    expect(e.code).toBe("NOT_FOUND");
    expect(e[PAYMENT_ERROR_BRAND]).toEqual(["NotFoundError", "PaymentError"]);
    expect(e instanceof NotFoundError && e instanceof PaymentError && e instanceof Error).toBe(true);
    expect(e instanceof SignatureError).toBe(false);
    expect(String(e.stack)).toContain("NotFoundError: no such order");
    expect(e.toJSON()).toMatchObject({ name: "NotFoundError", code: "NOT_FOUND", provider: "memory" });
  });

  it("take the category's default retry class, which options override", () => {
    expect(new TradeStateError("x").retryClass).toBe("final");
    expect(new ProviderUnavailableError("x").retryClass).toBe("retry");
    expect(new LimiterUnavailableError("x").retryable).toBe(true);
    expect(new OutcomeUnknownError("x", { retryClass: "throttle" }).retryClass).toBe("throttle");
  });

  it("can be subclassed, and the subclass brands its own name first", () => {
    const reason = new SignatureError("bad signature", { provider: "alipay" });
    const e = new RefundOutcomeUnknownError("R1", reason);
    expect(e[PAYMENT_ERROR_BRAND]).toEqual([
      "RefundOutcomeUnknownError",
      "OutcomeUnknownError",
      "PaymentError",
    ]);
    expect(e instanceof OutcomeUnknownError).toBe(true);
    expect(e).toMatchObject({
      name: "RefundOutcomeUnknownError",
      code: "OUTCOME_UNKNOWN",
      provider: "alipay",
    });
  });

  it("recognises another copy's category error by its brand", () => {
    const Other = categoryError("NotFoundError", "NOT_FOUND");
    const foreign = new Other("from another copy");
    expect(Other).not.toBe(NotFoundError);
    expect(foreign instanceof NotFoundError).toBe(true);
    expect(foreign instanceof TradeStateError).toBe(false);
  });
});

describe("MerchantMismatchError", () => {
  it("names the subject and both merchants, and is final", () => {
    const e = new MerchantMismatchError("order O1", "mem-a", "mem-b", { provider: "memory" });
    expect(e.message).toBe("order O1 belongs to merchant mem-a, not mem-b");
    expect(e.retryable).toBe(false);
    expect(e.toJSON()).toMatchObject({
      code: "MERCHANT_MISMATCH",
      provider: "memory",
      subject: "order O1",
      expected: "mem-a",
      actual: "mem-b",
    });
  });
});
