import { UnexpectedAnswerError } from "@paybridge/core";
import { fastPathOf } from "@paybridge/core/provider-kit";
import { fastPathDisagreements } from "@paybridge/core/testkit";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  v3PartnerRefundNoticeSchema,
  v3PartnerTransactionNoticeSchema,
  v3PartnerTransactionSchema,
} from "./partner-wire-types.js";
import { parseV3Answer } from "./transformers.js";
import {
  v3BillApplicationSchema,
  v3CertificatesSchema,
  v3CodePayHeadSchema,
  v3CodeUrlSchema,
  v3H5UrlSchema,
  v3NotificationSchema,
  v3PrepayIdSchema,
  v3RefundNoticeSchema,
  v3RefundSchema,
  v3ReverseAnswerSchema,
  v3TransactionNoticeSchema,
  v3TransactionSchema,
} from "./wire-types.js";

// Answers in the shapes the sandbox renders them (packages/sandbox/src/wechat/v3/render.ts and
// partner/render.ts), which follow the official pages cited in wire-types.ts.
const transaction = {
  appid: "wxd678efh567hg6787",
  mchid: "1230000109",
  out_trade_no: "1217752501201407033233368018",
  transaction_id: "1217752501201407033233368018",
  trade_type: "NATIVE",
  trade_state: "SUCCESS",
  trade_state_desc: "支付成功",
  bank_type: "CMC",
  attach: "自定义数据",
  success_time: "2018-06-08T10:34:56+08:00",
  payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
  amount: { total: 100, payer_total: 90, currency: "CNY", payer_currency: "CNY" },
  promotion_detail: [
    {
      coupon_id: "109519",
      name: "单品惠-6",
      scope: "SINGLE",
      type: "CASH",
      amount: 10,
      stock_id: "931386",
      wechatpay_contribute: 0,
      merchant_contribute: 10,
      other_contribute: 0,
      currency: "CNY",
    },
  ],
};
const { appid: _a, mchid: _m, payer: _p, ...tradeFields } = transaction;
const partnerTransaction = {
  sp_appid: "wx8888888888888888",
  sp_mchid: "1230000109",
  sub_appid: "wxd678efh567hg6999",
  sub_mchid: "1900000109",
  ...tradeFields,
  payer: { sub_openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
};
const refund = {
  refund_id: "50000000382019052709732678859",
  out_refund_no: "1217752501201407033233368018",
  transaction_id: "1217752501201407033233368018",
  out_trade_no: "1217752501201407033233368018",
  channel: "ORIGINAL",
  user_received_account: "招商银行信用卡0403",
  success_time: "2020-12-01T16:18:12+08:00",
  create_time: "2020-12-01T16:18:12+08:00",
  status: "SUCCESS",
  funds_account: "UNSETTLED",
  amount: {
    total: 100,
    refund: 100,
    payer_total: 90,
    payer_refund: 90,
    settlement_refund: 100,
    settlement_total: 100,
    discount_refund: 10,
    currency: "CNY",
  },
  promotion_detail: [],
};
const refundNotice = {
  mchid: "1900000100",
  out_trade_no: "20150806125346",
  transaction_id: "1217752501201407033233368018",
  out_refund_no: "1217752501201407033233368018",
  refund_id: "50000000382019052709732678859",
  refund_status: "SUCCESS",
  success_time: "2018-06-08T10:34:56+08:00",
  user_received_account: "招商银行信用卡0403",
  amount: { total: 999, refund: 999, payer_total: 999, payer_refund: 999 },
};
const { mchid: _rm, ...refundNoticeFields } = refundNotice;
const notification = {
  id: "EV-2018022511223320873",
  create_time: "2015-05-20T13:29:35+08:00",
  resource_type: "encrypt-resource",
  event_type: "TRANSACTION.SUCCESS",
  summary: "支付成功",
  resource: {
    original_type: "transaction",
    algorithm: "AEAD_AES_256_GCM",
    ciphertext: "c2lnbmVk",
    associated_data: "transaction",
    nonce: "fdasflkja484w",
  },
};
const certificates = {
  data: [
    {
      serial_no: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
      effective_time: "2018-06-08T10:34:56+08:00",
      expire_time: "2018-12-08T10:34:56+08:00",
      encrypt_certificate: {
        algorithm: "AEAD_AES_256_GCM",
        nonce: "61f9c719728a",
        associated_data: "certificate",
        ciphertext: "sRvt…",
      },
    },
  ],
};

interface Case {
  readonly name: string;
  readonly schema: z.ZodType;
  readonly answer: Record<string, unknown>;
  /** Fields PayBridge reads: each removed must be refused. */
  readonly required: readonly string[];
  /** Fields PayBridge reads, each with a value of the wrong type or range. */
  readonly wrong: readonly (readonly [string, unknown])[];
}

const CASES: readonly Case[] = [
  {
    name: "transaction (order query)",
    schema: v3TransactionSchema,
    answer: transaction,
    required: ["out_trade_no", "trade_state", "promotion_detail.0.amount"],
    wrong: [
      ["amount.total", -1],
      ["amount.total", 1.5],
      ["amount.total", "100"],
      ["amount.payer_total", "90"],
      ["promotion_detail.0.amount", 0.5],
      ["success_time", "yesterday"],
      ["transaction_id", 42],
      ["mchid", 1230000109],
      ["appid", null],
      ["trade_state", ""],
    ],
  },
  {
    name: "payment notification resource",
    schema: v3TransactionNoticeSchema,
    answer: transaction,
    required: ["amount.total", "amount", "out_trade_no", "trade_state"],
    wrong: [["amount.total", "100"]],
  },
  {
    name: "partner transaction",
    schema: v3PartnerTransactionSchema,
    answer: partnerTransaction,
    required: ["out_trade_no", "trade_state"],
    wrong: [
      ["sp_mchid", 1],
      ["sub_mchid", 1],
      ["sub_appid", false],
      ["amount.total", -5],
    ],
  },
  {
    name: "partner payment notification resource",
    schema: v3PartnerTransactionNoticeSchema,
    answer: partnerTransaction,
    required: ["amount.total"],
    wrong: [["amount.payer_total", 1.25]],
  },
  {
    name: "refund (create / query)",
    schema: v3RefundSchema,
    answer: refund,
    required: [
      "refund_id",
      "out_refund_no",
      "out_trade_no",
      "status",
      "amount",
      "amount.refund",
      "amount.total",
    ],
    wrong: [
      ["amount.refund", "100"],
      ["amount.refund", -1],
      ["amount.total", 99.9],
      ["amount.payer_refund", "90"],
      ["amount.discount_refund", 1.5],
      ["amount.settlement_refund", null],
      ["success_time", "not a time"],
      ["status", 1],
      ["channel", 0],
    ],
  },
  {
    name: "refund notification resource",
    schema: v3RefundNoticeSchema,
    answer: refundNotice,
    required: [
      "refund_status",
      "refund_id",
      "out_refund_no",
      "out_trade_no",
      "amount.refund",
      "amount.total",
    ],
    wrong: [
      ["amount.refund", "999"],
      ["mchid", 1900000100],
      ["amount.payer_refund", -1],
    ],
  },
  {
    name: "partner refund notification resource",
    schema: v3PartnerRefundNoticeSchema,
    answer: { sp_mchid: "1230000109", sub_mchid: "1900000109", ...refundNoticeFields },
    required: ["refund_status", "amount.refund"],
    wrong: [
      ["sub_mchid", 1900000109],
      ["sp_mchid", []],
    ],
  },
  {
    name: "notification envelope",
    schema: v3NotificationSchema,
    answer: notification,
    required: ["id", "event_type", "resource", "resource.ciphertext", "resource.nonce", "resource.algorithm"],
    wrong: [
      ["resource.algorithm", "AES_128"],
      ["event_type", 7],
    ],
  },
  {
    name: "JSAPI / APP prepay",
    schema: v3PrepayIdSchema,
    answer: { prepay_id: "wx26112221580621e9b071c00d9e093b0000" },
    required: ["prepay_id"],
    wrong: [
      ["prepay_id", ""],
      ["prepay_id", 1],
    ],
  },
  {
    name: "Native prepay",
    schema: v3CodeUrlSchema,
    answer: { code_url: "weixin://wxpay/bizpayurl?pr=p4lpSuKzz" },
    required: ["code_url"],
    wrong: [["code_url", 1]],
  },
  {
    name: "H5 prepay",
    schema: v3H5UrlSchema,
    answer: { h5_url: "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1" },
    required: ["h5_url"],
    wrong: [["h5_url", null]],
  },
  {
    name: "codepay (paying)",
    schema: v3CodePayHeadSchema,
    answer: { trade_state: "USERPAYING" },
    required: ["trade_state"],
    wrong: [
      ["trade_state", 0],
      ["out_trade_no", 5],
    ],
  },
  {
    name: "reverse",
    schema: v3ReverseAnswerSchema,
    answer: {
      appid: "wxd678efh567hg6787",
      mchid: "1230000109",
      out_trade_no: "1217752501201407033233368018",
    },
    required: [],
    wrong: [
      ["mchid", 1230000109],
      ["out_trade_no", {}],
    ],
  },
  {
    name: "certificates",
    schema: v3CertificatesSchema,
    answer: certificates,
    required: [
      "data",
      "data.0.serial_no",
      "data.0.encrypt_certificate",
      "data.0.encrypt_certificate.ciphertext",
      "data.0.encrypt_certificate.nonce",
    ],
    wrong: [
      ["data.0.encrypt_certificate.algorithm", "RSA"],
      ["data", {}],
    ],
  },
  {
    name: "bill application",
    schema: v3BillApplicationSchema,
    answer: {
      hash_type: "SHA1",
      hash_value: "79bb0f45fc4c42234a918000b2668d689e2bde04",
      download_url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=xxx",
    },
    required: ["hash_type", "hash_value", "download_url"],
    wrong: [
      ["hash_value", "not-a-sha1"],
      ["download_url", "nope"],
    ],
  },
];

function edit(answer: Record<string, unknown>, path: string, change: { set: unknown } | "remove") {
  const copy = structuredClone(answer);
  const keys = path.split(".");
  const last = keys.pop() as string;
  let node: Record<string, unknown> = copy;
  for (const k of keys) node = node[k] as Record<string, unknown>;
  if (change === "remove") delete node[last];
  else node[last] = change.set;
  return copy;
}

function refusal(schema: z.ZodType, value: unknown): UnexpectedAnswerError {
  try {
    parseV3Answer("GET /v3/test", schema, value);
  } catch (error) {
    expect(error).toBeInstanceOf(UnexpectedAnswerError);
    return error as UnexpectedAnswerError;
  }
  throw new Error("the answer was accepted");
}

describe.each(CASES)("v3 wire schema: $name", ({ schema, answer, required, wrong }) => {
  it("reads the sandbox-shaped answer, keeping fields it does not know", () => {
    const parsed = parseV3Answer("GET /v3/test", schema, { ...answer, added_by_wechat_later: 1 });
    expect(parsed).toMatchObject(answer);
    expect(parsed).toHaveProperty("added_by_wechat_later", 1);
  });

  it.each(required)("refuses the answer without %s, naming it", (field) => {
    const error = refusal(schema, edit(answer, field, "remove"));
    expect(error).toMatchObject({ field, method: "GET /v3/test", provider: "wechatpay", retryable: true });
    expect(error.message).toContain(field);
  });

  it.each(wrong)("refuses %s = %j, naming it", (field, value) => {
    const error = refusal(schema, edit(answer, field, { set: value }));
    expect(error.field).toBe(field);
    expect(error.issues.map((i) => i.field)).toContain(field);
  });

  it("refuses an answer that is not an object", () => {
    expect(refusal(schema, undefined).field).toBe("(answer)");
    expect(refusal(schema, "SUCCESS").field).toBe("(answer)");
  });
});

describe("v3 refund answer fast path", () => {
  const odd: readonly unknown[] = [
    undefined,
    null,
    "",
    "x",
    "2020-13-45",
    0,
    -1,
    1.5,
    2 ** 53,
    Number.NaN,
    true,
    [],
    {},
  ];
  const inputs: unknown[] = [refund, { ...refund, added_by_wechat_later: 1 }, null, [], "SUCCESS"];
  const { promotion_detail: _p, ...minimal } = refund;
  for (const base of [refund, { ...minimal, amount: { total: 1, refund: 1 } }]) {
    for (const key of Object.keys(base)) {
      const { [key]: _removed, ...rest } = base as Record<string, unknown>;
      inputs.push(rest);
      for (const value of odd) inputs.push({ ...base, [key]: value });
    }
    for (const key of Object.keys(refund.amount)) {
      for (const value of odd) inputs.push({ ...base, amount: { ...base.amount, [key]: value } });
      const { [key]: _removed, ...rest } = base.amount as Record<string, unknown>;
      inputs.push({ ...base, amount: rest });
    }
    inputs.push({ ...base, amount: Object.assign(Object.create({ inherited: 1 }) as object, base.amount) });
  }

  it("accepts only what the schema accepts, returning what the schema returns", () => {
    const fast = fastPathOf(v3RefundSchema);
    if (!fast) throw new Error("v3RefundSchema has no fast path");
    const { taken, disagreements } = fastPathDisagreements(v3RefundSchema, inputs);
    expect(disagreements).toEqual([]);
    expect(fast(refund)).toEqual(refund);
    expect(taken).toBeGreaterThan(20);
    expect(inputs.length).toBeGreaterThan(250);
  });
});
