import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/errors.js";
import { cny } from "../money/money.js";
import { rawNotificationSchema } from "./notification.js";
import { parseInput } from "./parse.js";
import { closePaymentSchema, createPaymentSchema, tradeQuerySchema } from "./payment.js";
import { refundQuerySchema, refundRequestSchema } from "./refund.js";

const payment = {
  outTradeNo: "ORDER20261123001",
  description: "两件T恤",
  amount: cny(1999),
  method: "native" as const,
  notifyUrl: "https://shop.example.com/pay/notify",
};
const refund = { outTradeNo: "ORDER20261123001", outRefundNo: "R1", amount: cny(500), total: cny(1999) };

/** The ValidationError thrown for `value`, so a test can assert its field and its message. */
function rejection(schema: Parameters<typeof parseInput>[0], value: unknown, root: string): ValidationError {
  try {
    parseInput(schema, value, root);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected a ValidationError");
}

describe("create payment schema", () => {
  it("accepts a valid request for each method", () => {
    expect(parseInput(createPaymentSchema, payment, "payment").amount).toEqual(cny(1999));
    parseInput(
      createPaymentSchema,
      { ...payment, method: "jsapi", payer: { openid: "oUpF8uMuAJO" } },
      "payment",
    );
    parseInput(createPaymentSchema, { ...payment, method: "h5", payer: { clientIp: "1.2.3.4" } }, "payment");
    for (const method of ["app", "page"]) parseInput(createPaymentSchema, { ...payment, method }, "payment");
  });

  it.each([
    // Core keeps only what every provider shares; WeChat's 6-32 and 127 are its own fieldRules.
    [{ outTradeNo: "" }, "payment.outTradeNo", "must be 1-64 characters of digits, letters and _-|*"],
    [{ outTradeNo: "ORDER 1234" }, "payment.outTradeNo", "must be 1-64 characters"],
    [{ outTradeNo: "A".repeat(65) }, "payment.outTradeNo", "must be 1-64 characters"],
    [{ description: "" }, "payment.description", "must not be empty"],
    [{ description: "x".repeat(257) }, "payment.description", "must be at most 256 characters"],
    [
      { amount: { fen: 10.5, currency: "CNY" } },
      "payment.amount.fen",
      "must be an integer number of fen, not a fraction",
    ],
    [{ amount: { fen: 0, currency: "CNY" } }, "payment.amount.fen", "must be at least 1 fen"],
    [{ amount: { fen: -1, currency: "CNY" } }, "payment.amount.fen", "must not be negative"],
    [{ amount: { fen: "100", currency: "CNY" } }, "payment.amount.fen", "must be an integer number of fen"],
    [{ amount: { fen: 100, currency: "USD" } }, "payment.amount.currency", "must be one of CNY"],
    [
      { amount: { fen: 2 ** 53, currency: "CNY" } },
      "payment.amount.fen",
      "must be at most Number.MAX_SAFE_INTEGER",
    ],
    [{ method: "cash" }, "payment.method", "must be one of jsapi, mini_program, native, h5, app, page"],
    [{ notifyUrl: "ftp://shop.example.com/notify" }, "payment.notifyUrl", "must be an http or https URL"],
    [{ notifyUrl: "notify" }, "payment.notifyUrl", "must be an absolute URL"],
    [{ method: "jsapi" }, "payment.payer", "is required for method jsapi"],
    [{ method: "h5" }, "payment.payer.clientIp", "is required for method h5"],
    [{ extra: 1 }, "payment", "Unrecognized key"],
  ])("rejects %j naming %s", (patch, field, rule) => {
    const e = rejection(createPaymentSchema, { ...payment, ...patch }, "payment");
    expect(e.field).toBe(field);
    expect(e.message).toContain(`${field}: ${rule}`);
  });

  it("leaves the notify URL's scheme rules to each provider (WeChat: https; Alipay: http or https)", () => {
    parseInput(createPaymentSchema, { ...payment, notifyUrl: "http://127.0.0.1:8080/notify" }, "payment");
    parseInput(createPaymentSchema, { ...payment, notifyUrl: "http://10.0.0.1/notify" }, "payment");
  });
});

describe("refund request schema", () => {
  it("accepts refund numbers of digits, letters and _-|@ up to 64 characters", () => {
    for (const outRefundNo of ["R1", "a_b-c|d@e", "9".repeat(64)]) {
      parseInput(refundRequestSchema, { ...refund, outRefundNo }, "refund");
    }
  });
  it.each([
    [{ outRefundNo: "" }, "refund.outRefundNo", "must be 1-64 characters of digits, letters and _-|@"],
    [{ outRefundNo: "R*1" }, "refund.outRefundNo", "must be 1-64 characters"],
    [{ outRefundNo: "9".repeat(65) }, "refund.outRefundNo", "must be 1-64 characters"],
    [{ outRefundNo: "退款1" }, "refund.outRefundNo", "must be 1-64 characters"],
    [{ amount: cny(0) }, "refund.amount.fen", "must be at least 1 fen"],
    [{ amount: cny(2000) }, "refund.amount.fen", "must not exceed the order total of 1999 fen"],
    [{ reason: "理".repeat(257) }, "refund.reason", "must be at most 256 characters"],
    [{ from: [{ account: "AVAILABLE", fen: 1 }] }, "refund.from", "amounts must add up to amount.fen"],
    [{ fundsAccount: "BASIC" }, "refund.fundsAccount", ""],
  ])("rejects %j naming %s", (patch, field, rule) => {
    const e = rejection(refundRequestSchema, { ...refund, ...patch }, "refund");
    expect(e.field).toBe(field);
    expect(e.message).toContain(`${field}: ${rule}`);
  });
});

describe("queries and notifications", () => {
  it("queries a trade by merchant or provider number, nothing else", () => {
    parseInput(tradeQuerySchema, { outTradeNo: "ORDER20261123001" }, "query");
    parseInput(tradeQuerySchema, { providerTradeNo: "4200001234" }, "query");
    expect(() => parseInput(tradeQuerySchema, {}, "query")).toThrow(
      /query: must give outTradeNo or providerTradeNo/,
    );
  });
  it("names the field of a bad close or refund query", () => {
    expect(() => parseInput(closePaymentSchema, { outTradeNo: "x y" }, "close")).toThrow(/close\.outTradeNo/);
    expect(() => parseInput(refundQuerySchema, { outTradeNo: "ORDER20261123001" }, "q")).toThrow(
      /q\.outRefundNo/,
    );
  });
  it("requires the raw notification body as a string", () => {
    expect(() => parseInput(rawNotificationSchema, { headers: {}, body: "" }, "notification")).toThrow(
      "notification.body: must not be empty",
    );
    expect(() => parseInput(rawNotificationSchema, { headers: {}, body: { a: 1 } }, "notification")).toThrow(
      "notification.body: must be the raw request body as a string",
    );
  });
});

describe("create payment schema: barcode (in person)", () => {
  const barcode = { ...payment, method: "barcode" as const, authCode: "134567890123456789" };
  it("accepts a barcode payment with the scanned code and an optional store", () => {
    expect(parseInput(createPaymentSchema, barcode, "payment").authCode).toBe("134567890123456789");
    parseInput(createPaymentSchema, { ...barcode, store: { id: "SH-001", deviceId: "POS-7" } }, "payment");
  });
  it("names authCode when it is missing or not the scanner's digits", () => {
    const missing = rejection(createPaymentSchema, { ...barcode, authCode: undefined }, "payment");
    expect(missing.field).toBe("payment.authCode");
    expect(missing.message).toMatch(/required for method barcode/);
    const letters = rejection(createPaymentSchema, { ...barcode, authCode: "13456789012345678x" }, "payment");
    expect(letters.field).toBe("payment.authCode");
    expect(letters.message).toMatch(/16-24 digits/);
    expect(rejection(createPaymentSchema, { ...barcode, authCode: "1234" }, "payment").field).toBe(
      "payment.authCode",
    );
  });
  it("refuses an authCode or store on a method that is not barcode", () => {
    const e = rejection(createPaymentSchema, { ...payment, authCode: "134567890123456789" }, "payment");
    expect(e.field).toBe("payment.authCode");
    expect(e.message).toMatch(/for method barcode only/);
    expect(rejection(createPaymentSchema, { ...payment, store: { id: "S1" } }, "payment").field).toBe(
      "payment.store",
    );
  });
  it("names a bad store field", () => {
    expect(rejection(createPaymentSchema, { ...barcode, store: { id: "bad id!" } }, "payment").field).toBe(
      "payment.store.id",
    );
  });
});
