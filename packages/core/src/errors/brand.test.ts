import { describe, expect, it } from "vitest";
import {
  isPaymentError,
  OutcomeUnknownError,
  PAYMENT_ERROR_BRAND,
  PaymentError,
  RefundOutcomeUnknownError,
  SignatureError,
  ValidationError,
} from "./errors.js";

describe("the PaymentError brand", () => {
  it("lists the class chain up to PaymentError, under the global symbol", () => {
    const e = new RefundOutcomeUnknownError("r1", new SignatureError("bad signature"));
    expect(PAYMENT_ERROR_BRAND).toBe(Symbol.for("paybridge.error"));
    expect(e[PAYMENT_ERROR_BRAND]).toEqual([
      "RefundOutcomeUnknownError",
      "OutcomeUnknownError",
      "PaymentError",
    ]);
    expect(e instanceof OutcomeUnknownError && e instanceof PaymentError).toBe(true);
    expect(e instanceof ValidationError).toBe(false);
  });

  it("is not enumerable, so JSON and logs are unchanged", () => {
    const e = new ValidationError("amount", "amount: must be a positive integer");
    expect(Object.keys(e)).not.toContain(PAYMENT_ERROR_BRAND.toString());
    expect(Object.getOwnPropertySymbols(e)).toEqual([PAYMENT_ERROR_BRAND]);
    expect(Object.getOwnPropertyDescriptor(e, PAYMENT_ERROR_BRAND)?.enumerable).toBe(false);
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ name: "ValidationError", code: "VALIDATION" });
  });

  it("recognises a branded error of another copy by class name, and nothing else", () => {
    // What the other build's constructor leaves on its instances.
    const foreign = Object.assign(new Error("bad signature"), {
      [PAYMENT_ERROR_BRAND]: ["SignatureError", "PaymentError"],
    });
    expect(foreign instanceof SignatureError).toBe(true);
    expect(foreign instanceof PaymentError).toBe(true);
    expect(foreign instanceof ValidationError).toBe(false);
    expect(isPaymentError(foreign)).toBe(true);
    for (const v of [new Error("x"), { [PAYMENT_ERROR_BRAND]: "PaymentError" }, null, 1, "PaymentError"]) {
      expect(v instanceof PaymentError).toBe(false);
      expect(isPaymentError(v)).toBe(false);
    }
  });

  it("narrows types through instanceof", () => {
    const e: unknown = new ValidationError("amount", "amount: must be a positive integer");
    if (!(e instanceof ValidationError)) throw new Error("expected a ValidationError");
    expect(e.field).toBe("amount");
  });
});
