import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import {
  alipayLineVariants,
  alipaySnapshotLines,
  crlfInValue,
} from "../__fixtures__/alipay-line-variants.js";
import { alipayBillZip, alipayTradeCsv } from "../__fixtures__/bill-writers.js";
import { openAlipayBillCsv } from "./bill-zip.js";
import { parseAlipayTradeBill } from "./trade-bill.js";

const ROWS = [
  { finishedAt: "2026-03-01 09:00:00", outTradeNo: "A1", kind: "交易" as const, amountFen: 1234, feeFen: 7 },
  {
    finishedAt: "2026-03-01 10:00:00",
    outTradeNo: "A1",
    kind: "退款" as const,
    amountFen: 34,
    outRequestNo: "RF1",
    feeFen: 0,
  },
];

async function drain(csv: string) {
  const out = [];
  for await (const r of parseAlipayTradeBill(Readable.from([iconv.encode(csv, "gbk")]))) out.push(r);
  return out;
}

describe("parseAlipayTradeBill", () => {
  it("reads GBK rows out of the zip into typed records, refunds positive", async () => {
    const stream = await openAlipayBillCsv(await alipayBillZip(alipayTradeCsv(ROWS)), "trade");
    const out = [];
    for await (const r of parseAlipayTradeBill(stream)) out.push(r);
    expect(out[0]).toMatchObject({
      kind: "payment",
      outTradeNo: "A1",
      providerTradeNo: "2026030122001A1",
      amountFen: 1234,
      feeFen: 7,
      line: 6,
    });
    expect(out[1]).toMatchObject({ kind: "refund", outRefundNo: "RF1", amountFen: 34, state: 4 });
  });

  it("refuses footer totals that disagree with the rows, naming the footer line", async () => {
    const bad = alipayTradeCsv(ROWS).replace("#交易合计：1笔", "#交易合计：2笔");
    await expect(drain(bad)).rejects.toThrow(/Alipay trade bill line 9: #交易合计 says 2 payments/);
  });

  it("refuses a malformed row naming the line", async () => {
    await expect(drain(alipayTradeCsv(ROWS).replace("交易,goods", "转账,goods"))).rejects.toThrow(
      /line 6: 业务类型 must be 交易 or 退款, got "转账"/,
    );
    await expect(
      drain(
        alipayTradeCsv(ROWS).replace(
          "2026-03-01 10:00:00,2026-03-01 10:00:00",
          "2026-03-01 10:00:00,2026/03/01",
        ),
      ),
    ).rejects.toThrow(/line 7: 完成时间 must be/);
    await expect(drain(alipayTradeCsv(ROWS).split("\r\n").slice(0, 8).join("\r\n"))).rejects.toThrow(
      /footer #交易合计 is missing/,
    );
  });

  it("refuses a zip without the detail CSV", async () => {
    await expect(openAlipayBillCsv(Buffer.from("not a zip"), "trade")).rejects.toThrow(/not a readable zip/);
    await expect(openAlipayBillCsv(await alipayBillZip(alipayTradeCsv([])), "signcustomer")).rejects.toThrow(
      /no 账务明细 CSV/,
    );
  });

  describe("line numbers, as csv-parse's info snapshot gave them before", () => {
    const base = alipayTradeCsv(ROWS);
    const lines = base.split("\r\n");
    // Blank lines after the header, between the rows and before the closing rule; 商品名称 quoted
    // over two lines (RFC 4180 allows a line break inside a quoted value).
    const spaced = [...lines.slice(0, 5), "", lines[5], "", lines[6], "", ...lines.slice(7)]
      .join("\r\n")
      .replace("交易,goods,", '交易,"goods\nsecond line",');
    const VARIANTS = alipayLineVariants(base, spaced, "goods\nsecond line");

    it.each(Object.entries(VARIANTS))("%s: rows and footer errors name the same lines", async (_, text) => {
      const want = await alipaySnapshotLines(text, "#交易合计");
      expect(want.rows).toHaveLength(2);
      expect((await drain(text)).map((r) => r.line)).toEqual(want.rows);
      await expect(drain(text.replace("#交易合计：1笔", "#交易合计：2笔"))).rejects.toThrow(
        `Alipay trade bill line ${want.footer}: #交易合计 says 2 payments`,
      );
      await expect(drain(text.replace("退款,", "转账,"))).rejects.toThrow(
        `Alipay trade bill line ${want.rows[1]}: 业务类型 must be 交易 or 退款`,
      );
    });

    it("counts blank lines and the lines inside a quoted value", async () => {
      const rows = await drain(spaced);
      expect(rows.map((r) => r.line)).toEqual([8, 10]);
      await expect(drain(spaced.replace("#交易合计：1笔", "#交易合计：2笔"))).rejects.toThrow(
        /Alipay trade bill line 13: #交易合计/,
      );
      // csv-parse counts a \r\n inside a quoted value as two lines; the parser reports what it counts.
      expect((await drain(crlfInValue(spaced, "goods\nsecond line"))).map((r) => r.line)).toEqual([9, 11]);
    });
  });

  it("passes a read error of the bill on to the reader", async () => {
    const input = new Readable({ read() {} });
    const reading = (async () => {
      for await (const _ of parseAlipayTradeBill(input));
    })();
    input.push(iconv.encode(alipayTradeCsv(ROWS).slice(0, 200), "gbk"));
    setImmediate(() => input.destroy(new Error("disk gone")));
    await expect(reading).rejects.toThrow(/disk gone/);
  });
});
