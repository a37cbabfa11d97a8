import { cny, UnexpectedAnswerError, ValidationError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { v3MethodRule } from "./field-rules.js";
import { toV3PartnerCodePayBody } from "./partner-transformers.js";
import { v3PartnerReverseAnswerSchema } from "./partner-wire-types.js";
import { parseV3Answer } from "./transformers.js";

const sale = {
  method: "barcode" as const,
  outTradeNo: "POS0001",
  description: "门店-收银台",
  amount: cny(1280),
  notifyUrl: "https://example.com/n",
  authCode: "134567890123456789",
  store: { id: "SH-001", deviceId: "POS-7" },
};
const ids = { spMchid: "1900000001", spAppid: "wxsp00000000000001" };

describe("partner 付款码 transformers", () => {
  it("builds the partner codepay body: sp ids, sub_mchid, the direct fields, no appid / mchid / notify_url", () => {
    const body = toV3PartnerCodePayBody(sale, sale.authCode, ids, { subMchid: "1900000101" });
    expect(body).toEqual({
      sp_appid: "wxsp00000000000001",
      sp_mchid: "1900000001",
      sub_mchid: "1900000101",
      description: "门店-收银台",
      out_trade_no: "POS0001",
      payer: { auth_code: "134567890123456789" },
      amount: { total: 1280, currency: "CNY" },
      scene_info: { store_info: { out_id: "SH-001" }, device_id: "POS-7" },
    });
  });

  it("names sub_appid when the sub-merchant has its own app", () => {
    const body = toV3PartnerCodePayBody(sale, sale.authCode, ids, {
      subMchid: "1900000102",
      subAppid: "wxsub0000000000002",
    });
    expect(body.sub_appid).toBe("wxsub0000000000002");
  });

  it("holds a sub-merchant's barcode payment to WeChat's 付款码 and store rules, before any call", () => {
    expect(() => v3MethodRule({ ...sale, authCode: "28123456789012345" }, "payment")).toThrow(
      /payment\.authCode: must be a WeChat 付款码/,
    );
    const { store: _store, ...noStore } = sale;
    expect(() => v3MethodRule(noStore, "payment")).toThrow(ValidationError);
    expect(() => v3MethodRule(sale, "payment")).not.toThrow();
  });

  it("reads the partner 撤销 answer and refuses one whose ids are not strings", () => {
    const ok = parseV3Answer("reverse", v3PartnerReverseAnswerSchema, {
      sp_mchid: "1900000001",
      sub_mchid: "1900000101",
      out_trade_no: "POS0001",
    });
    expect(ok.sub_mchid).toBe("1900000101");
    expect(() =>
      parseV3Answer("reverse", v3PartnerReverseAnswerSchema, { sp_mchid: 1, out_trade_no: "POS0001" }),
    ).toThrow(UnexpectedAnswerError);
  });
});
