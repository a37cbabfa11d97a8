import type { Readable } from "node:stream";
import { billYuanToFen } from "../bill-amount.js";
import { BillFormatError } from "../bill-format-error.js";
import { parseBillTime } from "../bill-time.js";
import type { FundFlowRecord, FundFlowTotals } from "../fund-flow-record.js";
import { numberedCsvRecords } from "../numbered-csv.js";
import { untickedRow } from "./backtick-cells.js";

const BILL = "WeChat fund-flow bill";

/**
 * Columns of the APIv3 fund-flow bill (资金账单,
 * https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-fundflow.html), found by
 * name. The amount headers are printed with ASCII or full-width parentheses in different places
 * of the page, so both are accepted.
 */
const COLUMNS = {
  time: ["记账时间"],
  businessNo: ["微信支付业务单号"],
  flowNo: ["资金流水单号"],
  name: ["业务名称"],
  type: ["业务类型"],
  direction: ["收支类型"],
  amount: ["收支金额(元)", "收支金额（元）"],
  balance: ["账户结余(元)", "账户结余（元）"],
  remark: ["备注"],
  voucher: ["业务凭证号"],
} as const;
type Column = keyof typeof COLUMNS;

const SUMMARY_FIRST = "资金流水总笔数";
const SUMMARY = {
  records: "资金流水总笔数",
  incomeCount: "收入笔数",
  incomeFen: "收入金额",
  expenseCount: "支出笔数",
  expenseFen: "支出金额",
} as const;

/**
 * Streams a WeChat fund-flow bill (decompressed UTF-8 bytes) into FundFlowRecords, one row in
 * memory at a time: a header, rows with every value prefixed by "`", the summary header
 * 资金流水总笔数,... and one summary row. When the stream ends the summary (counts and sums of
 * 收入 and 支出) is checked against the rows, and every row's 账户结余 must follow from the one
 * before it; a bill that disagrees with itself throws BillFormatError naming the line.
 */
export async function* parseWechatFundFlowBill(
  input: Readable,
): AsyncGenerator<FundFlowRecord, FundFlowTotals> {
  let at: Record<Column, number> | undefined;
  let width = 0;
  let summaryHeader: string[] | undefined;
  let summary: { line: number; cells: string[] } | undefined;
  const seen = { records: 0, incomeCount: 0, incomeFen: 0, expenseCount: 0, expenseFen: 0 };
  let lastBalance: number | undefined;
  let lastLine = 0;
  for await (const { record, line } of numberedCsvRecords(input)) {
    lastLine = line;
    if (at === undefined) {
      at = headerIndex(record, line);
      width = record.length;
      continue;
    }
    if (summary !== undefined) throw new BillFormatError(BILL, line, "nothing may follow the summary row");
    if (summaryHeader !== undefined) {
      summary = { line, cells: untickedRow(record, BILL, line) };
      continue;
    }
    if (record[0] === SUMMARY_FIRST) {
      summaryHeader = record;
      continue;
    }
    if (record.length !== width) {
      throw new BillFormatError(
        BILL,
        line,
        `a detail row must have ${width} values like the header, got ${record.length}`,
      );
    }
    const cells = untickedRow(record, BILL, line);
    const row = toRecord(cells, at, line);
    const signed = row.direction === "income" ? row.amountFen : -row.amountFen;
    if (lastBalance !== undefined && lastBalance + signed !== row.balanceFen) {
      throw new BillFormatError(
        BILL,
        line,
        `账户结余 ${row.balanceFen} fen does not follow from the line before (${lastBalance} ${signed >= 0 ? "+" : "-"} ${row.amountFen})`,
      );
    }
    lastBalance = row.balanceFen;
    seen.records += 1;
    if (row.direction === "income") {
      seen.incomeCount += 1;
      seen.incomeFen += row.amountFen;
    } else {
      seen.expenseCount += 1;
      seen.expenseFen += row.amountFen;
    }
    yield row;
  }
  if (at === undefined) throw new BillFormatError(BILL, 1, "the bill is empty: no header line");
  if (summaryHeader === undefined || summary === undefined) {
    throw new BillFormatError(
      BILL,
      lastLine + 1,
      `the summary header (${SUMMARY_FIRST},...) and summary row are missing`,
    );
  }
  const totals = readSummary(summaryHeader, summary.cells, summary.line);
  for (const key of Object.keys(seen) as (keyof FundFlowTotals)[]) {
    if (totals[key] !== seen[key]) {
      throw new BillFormatError(
        BILL,
        summary.line,
        `summary ${key} is ${totals[key]} but the rows add up to ${seen[key]}`,
      );
    }
  }
  return totals;
}

function headerIndex(header: string[], line: number): Record<Column, number> {
  const out = {} as Record<Column, number>;
  for (const [key, names] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
    const i = header.findIndex((h) => names.includes(h.trim()));
    if (i < 0) throw new BillFormatError(BILL, line, `header has no ${names[0]} column`);
    out[key] = i;
  }
  return out;
}

function toRecord(cells: string[], at: Record<Column, number>, line: number): FundFlowRecord {
  const get = (k: Column) => cells[at[k]] ?? "";
  const direction = get("direction");
  if (direction !== "收入" && direction !== "支出") {
    throw new BillFormatError(BILL, line, `收支类型 must be 收入 or 支出, got ${JSON.stringify(direction)}`);
  }
  const amountFen = billYuanToFen(get("amount"), BILL, line, "收支金额(元)");
  if (amountFen < 0)
    throw new BillFormatError(BILL, line, "收支金额(元) must not be negative (收支类型 gives the sign)");
  const flowNo = get("flowNo");
  if (flowNo === "") throw new BillFormatError(BILL, line, "资金流水单号 is empty");
  return {
    provider: "wechatpay",
    line,
    bookedAt: parseBillTime(get("time"), BILL, line, "记账时间"),
    flowNo,
    businessNo: get("businessNo"),
    merchantNo: get("voucher"),
    businessName: get("name"),
    businessType: get("type"),
    direction: direction === "收入" ? "income" : "expense",
    amountFen,
    balanceFen: billYuanToFen(get("balance"), BILL, line, "账户结余(元)"),
    currency: "CNY",
    remark: get("remark"),
  };
}

/** Counts are printed like "20.0" on the page's example; a fraction is refused. */
function count(text: string, line: number, column: string): number {
  const m = /^(\d+)(?:\.0+)?$/.exec(text);
  if (m === null)
    throw new BillFormatError(BILL, line, `${column} must be a count, got ${JSON.stringify(text)}`);
  return Number(m[1]);
}

function readSummary(header: string[], cells: string[], line: number): FundFlowTotals {
  const cell = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new BillFormatError(BILL, line - 1, `summary header has no ${name} column`);
    return cells[i] ?? "";
  };
  return {
    records: count(cell(SUMMARY.records), line, SUMMARY.records),
    incomeCount: count(cell(SUMMARY.incomeCount), line, SUMMARY.incomeCount),
    incomeFen: billYuanToFen(cell(SUMMARY.incomeFen), BILL, line, SUMMARY.incomeFen),
    expenseCount: count(cell(SUMMARY.expenseCount), line, SUMMARY.expenseCount),
    expenseFen: billYuanToFen(cell(SUMMARY.expenseFen), BILL, line, SUMMARY.expenseFen),
  };
}
