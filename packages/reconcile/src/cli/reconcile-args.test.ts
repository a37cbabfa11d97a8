import { describe, expect, it } from "vitest";
import { parseReconcileArgs } from "./reconcile-args.js";

const OK = [
  "--merchant",
  "1900000001",
  "--date",
  "2026-03-01",
  "--provider",
  "wechatpay",
  "--bill",
  "bill.gz",
];

describe("parseReconcileArgs", () => {
  it("reads the flags", () => {
    expect(parseReconcileArgs([...OK, "--format", "csv"])).toMatchObject({
      merchant: "1900000001",
      date: "2026-03-01",
      format: "csv",
      schema: "public",
    });
  });

  it.each([
    [["--date", "2026-03-01", "--provider", "alipay", "--bill", "b"], /--merchant is required/],
    [[...OK.slice(0, 2), "--date", "2026-3-1", ...OK.slice(4)], /--date must be a day yyyy-MM-dd/],
    [[...OK.slice(0, 4), "--provider", "paypal", ...OK.slice(6)], /--provider must be one of/],
    [[...OK, "--format", "xml"], /--format must be one of/],
    [[...OK, "--sha1", "abc"], /--sha1 must be 40 hex digits/],
  ])("refuses %j", (argv, rule) => {
    expect(() => parseReconcileArgs(argv)).toThrow(rule);
  });
});
