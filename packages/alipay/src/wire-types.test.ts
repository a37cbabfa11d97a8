import { UnexpectedAnswerError } from "@paybridge/core";
import { fastPathOf, parseAnswer } from "@paybridge/core/provider-kit";
import { fastPathDisagreements } from "@paybridge/core/testkit";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  answerObjectSchema,
  billUrlResponseSchema,
  cancelResponseSchema,
  certDownloadResponseSchema,
  closeResponseSchema,
  createResponseSchema,
  notificationFieldsSchema,
  payResponseSchema,
  precreateResponseSchema,
  refundQueryResponseSchema,
  refundResponseSchema,
  tradeQueryResponseSchema,
} from "./wire-types.js";

const read = (schema: z.ZodType, value: unknown) =>
  parseAnswer({ provider: "alipay", method: "alipay.test", schema, value });

function rejection(schema: z.ZodType, value: unknown): UnexpectedAnswerError {
  try {
    read(schema, value);
  } catch (error) {
    if (error instanceof UnexpectedAnswerError) return error;
    throw error;
  }
  throw new Error("expected an UnexpectedAnswerError");
}

const without = (answer: Record<string, unknown>, field: string) => {
  const { [field]: _gone, ...rest } = answer;
  return rest;
};

// Answers as the sandbox sends them (sandbox/src/alipay/methods/*.ts), with the traceId alipay-sdk adds.
const ok = { code: "10000", msg: "Success", traceId: "0b3f1c" };
const paidTrade = {
  ...ok,
  trade_no: "2026030122001400001",
  out_trade_no: "ORDER1",
  buyer_logon_id: "159****5620",
  total_amount: "100.00",
  buyer_pay_amount: "83.00",
  point_amount: "2.00",
  invoice_amount: "83.00",
  receipt_amount: "90.00",
  buyer_user_id: "2088102177846880",
};

interface Case {
  readonly name: string;
  readonly schema: z.ZodType;
  readonly answer: Record<string, unknown>;
  /** Fields PayBridge reads that the page marks 必填. */
  readonly required: readonly string[];
  /** Each read field with a value of the wrong type or form. */
  readonly wrong: Readonly<Record<string, unknown>>;
  /** The 10003 pay answer is read for its out_trade_no only: its amounts are left as sent. */
  readonly amountsUnread?: true;
}

