import type { Readable } from "node:stream";
import { billYuanToFen } from "../bill-amount.js";
import { BillFormatError } from "../bill-format-error.js";
import { parseBillTime } from "../bill-time.js";
import type { FundFlowRecord, FundFlowTotals } from "../fund-flow-record.js";
import { alipayCsvRecords } from "./csv-records.js";

const BILL = "Alipay fund bill";

/**
 * Columns of Alipay's 账务明细 CSV (bill_type signcustomer, the zip that
 * alipay.data.dataservice.bill.downloadurl.query points at,
 * https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query), found by name.
 */
const COLUMNS = {
  flowNo: "账务流水号",
  businessNo: "业务流水号",
  merchantNo: "商户订单号",
  time: "发生时间",
  income: "收入金额（+元）",
  expense: "支出金额（-元）",
  balance: "账户余额（元）",
  type: "业务类型",
  remark: "备注",
} as const;
type Column = keyof typeof COLUMNS;

/** Footers: "#支出合计：N笔，共-X元" and "#收入合计：N笔，共X元". */
const EXPENSE_TOTAL = /^#支出合计：(\d+)笔，共(-?\d+(?:\.\d{1,2})?)元/;
const INCOME_TOTAL = /^#收入合计：(\d+)笔，共(-?\d+(?:\.\d{1,2})?)元/;

/**
 * Streams Alipay's 账务明细 CSV (GBK bytes, straight from the zip entry) into FundFlowRecords: "#"
 * header lines, the column header, one line per balance movement (收入金额 or 支出金额 set, the
 * latter printed negative), a closing rule and the 支出合计 / 收入合计 footers, which are checked
 * against the rows with every row's 账户余额 following from the one before. A bill that disagrees
 * with itself throws BillFormatError naming the line.
 */
export async function* parseAlipayFundBill(input: Readable): AsyncGenerator<FundFlowRecord, FundFlowTotals> {
  let at: Record<Column, number> | undefined;
  let width = 0;
  let ended = false;
  const seen = { records: 0, incomeCount: 0, incomeFen: 0, expenseCount: 0, expenseFen: 0 };
  let income: { line: number; count: number; fen: number } | undefined;
  let expense: { line: number; count: number; fen: number } | undefined;
  let lastBalance: number | undefined;
  let lastLine = 0;
  for await (const { record, line } of alipayCsvRecords(input)) {
    lastLine = line;
    if ((record[0] ?? "").startsWith("#")) {
      if (at !== undefined) ended = true;
      const text = record.join(",");
      const e = EXPENSE_TOTAL.exec(text);
      if (e) expense = { line, count: Number(e[1]), fen: -billYuanToFen(e[2] ?? "", BILL, line, "支出合计") };
      const i = INCOME_TOTAL.exec(text);
      if (i) income = { line, count: Number(i[1]), fen: billYuanToFen(i[2] ?? "", BILL, line, "收入合计") };
      continue;
    }
    if (at === undefined) {
      at = headerIndex(record, line);
      width = record.length;
      continue;
    }
    if (ended) throw new BillFormatError(BILL, line, 'a detail row after the closing "#" lines');
    if (record.length !== width) {
      throw new BillFormatError(
        BILL,
        line,
        `a detail row must have ${width} values like the header, got ${record.length}`,
      );
    }
    const row = toRecord(record, at, line);
    const signed = row.direction === "income" ? row.amountFen : -row.amountFen;
    if (lastBalance !== undefined && lastBalance + signed !== row.balanceFen) {
      throw new BillFormatError(
        BILL,
        line,
        `账户余额 ${row.balanceFen} fen does not follow from the line before (${lastBalance} ${signed >= 0 ? "+" : "-"} ${row.amountFen})`,
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
  if (at === undefined)
    throw new BillFormatError(BILL, lastLine + 1, "no header line (账务流水号,...) in the bill");
  if (income === undefined) throw new BillFormatError(BILL, lastLine + 1, "footer #收入合计 is missing");
  if (expense === undefined) throw new BillFormatError(BILL, lastLine + 1, "footer #支出合计 is missing");
  if (income.count !== seen.incomeCount || income.fen !== seen.incomeFen) {
    throw new BillFormatError(
      BILL,
      income.line,
      `#收入合计 says ${income.count} lines, ${income.fen} fen; the rows hold ${seen.incomeCount}, ${seen.incomeFen} fen`,
    );
  }
  if (expense.count !== seen.expenseCount || expense.fen !== seen.expenseFen) {
    throw new BillFormatError(
      BILL,
      expense.line,
      `#支出合计 says ${expense.count} lines, ${expense.fen} fen; the rows hold ${seen.expenseCount}, ${seen.expenseFen} fen`,
    );
  }
  return seen;
}

function headerIndex(header: string[], line: number): Record<Column, number> {
  const out = {} as Record<Column, number>;
  for (const [key, name] of Object.entries(COLUMNS) as [Column, string][]) {
    const i = header.indexOf(name);
    if (i < 0) throw new BillFormatError(BILL, line, `header has no ${name} column`);
    out[key] = i;
  }
  return out;
}

function toRecord(cells: string[], at: Record<Column, number>, line: number): FundFlowRecord {
  const get = (k: Column) => (cells[at[k]] ?? "").trim();
  const incomeText = get("income");
  const expenseText = get("expense");
  if ((incomeText === "") === (expenseText === "")) {
    throw new BillFormatError(BILL, line, "exactly one of 收入金额 and 支出金额 must be set");
  }
  const direction = incomeText !== "" ? "income" : "expense";
  const printed =
    direction === "income"
      ? billYuanToFen(incomeText, BILL, line, COLUMNS.income)
      : billYuanToFen(expenseText, BILL, line, COLUMNS.expense);
  if (direction === "income" ? printed < 0 : printed > 0) {
    throw new BillFormatError(
      BILL,
      line,
      direction === "income" ? "收入金额 must not be negative" : "支出金额 must be printed negative",
    );
  }
  const flowNo = get("flowNo");
  if (flowNo === "") throw new BillFormatError(BILL, line, "账务流水号 is empty");
  return {
    provider: "alipay",
    line,
    bookedAt: parseBillTime(get("time"), BILL, line, COLUMNS.time),
    flowNo,
    businessNo: get("businessNo"),
    merchantNo: get("merchantNo"),
    businessName: get("type"),
    businessType: get("type"),
    direction,
    amountFen: Math.abs(printed),
    balanceFen: billYuanToFen(get("balance"), BILL, line, COLUMNS.balance),
    currency: "CNY",
    remark: get("remark"),
  };
}
