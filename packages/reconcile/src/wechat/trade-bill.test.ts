import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { wechatTradeBill } from "../__fixtures__/bill-writers.js";
import { verifiedBillStream } from "./bill-digest.js";
import { parseWechatTradeBill } from "./trade-bill.js";

const ROWS = [
  { time: "2026-03-01 09:00:00", outTradeNo: "A1", status: "SUCCESS" as const, amountFen: 1234, feeFen: 7 },
  {
    time: "2026-03-01 10:00:00",
    outTradeNo: "A1",
    status: "REFUND" as const,
    amountFen: 1234,
    outRefundNo: "RF1",
    refundFen: 34,
    refundStatus: "PROCESSING",
    feeFen: 0,
  },
];

async function drain(text: string | Readable) {
  const out = [];
  for await (const r of parseWechatTradeBill(
    typeof text === "string" ? Readable.from([Buffer.from(text)]) : text,
  ))
    out.push(r);
  return out;
}

describe("parseWechatTradeBill", () => {
  it("turns backtick-prefixed rows into typed records in fen", async () => {
    const [p, r] = await drain(wechatTradeBill(ROWS));
    expect(p).toMatchObject({
      kind: "payment",
      outTradeNo: "A1",
      amountFen: 1234,
      feeFen: 7,
      state: 3,
      line: 2,
    });
    expect(p?.bookedAt.toISOString()).toBe("2026-03-01T01:00:00.000Z");
    expect(r).toMatchObject({
      kind: "refund",
      outRefundNo: "RF1",
      amountFen: 34,
      state: 3,
      rawStatus: "PROCESSING",
    });
  });

  it("refuses a summary that disagrees with the rows, naming the summary line", async () => {
    await expect(drain(wechatTradeBill(ROWS, { records: 3 }))).rejects.toThrow(
      /WeChat trade bill line 5: summary records is 3 but the rows add up to 2/,
    );
    await expect(drain(wechatTradeBill(ROWS, { paidFen: 1233 }))).rejects.toThrow(
      /line 5: summary paymentFen/,
    );
  });

  it("refuses a malformed amount naming the line and the column", async () => {
    const bad = wechatTradeBill(ROWS).replace("`12.34", "`12.345");
    await expect(drain(bad)).rejects.toThrow(
      /WeChat trade bill line 2: 应结订单金额 must be a yuan amount with at most two decimals, got "12.345"/,
    );
  });

  it("refuses a row with a missing column, a value without the backtick, a truncated bill", async () => {
    const lines = wechatTradeBill(ROWS).split("\r\n");
    const short = [...lines.slice(0, 2), lines[2]?.replace(/,`[^,]*$/, ""), ...lines.slice(3)].join("\r\n");
    await expect(drain(short)).rejects.toThrow(
      /line 3: a detail row must have 27 values like the header, got 26/,
    );
    await expect(drain(lines.join("\r\n").replace("`A1", "A1"))).rejects.toThrow(
      /line 2: every value must start with "`"/,
    );
    await expect(drain(lines.slice(0, 3).join("\r\n"))).rejects.toThrow(/line 4: the summary header/);
    await expect(drain("")).rejects.toThrow(/line 1: the bill is empty/);
  });

  it("checks hash_value over the gunzipped bill and refuses a damaged download", async () => {
    const text = wechatTradeBill(ROWS);
    const sha1 = createHash("sha1").update(text).digest("hex");
    const ok = verifiedBillStream(Readable.from([gzipSync(text)]), {
      hashType: "SHA1",
      hashValue: sha1,
      gzip: true,
    });
    expect(await drain(ok)).toHaveLength(2);
    const damaged = verifiedBillStream(Readable.from([gzipSync(text.replace("1900000001", "1900000002"))]), {
      hashType: "SHA1",
      hashValue: sha1,
      gzip: true,
    });
    await expect(drain(damaged)).rejects.toThrow(
      /SHA1 of the downloaded bill is [0-9a-f]{40}, hash_value said/,
    );
  });
});

describe("parseWechatTradeBill with coupons", () => {
  it("reads 订单金额 / 申请退款金额 beside the settlement amounts, and the coupon columns", async () => {
    const bill = [
      "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
      "`2026-03-01 09:00:00,`wx1,`1900000001,`,`,`4200C1,`C1,`o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`95.00,`15.00,`0,`,`0.00,`0.00,`,`,`g,`,`0.57,`0.60%,`100.00,`0.00,`",
      "`2026-03-01 10:00:00,`wx1,`1900000001,`,`,`4200C1,`C1,`o,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5000R1,`R1,`85.50,`9.00,`ORIGINAL,`SUCCESS,`g,`,`-0.51,`0.60%,`100.00,`90.00,`",
      "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
      "`2,`95.00,`85.50,`9.00,`0.06,`100.00,`90.00",
      "",
    ].join("\r\n");
    const [p, r] = await drain(bill);
    expect(p).toMatchObject({ kind: "payment", amountFen: 9500, orderAmountFen: 10_000, couponFen: 1500 });
    expect(r).toMatchObject({ kind: "refund", amountFen: 8550, requestedFen: 9000, couponRefundFen: 900 });
  });

  it("refuses a 订单金额 below the settlement amount, naming the line", async () => {
    const lines = wechatTradeBill(ROWS).split("\r\n");
    const fixed = (lines[1] ?? "").replace(/`12\.34,`0\.00,`$/, "`12.00,`0.00,`");
    expect(fixed).not.toBe(lines[1]);
    lines[1] = fixed;
    await expect(drain(lines.join("\r\n"))).rejects.toThrow(
      /line 2: 订单金额 must not be less than 应结订单金额/,
    );
  });
});