const CASES: readonly Case[] = [
  {
    name: "alipay.trade.precreate",
    schema: precreateResponseSchema,
    answer: { ...ok, out_trade_no: "ORDER1", qr_code: "https://qr.alipay.com/bax01" },
    required: ["out_trade_no", "qr_code"],
    wrong: { out_trade_no: 1, qr_code: "" },
  },
  {
    name: "alipay.trade.create",
    schema: createResponseSchema,
    answer: { ...ok, out_trade_no: "ORDER1", trade_no: "2026030122001400001" },
    required: ["out_trade_no", "trade_no"],
    wrong: { trade_no: 2026, out_trade_no: null },
  },
  {
    name: "alipay.trade.query",
    schema: tradeQueryResponseSchema,
    answer: {
      ...paidTrade,
      trade_status: "TRADE_SUCCESS",
      subject: "商品",
      send_pay_date: "2026-03-01 09:00:00",
    },
    required: ["trade_no", "out_trade_no", "trade_status", "total_amount"],
    wrong: {
      trade_status: 3,
      total_amount: "100.001",
      buyer_pay_amount: { yuan: "1" },
      receipt_amount: "-1.00",
      point_amount: true,
      send_pay_date: 20260301,
    },
  },
  {
    name: "alipay.trade.pay (10000)",
    schema: payResponseSchema,
    answer: { ...paidTrade, gmt_payment: "2026-03-01 09:00:00" },
    required: ["trade_no", "out_trade_no", "total_amount", "code"],
    wrong: { total_amount: "1,00", gmt_payment: 1, code: "10001" },
  },
  {
    name: "alipay.trade.pay (10003)",
    schema: payResponseSchema,
    answer: { ...paidTrade, code: "10003", msg: "Order success pay inprocess" },
    required: ["out_trade_no"],
    wrong: { out_trade_no: 7, trade_no: 7 },
    amountsUnread: true,
  },
  {
    name: "alipay.trade.close",
    schema: closeResponseSchema,
    answer: { ...ok, trade_no: "2026030122001400001", out_trade_no: "ORDER1" },
    required: [],
    wrong: { out_trade_no: 1, trade_no: [] },
  },
  {
    name: "alipay.trade.cancel",
    schema: cancelResponseSchema,
    answer: {
      ...ok,
      trade_no: "2026030122001400001",
      out_trade_no: "ORDER1",
      retry_flag: "N",
      action: "close",
    },
    required: ["retry_flag"],
    wrong: { retry_flag: "yes", action: "refunded", out_trade_no: 1 },
  },
  {
    name: "alipay.trade.refund",
    schema: refundResponseSchema,
    answer: {
      ...ok,
      trade_no: "2026030122001400001",
      out_trade_no: "ORDER1",
      buyer_logon_id: "159****5620",
      buyer_user_id: "2088102177846880",
      fund_change: "Y",
      refund_fee: "6.00",
      send_back_fee: "6.00",
      gmt_refund_pay: "2026-03-01 10:00:00",
      present_refund_buyer_amount: "6.00",
      present_refund_discount_amount: "0.00",
      present_refund_mdiscount_amount: "0.00",
    },
    required: ["trade_no", "out_trade_no", "fund_change", "refund_fee"],
    wrong: {
      fund_change: true,
      refund_fee: "6.001",
      send_back_fee: {},
      present_refund_buyer_amount: "six",
      gmt_refund_pay: 1,
    },
  },
  {
    name: "alipay.trade.fastpay.refund.query",
    schema: refundQueryResponseSchema,
    answer: {
      ...ok,
      trade_no: "2026030122001400001",
      out_trade_no: "ORDER1",
      out_request_no: "ORDER1R1",
      total_amount: "10.00",
      refund_amount: "6.00",
      refund_status: "REFUND_SUCCESS",
      gmt_refund_pay: "2026-03-01 10:00:00",
      send_back_fee: "6.00",
      present_refund_buyer_amount: "6.00",
      present_refund_discount_amount: "0.00",
      present_refund_mdiscount_amount: "0.00",
    },
    required: [],
    wrong: {
      refund_amount: "6.005",
      refund_status: 1,
      out_request_no: 1,
      present_refund_mdiscount_amount: [],
    },
  },
  {
    name: "alipay.data.dataservice.bill.downloadurl.query",
    schema: billUrlResponseSchema,
    answer: { ...ok, bill_download_url: "http://127.0.0.1:4000/bills/abc.zip" },
    required: ["bill_download_url"],
    wrong: { bill_download_url: "ftp://host/bill.zip" },
  },
  {
    name: "alipay.open.app.alipaycert.download",
    schema: certDownloadResponseSchema,
    answer: { ...ok, alipay_cert_content: Buffer.from("-----BEGIN CERTIFICATE-----").toString("base64") },
    required: ["alipay_cert_content"],
    wrong: { alipay_cert_content: "<html>" },
  },
  {
    name: "notification",
    schema: notificationFieldsSchema,
    answer: {
      notify_id: "2026030100222100000",
      notify_type: "trade_status_sync",
      notify_time: "2026-03-01 09:00:01",
      app_id: "2021000000000001",
      auth_app_id: "2021000000000001",
      seller_id: "2088000000000001",
      trade_no: "2026030122001400001",
      out_trade_no: "ORDER1",
      trade_status: "TRADE_SUCCESS",
      total_amount: "100.00",
      buyer_pay_amount: "83.00",
      receipt_amount: "90.00",
      point_amount: "2.00",
      gmt_payment: "2026-03-01 09:00:00",
      charset: "utf-8",
      sign_type: "RSA2",
      sign: "c2lnbg==",
    },
    required: ["notify_id", "app_id", "out_trade_no", "trade_status", "total_amount", "sign"],
    wrong: { total_amount: "100.000", refund_fee: "1e2", buyer_pay_amount: "83.0.0", notify_id: "" },
  },
];

