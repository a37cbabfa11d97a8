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
const DOWNLOAD = ["--merchant", "wx-main", "--date", "2026-03-01", "--app", "app.mjs"];

describe("parseReconcileArgs", () => {
  it("reads the flags of a bill file, the ledger in the ledgers' default schema", () => {
    expect(parseReconcileArgs([...OK, "--format", "csv"])).toMatchObject({
      mode: "file",
      merchant: "1900000001",
      date: "2026-03-01",
      format: "csv",
      schema: "paybridge",
    });
  });

  it("downloads when no --bill is given, with or without --download", () => {
    for (const argv of [DOWNLOAD, [...DOWNLOAD, "--download"]]) {
      expect(parseReconcileArgs(argv)).toEqual({
        mode: "download",
        merchant: "wx-main",
        date: "2026-03-01",
        format: "table",
        app: "app.mjs",
      });
    }
  });

  it.each([
    [["--date", "2026-03-01", "--provider", "alipay", "--bill", "b"], /--merchant is required/],
    [[...OK.slice(0, 2), "--date", "2026-3-1", ...OK.slice(4)], /--date must be a day yyyy-MM-dd/],
    [[...OK.slice(0, 4), "--provider", "paypal", ...OK.slice(6)], /--provider must be one of/],
    [[...OK, "--format", "xml"], /--format must be one of/],
    [[...OK, "--sha1", "abc"], /--sha1 must be 40 hex digits/],
    [DOWNLOAD.slice(0, 4), /--app is required to download/],
    [[...OK, "--download"], /--download and --bill exclude each other/],
    [[...DOWNLOAD, "--provider", "alipay"], /--provider is for --bill/],
    [[...OK, "--app", "a.mjs"], /--app is for downloads/],
  ])("refuses %j", (argv, rule) => {
    expect(() => parseReconcileArgs(argv)).toThrow(rule);
  });
});
