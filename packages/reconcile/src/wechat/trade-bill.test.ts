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
