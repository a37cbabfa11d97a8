import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseWechatFundFlowBill } from "./fund-flow-bill.js";

const HEADER =
  "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号";
const ROWS = [
  "`2018-02-01 04:21:23,`4200000068201801293084726067,`1900009231201802015884652185,`交易,`交易,`收入,`0.19,`0.19,`system,`,`ORDER1",
  // The format page's own example row.
  "`2018-02-01 04:21:23,`50000305742018020103387128253,`1900009231201802015884652186,`退款,`退款,`支出,`0.02,`0.17,`system,`缺货,`REF4200000068201801293084726067",
];
const SUMMARY = ["资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额", "`2.0,`1.0,`0.19,`1.0,`0.02"];
const bill = (lines: readonly string[]) => Readable.from([Buffer.from(`${lines.join("\r\n")}\r\n`)]);

async function drain(lines: readonly string[]) {
  const out = [];
  for await (const r of parseWechatFundFlowBill(bill(lines))) out.push(r);
  return out;
}

describe("parseWechatFundFlowBill", () => {
  it("turns rows into typed records in fen and checks the summary", async () => {
    const rows = await drain([HEADER, ...ROWS, ...SUMMARY]);
    expect(rows).toMatchObject([
      {
        line: 2,
        direction: "income",
        amountFen: 19,
        balanceFen: 19,
        merchantNo: "ORDER1",
        businessType: "交易",
      },
      {
        line: 3,
        direction: "expense",
        amountFen: 2,
        balanceFen: 17,
        remark: "缺货",
        flowNo: "1900009231201802015884652186",
      },
    ]);
    expect(rows[1]?.bookedAt.toISOString()).toBe("2018-01-31T20:21:23.000Z");
  });

  it("an empty day is a header and a zero summary", async () => {
    expect(await drain([HEADER, SUMMARY[0] ?? "", "`0.0,`0.0,`0.00,`0.0,`0.00"])).toEqual([]);
  });

  it("refuses a malformed bill, naming the line", async () => {
    await expect(drain([HEADER, ...ROWS, SUMMARY[0] ?? "", "`2.0,`1.0,`0.20,`1.0,`0.02"])).rejects.toThrow(
      /line 5: summary incomeFen is 20 but the rows add up to 19/,
    );
    await expect(
      drain([HEADER, ROWS[0] ?? "", (ROWS[1] ?? "").replace("`0.17", "`0.18"), ...SUMMARY]),
    ).rejects.toThrow(/line 3: 账户结余 18 fen does not follow/);
    await expect(drain([HEADER, (ROWS[0] ?? "").replace("`收入", "`进账"), ...SUMMARY])).rejects.toThrow(
      /line 2: 收支类型 must be 收入 or 支出/,
    );
    await expect(drain([HEADER, ...ROWS])).rejects.toThrow(/line 4: the summary header/);
    await expect(
      drain([HEADER, (ROWS[0] ?? "").replace("`0.19,`0.19", "`0.195,`0.19"), ...SUMMARY]),
    ).rejects.toThrow(/line 2: 收支金额\(元\) must be a yuan amount/);
  });
});
