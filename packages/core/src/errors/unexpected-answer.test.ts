import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isPaymentError, OutcomeUnknownError, PaymentError } from "./errors.js";
import { parseAnswer, UnexpectedAnswerError } from "./unexpected-answer.js";

const refundAnswer = z.looseObject({
  out_refund_no: z.string().min(1),
  amount: z.looseObject({ refund: z.number().int().nonnegative(), currency: z.literal("CNY") }),
});

describe("parseAnswer", () => {
  it("returns the parsed answer and keeps fields the schema does not name", () => {
    const parsed = parseAnswer({
      provider: "wechatpay",
      method: "POST /v3/refund/domestic/refunds",
      schema: refundAnswer,
      value: { out_refund_no: "R1", amount: { refund: 100, currency: "CNY" }, extra: 1 },
    });
    expect(parsed.amount.refund).toBe(100);
    expect((parsed as Record<string, unknown>).extra).toBe(1);
  });

  it("throws an UnexpectedAnswerError naming each field and its rule, with the outcome unknown", () => {
    let thrown: unknown;
    try {
      parseAnswer({
        provider: "wechatpay",
        method: "POST /v3/refund/domestic/refunds",
        schema: refundAnswer,
        value: { amount: { refund: "100", currency: "CNY" } },
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnexpectedAnswerError);
    expect(thrown).toBeInstanceOf(OutcomeUnknownError);
    expect(thrown).toBeInstanceOf(PaymentError);
    const error = thrown as UnexpectedAnswerError;
    expect(error.provider).toBe("wechatpay");
    expect(error.code).toBe("OUTCOME_UNKNOWN");
    expect(error.retryable).toBe(true);
    expect(error.field).toBe("out_refund_no");
    expect(error.issues.map((i) => i.field)).toEqual(["out_refund_no", "amount.refund"]);
    expect(error.message).toMatch(
      /^wechatpay POST \/v3\/refund\/domestic\/refunds: unexpected answer \(out_refund_no: .+; amount\.refund: .+\)/,
    );
    expect(error.toJSON()).toMatchObject({
      field: "out_refund_no",
      method: "POST /v3/refund/domestic/refunds",
    });
  });

  it("names the root when the answer is not an object at all", () => {
    expect(() =>
      parseAnswer({
        provider: "alipay",
        method: "alipay.trade.query",
        schema: refundAnswer,
        value: "<html>",
      }),
    ).toThrow(expect.objectContaining({ field: "(answer)", provider: "alipay" }));
  });

  it("is recognised across copies by its brand", () => {
    const error = new UnexpectedAnswerError("m", [{ field: "a", rule: "r" }]);
    const brands = (error as unknown as Record<symbol, readonly string[]>)[Symbol.for("paybridge.error")];
    expect(brands).toEqual(["UnexpectedAnswerError", "OutcomeUnknownError", "PaymentError"]);
    expect(isPaymentError(error)).toBe(true);
  });
});