describe("alipay answer schemas", () => {
  it.each(CASES)(
    "$name: an answer shaped as the sandbox sends it parses, amounts in fen",
    ({ schema, answer, amountsUnread }) => {
      const parsed = read(schema, answer) as Record<string, unknown>;
      for (const [key, value] of Object.entries(answer)) {
        if (!amountsUnread && typeof value === "string" && /^\d+\.\d{2}$/.test(value)) {
          expect(parsed[key]).toBe(Number(value.replace(".", "")));
        }
      }
      // Lenient about fields PayBridge does not read.
      expect(read(schema, { ...answer, some_new_field: { nested: true } })).toBeDefined();
    },
  );

  it.each(
    CASES.flatMap((c) =>
      c.required.map((field) => ({ name: c.name, field, schema: c.schema, answer: c.answer })),
    ),
  )("$name without $field is an UnexpectedAnswerError naming it", ({ field, schema, answer }) => {
    const error = rejection(schema, without(answer, field));
    expect(error).toMatchObject({ name: "UnexpectedAnswerError", code: "OUTCOME_UNKNOWN", field });
    expect(error.provider).toBe("alipay");
    expect(error.message).toContain(field);
  });

  it.each(
    CASES.flatMap((c) =>
      Object.entries(c.wrong).map(([field, value]) => ({
        name: c.name,
        field,
        value,
        schema: c.schema,
        answer: c.answer,
      })),
    ),
  )("$name with $field $value is an UnexpectedAnswerError naming it", ({ field, value, schema, answer }) => {
    const error = rejection(schema, { ...answer, [field]: value });
    expect(error.field).toBe(field);
    expect(error.issues.map((i) => i.field)).toContain(field);
  });

  it("reads yuan exactly: no rounding, no float arithmetic", () => {
    const refund = read(refundResponseSchema, {
      ...CASES[7]?.answer,
      refund_fee: "0.07",
      send_back_fee: "99999999.99",
    }) as { refund_fee: number; send_back_fee: number };
    expect(refund.refund_fee).toBe(7);
    expect(refund.send_back_fee).toBe(9_999_999_999);
    // A JSON number is read by its own text: 88.8 is 8880 fen, 0.015 is refused (never rounded to 0.02).
    expect(
      (read(refundResponseSchema, { ...CASES[7]?.answer, refund_fee: 88.8 }) as { refund_fee: number })
        .refund_fee,
    ).toBe(8880);
    expect(rejection(refundResponseSchema, { ...CASES[7]?.answer, refund_fee: 0.015 }).field).toBe(
      "refund_fee",
    );
  });

  it("an optional field sent empty is absent, as before", () => {
    const parsed = read(refundQueryResponseSchema, { ...ok, refund_amount: "", refund_status: "" }) as Record<
      string,
      unknown
    >;
    expect(parsed.refund_amount).toBeUndefined();
  });
});

describe("answer fast paths", () => {
  const odd: readonly unknown[] = [
    undefined,
    null,
    "",
    "x",
    "6.001",
    "1e2",
    6,
    6.5,
    1e21,
    Number.NaN,
    true,
    [],
    {},
    "Y",
    "N",
  ];
  const withFast = CASES.filter((c) => fastPathOf(c.schema) !== undefined);

  it("the refund and refund query answers and the answer object have one", () => {
    expect(withFast.map((c) => c.name)).toEqual(
      expect.arrayContaining(["alipay.trade.refund", "alipay.trade.fastpay.refund.query"]),
    );
    expect(fastPathOf(answerObjectSchema)?.({ code: 10000 })).toEqual({ code: 10000 });
  });

  it.each(withFast)(
    "$name: accepts only what the schema accepts, with the schema's output",
    ({ schema, answer }) => {
      const fast = fastPathOf(schema);
      if (!fast) throw new Error("no fast path");
      const inputs: unknown[] = [answer, { ...answer, added_later: 1 }, null, [], "10000"];
      for (const key of [...Object.keys(answer), "code", "msg", "sub_code"]) {
        inputs.push(without(answer, key));
        for (const value of odd) inputs.push({ ...answer, [key]: value });
      }
      const { taken, disagreements } = fastPathDisagreements(schema, inputs);
      expect(disagreements).toEqual([]);
      expect(fast(answer)).toEqual(schema.parse(answer));
      expect(taken).toBeGreaterThan(10);
    },
  );
});
