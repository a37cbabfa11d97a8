import { Readable } from "node:stream";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import {
  alipayLineVariants,
  alipaySnapshotLines,
  crlfInValue,
} from "../__fixtures__/alipay-line-variants.js";
import { parseAlipayFundBill } from "./account-bill.js";

const HEAD = [
  "#支付宝账务明细查询",
  "#账号：[2088000000000001]",
  "#起始日期：[2026年03月01日 00:00:00]   终止日期：[2026年03月01日 23:59:59]",
  "#-----------------------------------------账务明细列表----------------------------------------",
  "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注",
];
const ROWS = [
  "F01\t,T1\t,O1\t,商品,2026-03-01 09:00:00,138****8801,90.00,,90.00,支付宝,在线支付,",
  "F02\t,T1\t,O1\t,商品,2026-03-01 09:00:00,138****8801,,-0.54,89.46,支付宝,收费,",
];
const FOOT = [
  "#-----------------------------------------账务明细列表结束------------------------------------",
];
const totals = (out: string, inn: string) => [`#支出合计：1笔，共${out}元`, `#收入合计：1笔，共${inn}元`];

async function drain(lines: readonly string[]) {
  return drainText(`${lines.join("\r\n")}\r\n`);
}

async function drainText(text: string) {
  const out = [];
  for await (const r of parseAlipayFundBill(Readable.from([iconv.encode(text, "gbk")]))) out.push(r);
  return out;
}

describe("parseAlipayFundBill", () => {
  it("turns GBK rows into typed records in fen, checking the footers", async () => {
    expect(await drain([...HEAD, ...ROWS, ...FOOT, ...totals("-0.54", "90.00")])).toMatchObject([
      {
        line: 6,
        direction: "income",
        amountFen: 9000,
        balanceFen: 9000,
        merchantNo: "O1",
        businessType: "在线支付",
      },
      { line: 7, direction: "expense", amountFen: 54, balanceFen: 8946, flowNo: "F02" },
    ]);
  });

  it("refuses a malformed bill, naming the line", async () => {
    await expect(drain([...HEAD, ...ROWS, ...FOOT, ...totals("-0.55", "90.00")])).rejects.toThrow(
      /line 9: #支出合计 says 1 lines, 55 fen; the rows hold 1, 54 fen/,
    );
    await expect(
      drain([
        ...HEAD,
        ROWS[0] ?? "",
        (ROWS[1] ?? "").replace("89.46", "89.47"),
        ...FOOT,
        ...totals("-0.54", "90.00"),
      ]),
    ).rejects.toThrow(/line 7: 账户余额 8947 fen does not follow/);
    await expect(
      drain([
        ...HEAD,
        (ROWS[0] ?? "").replace("90.00,,", "90.00,-1.00,"),
        ...FOOT,
        ...totals("0.00", "90.00"),
      ]),
    ).rejects.toThrow(/line 6: exactly one of 收入金额 and 支出金额/);
    await expect(drain([...HEAD, ...ROWS, ...FOOT])).rejects.toThrow(/footer #收入合计 is missing/);
  });

  describe("line numbers, as csv-parse's info snapshot gave them before", () => {
    const base = `${[...HEAD, ...ROWS, ...FOOT, ...totals("-0.54", "90.00")].join("\r\n")}\r\n`;
    // Blank lines after the header, between the rows and before the closing rule; 商品名称 quoted
    // over two lines (RFC 4180 allows a line break inside a quoted value).
    const spaced =
      `${[...HEAD, "", ROWS[0], "", ROWS[1], "", ...FOOT, ...totals("-0.54", "90.00")].join("\r\n")}\r\n`.replace(
        "O1\t,商品,",
        'O1\t,"商品\n第二行",',
      );
    const VARIANTS = alipayLineVariants(base, spaced, "商品\n第二行");

    it.each(Object.entries(VARIANTS))("%s: rows and errors name the same lines", async (_, text) => {
      const want = await alipaySnapshotLines(text, "#支出合计");
      expect(want.rows).toHaveLength(2);
      expect((await drainText(text)).map((r) => r.line)).toEqual(want.rows);
      await expect(drainText(text.replace("共-0.54元", "共-0.55元"))).rejects.toThrow(
        `Alipay fund bill line ${want.footer}: #支出合计 says 1 lines`,
      );
      await expect(drainText(text.replace("89.46", "89.47"))).rejects.toThrow(
        `Alipay fund bill line ${want.rows[1]}: 账户余额 8947 fen does not follow`,
      );
    });

    it("counts blank lines and the lines inside a quoted value", async () => {
      const rows = await drainText(spaced);
      expect(rows.map((r) => r.line)).toEqual([8, 10]);
      expect(rows[0]?.flowNo).toBe("F01");
      await expect(drainText(spaced.replace("共-0.54元", "共-0.55元"))).rejects.toThrow(
        /Alipay fund bill line 13: #支出合计/,
      );
      // csv-parse counts a \r\n inside a quoted value as two lines; the parser reports what it counts.
      expect((await drainText(crlfInValue(spaced, "商品\n第二行"))).map((r) => r.line)).toEqual([9, 11]);
    });
  });

  it("passes a read error of the bill on to the reader", async () => {
    const input = new Readable({ read() {} });
    const reading = (async () => {
      for await (const _ of parseAlipayFundBill(input));
    })();
    input.push(iconv.encode(HEAD.join("\r\n"), "gbk"));
    setImmediate(() => input.destroy(new Error("disk gone")));
    await expect(reading).rejects.toThrow(/disk gone/);
  });
});
