import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { isUsualNotification, isUsualRefundNotice, isUsualTransactionNotice } from "./notification-shape.js";
import { v3NotificationSchema, v3RefundNoticeSchema, v3TransactionNoticeSchema } from "./wire-types.js";

// Shapes of the public examples (https://pay.weixin.qq.com/doc/v3/merchant/4012791861, .../4012791865).
const notification = {
  id: "EV-2018022511223320873",
  create_time: "2015-05-20T13:29:35+08:00",
  resource_type: "encrypt-resource",
  event_type: "TRANSACTION.SUCCESS",
  summary: "支付成功",
  resource: {
    original_type: "transaction",
    algorithm: "AEAD_AES_256_GCM",
    ciphertext: "c2VjcmV0",
    associated_data: "transaction",
    nonce: "fdasflkja484w",
  },
};
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
  amount: { total: 100, payer_total: 100, currency: "CNY", payer_currency: "CNY" },
};
const refund = {
  mchid: "1900000100",
  transaction_id: "1008450740201411110005820873",
  out_trade_no: "20150806125346",
  refund_id: "50200207182018070300011301001",
  out_refund_no: "7752501201407033233368018",
  refund_status: "SUCCESS",
  success_time: "2018-06-08T10:34:56+08:00",
  user_received_account: "招商银行信用卡0403",
  amount: { total: 999, refund: 999, payer_total: 999, payer_refund: 999 },
};

const WRONG: unknown[] = [
  undefined,
  null,
  0,
  1.5,
  -1,
  Number.MAX_SAFE_INTEGER + 2,
  "",
  "x",
  "not a time",
  true,
  {},
  [],
];

/** Every value reachable from `base` with one field removed or replaced by one of WRONG. */
function* variants(base: Record<string, unknown>): Generator<unknown> {
  for (const key of Object.keys(base)) {
    const { [key]: _dropped, ...without } = base;
    yield without;
    for (const wrong of WRONG) yield { ...base, [key]: wrong };
    const inner = base[key];
    if (typeof inner === "object" && inner !== null && !Array.isArray(inner)) {
      for (const v of variants(inner as Record<string, unknown>)) yield { ...base, [key]: v };
    }
  }
}

const cases: [string, (v: unknown) => boolean, z.ZodType, Record<string, unknown>][] = [
  ["notification", isUsualNotification, v3NotificationSchema, notification],
  ["transaction resource", isUsualTransactionNotice, v3TransactionNoticeSchema, transaction],
  ["refund resource", isUsualRefundNotice, v3RefundNoticeSchema, refund],
];

describe("hand-checked notification shapes", () => {
  for (const [name, guard, schema, base] of cases) {
    it(`${name}: the usual shape passes the guard, and the schema's output is that very value`, () => {
      expect(guard(base)).toBe(true);
      expect(schema.parse(base)).toEqual(base);
    });

    it(`${name}: the guard never accepts a value its schema refuses (every field removed or mistyped)`, () => {
      let refused = 0;
      for (const v of variants(base)) {
        const accepted = schema.safeParse(v).success;
        if (guard(v)) {
          expect(accepted, JSON.stringify(v)).toBe(true);
          expect(schema.parse(v)).toEqual(v);
        }
        if (!accepted) refused += 1;
      }
      // The variants do reach the schema's refusals (this test would pass vacuously otherwise).
      expect(refused).toBeGreaterThan(10);
    });
  }

  it("leaves a transaction with promotion_detail to the schema", () => {
    const promoted = { ...transaction, promotion_detail: [{ coupon_id: "109519", amount: 5 }] };
    expect(isUsualTransactionNotice(promoted)).toBe(false);
    expect(v3TransactionNoticeSchema.safeParse(promoted).success).toBe(true);
  });
});
