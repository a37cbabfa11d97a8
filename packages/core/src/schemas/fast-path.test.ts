import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fastPathDisagreements } from "../testkit/fast-path-agreement.js";
import { fastPathOf } from "./fast-path.js";
import { refundQuerySchema, refundRequestSchema } from "./refund.js";

/** Bad or unusual values a field can be given, each a different rule (or shape) to break. */
const ODD_VALUES: readonly unknown[] = [
  undefined,
  null,
  "",
  " ",
  "x".repeat(65),
  "x".repeat(257),
  "订单",
  "A B",
  "ok?",
  "ftp://example.com/n",
  "https://example.com/notify",
  "not a url",
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 53,
  "300",
  true,
  [],
  {},
  { fen: 0, currency: "CNY" },
  { fen: 1, currency: "USD" },
  { fen: 1, currency: "CNY", extra: 1 },
  { fen: 1 },
  { fen: 2000, currency: "CNY" },
  "AVAILABLE",
  "UNSETTLED",
  "OTHER",
  [{ account: "AVAILABLE", fen: 300 }],
];

const withProto = (value: object) => Object.assign(Object.create({ inherited: 1 }) as object, value);

/** Every input: the valid ones, each field of each set to each odd value, keys removed and added. */
function mutations(valid: readonly Record<string, unknown>[], keys: readonly string[]): unknown[] {
  const out: unknown[] = [...valid, null, [], "refund", 1, new Date()];
  for (const base of valid) {
    out.push(withProto(base), { ...base, unknownKey: "x" });
    for (const key of keys) {
      const { [key]: _removed, ...rest } = base;
      out.push(rest);
      for (const odd of ODD_VALUES) out.push({ ...base, [key]: odd });
    }
  }
  return out;
}

/** Checks the fast path against the schema on `inputs`; returns how many inputs it accepted. */
function expectSound(schema: z.ZodType, inputs: readonly unknown[]): number {
  const { taken, disagreements } = fastPathDisagreements(schema, inputs);
  expect(disagreements).toEqual([]);
  return taken;
}

const money = (fen: number) => ({ fen, currency: "CNY" });

describe("schema fast paths", () => {
  it("refundRequestSchema: accepts only what the schema accepts, and the common requests", () => {
    const valid = [
      { outTradeNo: "ORDER20261123001", outRefundNo: "R1", amount: money(300), total: money(1000) },
      {
        outTradeNo: "O|1*",
        providerTradeNo: "4200000001",
        outRefundNo: "R-1@x",
        amount: money(1000),
        total: money(1000),
        reason: "退货",
        notifyUrl: "https://shop.example.com/refund/notify",
        fundsAccount: "AVAILABLE",
      },
    ];
    const keys = [
      "outTradeNo",
      "providerTradeNo",
      "outRefundNo",
      "amount",
      "total",
      "reason",
      "notifyUrl",
      "fundsAccount",
      "from",
      "goodsDetail",
    ];
    const inputs = mutations(valid, keys);
    const taken = expectSound(refundRequestSchema, inputs);
    // Both valid requests and many of their valid variations take the fast path.
    for (const v of valid) expect(fastPathOf(refundRequestSchema)?.(v)).toBeDefined();
    expect(taken).toBeGreaterThan(20);
    // Checked against the schema on this many inputs, most of them invalid.
    expect(inputs.length).toBeGreaterThan(600);
  });

  it("refundQuerySchema: accepts only what the schema accepts", () => {
    const valid = [{ outTradeNo: "ORDER20261123001", outRefundNo: "R1" }];
    const taken = expectSound(refundQuerySchema, mutations(valid, ["outTradeNo", "outRefundNo"]));
    expect(fastPathOf(refundQuerySchema)?.(valid[0])).toEqual(valid[0]);
    expect(taken).toBeGreaterThan(2);
  });

  it("declines a request with from or goodsDetail, which the schema checks", () => {
    const fast = fastPathOf(refundRequestSchema);
    const base = { outTradeNo: "O1", outRefundNo: "R1", amount: money(300), total: money(1000) };
    expect(fast?.({ ...base, from: [{ account: "AVAILABLE", fen: 300 }] })).toBeUndefined();
    expect(fast?.({ ...base, amount: money(2000) })).toBeUndefined();
  });
});
