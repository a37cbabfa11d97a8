import { createVerify, generateKeyPairSync } from "node:crypto";
import { AmountMismatchError, cny } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { wechatPayV3ConfigSchema } from "./config.js";
import { signPayLines } from "./pay-client.js";
import {
  assertRefundEcho,
  fromV3Prepay,
  fromV3Refund,
  fromV3Transaction,
  parseV3Answer,
  toV3OrderBody,
  toV3RefundBody,
} from "./transformers.js";
import { pathOf } from "./transport.js";
import { v3RefundSchema } from "./wire-types.js";

describe("v3 transformers", () => {
  it("writes time_expire as RFC 3339 Beijing time", () => {
    const body = toV3OrderBody({
      method: "native",
      outTradeNo: "T1",
      description: "d",
      amount: { fen: 1, currency: "CNY" },
      notifyUrl: "https://example.com/n",
      expiresAt: new Date("2015-05-20T05:29:35Z"),
    });
    expect(body.time_expire).toBe("2015-05-20T13:29:35+08:00");
  });

  it("builds order bodies per method", () => {
    const base = {
      outTradeNo: "ORDER0001",
      description: "d",
      amount: cny(88),
      notifyUrl: "https://m.example/n",
    };
    expect(toV3OrderBody({ ...base, method: "jsapi", payer: { openid: "o1" } })).toEqual({
      description: "d",
      out_trade_no: "ORDER0001",
      notify_url: "https://m.example/n",
      amount: { total: 88, currency: "CNY" },
      payer: { openid: "o1" },
    });
    expect(toV3OrderBody({ ...base, method: "h5", payer: { clientIp: "1.2.3.4" } }).scene_info).toEqual({
      payer_client_ip: "1.2.3.4",
      h5_info: { type: "Wap" },
    });
  });

  it("builds the refund body with every field of the v3 refund page, transaction_id first", () => {
    const body = toV3RefundBody(
      {
        outTradeNo: "ORDER0001",
        providerTradeNo: "4200000001",
        outRefundNo: "R1",
        amount: cny(888),
        total: cny(888),
        reason: "商品已售完",
        fundsAccount: "AVAILABLE",
        from: [{ account: "AVAILABLE", fen: 888 }],
        goodsDetail: [
          {
            merchantGoodsId: "G1",
            wechatpayGoodsId: "1001",
            goodsName: "n",
            unitPriceFen: 888,
            refundFen: 888,
            refundQuantity: 1,
          },
        ],
      },
      "https://m.example/refund",
    );
    expect(body).toEqual({
      transaction_id: "4200000001",
      out_refund_no: "R1",
      reason: "商品已售完",
      notify_url: "https://m.example/refund",
      funds_account: "AVAILABLE",
      amount: { refund: 888, from: [{ account: "AVAILABLE", amount: 888 }], total: 888, currency: "CNY" },
      goods_detail: [
        {
          merchant_goods_id: "G1",
          wechatpay_goods_id: "1001",
          goods_name: "n",
          unit_price: 888,
          refund_amount: 888,
          refund_quantity: 1,
        },
      ],
    });
  });

  it("maps transactions and refunds, keeping the raw status", () => {
    const t = fromV3Transaction(
      {
        out_trade_no: "O1",
        trade_state: "REFUND",
        transaction_id: "42",
        success_time: "2020-12-01T16:18:12+08:00",
        amount: { total: 100, payer_total: 90 },
      },
      "m",
    );
    expect(t).toMatchObject({
      state: 4,
      rawStatus: "REFUND",
      amount: cny(100),
      paidAmount: cny(90),
      providerTradeNo: "42",
    });
    expect(t.paidAt?.toISOString()).toBe("2020-12-01T08:18:12.000Z");
    const r = fromV3Refund(
      {
        refund_id: "50",
        out_refund_no: "R",
        out_trade_no: "O1",
        status: "ABNORMAL",
        channel: "ORIGINAL",
        amount: { total: 100, refund: 10 },
      },
      "m",
    );
    expect(r).toMatchObject({ state: 5, rawStatus: "ABNORMAL", amount: cny(10), channel: "ORIGINAL" });
    expect(() =>
      assertRefundEcho(
        {
          refund_id: "50",
          out_refund_no: "R",
          out_trade_no: "O1",
          status: "SUCCESS",
          amount: { total: 100, refund: 11 },
        },
        { amountFen: 10, totalFen: 100 },
      ),
    ).toThrow(AmountMismatchError);
  });

  it("routes library URLs by path, whichever production host they name", () => {
    expect(pathOf("https://api.mch.weixin.qq.com/v3/pay/transactions/id/1?mchid=2")).toBe(
      "/v3/pay/transactions/id/1?mchid=2",
    );
    expect(pathOf("https://api2.mch.weixin.qq.com/v3/certificates")).toBe("/v3/certificates");
  });

  it("validates configuration, naming the field", () => {
    const bad = wechatPayV3ConfigSchema.safeParse({
      mchid: "abc",
      appid: "wx1234567890",
      merchantSerialNo: "ABCDEF0123",
      privateKey: "nope",
      apiV3Key: "short",
      keyMode: { type: "public_key", publicKeyId: "X", publicKey: "-----BEGIN PUBLIC KEY-----" },
      origin: "http://example.com",
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join(".")).sort();
    expect(paths).toEqual(["apiV3Key", "keyMode.publicKeyId", "mchid", "origin", "privateKey"]);
  });
});

describe("v3 coupon amounts", () => {
  it("maps promotion_detail to discountAmount and the 免充值 coupons out of settlementAmount", () => {
    const trade = fromV3Transaction(
      {
        out_trade_no: "C1",
        trade_state: "SUCCESS",
        amount: { total: 10_000, payer_total: 8_500 },
        promotion_detail: [
          { coupon_id: "1", type: "CASH", amount: 1_000 },
          { coupon_id: "2", type: "NOCASH", amount: 500 },
        ],
      },
      "m",
    );
    expect(trade).toMatchObject({
      amount: cny(10_000),
      paidAmount: cny(8_500),
      discountAmount: cny(1_500),
      settlementAmount: cny(9_500),
    });
    // No coupon: nothing added.
    expect(fromV3Transaction({ out_trade_no: "C2", trade_state: "NOTPAY" }, "m")).not.toHaveProperty(
      "discountAmount",
    );
  });

  it("maps a refund's payer_refund, discount_refund and settlement_refund, and refuses a fraction", () => {
    const refund = {
      refund_id: "5",
      out_refund_no: "R1",
      out_trade_no: "C1",
      status: "SUCCESS",
      amount: {
        total: 10_000,
        refund: 9_000,
        payer_refund: 7_650,
        discount_refund: 1_350,
        settlement_refund: 8_550,
      },
    };
    expect(fromV3Refund(refund, "m")).toMatchObject({
      amount: cny(9_000),
      payerRefundAmount: cny(7_650),
      discountRefundAmount: cny(1_350),
      settlementRefundAmount: cny(8_550),
    });
    // The fraction is refused where the answer is parsed (it used to be refused by fromV3Refund
    // itself as a ProviderError): an UnexpectedAnswerError naming the field.
    expect(() =>
      fromV3Refund(
        parseV3Answer("test", v3RefundSchema, {
          ...refund,
          amount: { ...refund.amount, discount_refund: 1.5 },
        }),
        "m",
      ),
    ).toThrow(/amount\.discount_refund/);
  });
});

describe("v3 prepay answers -> the buyer's client parameters (direct and partner alike)", () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ctx = (method: "jsapi" | "app" | "native" | "h5", returnUrl?: string) => ({
    base: { provider: "wechatpay", merchantId: "m", outTradeNo: "ORDER0001", method },
    appId: "wxd678efh567hg6787",
    partnerId: "1900000109",
    timeStamp: "1414561699",
    nonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
    sign: (lines: readonly string[]) => signPayLines(privateKey, lines),
    returnUrl,
  });
  const verifies = (lines: string[], signature: string | undefined) =>
    createVerify("RSA-SHA256")
      .update(`${lines.join("\n")}\n`)
      .verify(publicKey, signature ?? "", "base64");

  it("signs JSAPI's four lines and APP's four lines with the merchant key", () => {
    const jsapi = fromV3Prepay(
      "POST /v3/pay/transactions/jsapi",
      { prepay_id: "wx201410272009395522657a690389285100" },
      ctx("jsapi"),
    );
    expect(jsapi.providerReference).toBe("wx201410272009395522657a690389285100");
    const p = (jsapi.action as { params: Record<string, string> }).params;
    expect(p).toMatchObject({ package: "prepay_id=wx201410272009395522657a690389285100", signType: "RSA" });
    expect(verifies([p.appId ?? "", p.timeStamp ?? "", p.nonceStr ?? "", p.package ?? ""], p.paySign)).toBe(
      true,
    );

    const app = fromV3Prepay(
      "POST /v3/pay/transactions/app",
      { prepay_id: "WX1217752501201407033233368018" },
      ctx("app"),
    );
    const a = (app.action as { params: Record<string, string> }).params;
    expect(a).toMatchObject({
      partnerid: "1900000109",
      package: "Sign=WXPay",
      prepayid: "WX1217752501201407033233368018",
    });
    expect(verifies([a.appid ?? "", a.timestamp ?? "", a.noncestr ?? "", a.prepayid ?? ""], a.sign)).toBe(
      true,
    );
  });

  it("passes code_url and h5_url on (with redirect_url) and refuses an answer without them, naming the field", () => {
    expect(
      fromV3Prepay("n", { code_url: "weixin://wxpay/bizpayurl?pr=p4lpSuKzz" }, ctx("native")).action,
    ).toEqual({
      type: "qr_code",
      content: "weixin://wxpay/bizpayurl?pr=p4lpSuKzz",
    });
    expect(
      fromV3Prepay(
        "h",
        { h5_url: "https://wx.tenpay.com/checkmweb?prepay_id=wx1" },
        ctx("h5", "https://m.example/r?a=1"),
      ).action,
    ).toEqual({
      type: "redirect",
      url: "https://wx.tenpay.com/checkmweb?prepay_id=wx1&redirect_url=https%3A%2F%2Fm.example%2Fr%3Fa%3D1",
    });
    for (const [method, answer, field] of [
      ["jsapi", {}, "prepay_id"],
      ["app", { prepay_id: 7 }, "prepay_id"],
      ["native", { h5_url: "x" }, "code_url"],
      ["h5", { h5_url: "" }, "h5_url"],
    ] as const) {
      expect(() => fromV3Prepay(`POST /v3/pay/transactions/${method}`, answer, ctx(method))).toThrow(
        expect.objectContaining({ name: "UnexpectedAnswerError", field }),
      );
    }
  });
});
