import type { Readable } from "node:stream";
import { isCurrency } from "@paybridge/core";
import { parse } from "csv-parse";
import { billYuanToFen } from "../bill-amount.js";
import { BillFormatError } from "../bill-format-error.js";
import type { BillRecord, BillTotals } from "../bill-record.js";
import { parseBillTime } from "../bill-time.js";
import {
  OPTIONAL_TRADE_BILL_COLUMNS,
  type OptionalTradeBillColumn,
  SUMMARY_COLUMNS,
  SUMMARY_FIRST,
  TRADE_BILL_COLUMNS,
  type TradeBillColumn,
} from "./trade-bill-columns.js";
import { BILL_REFUND_STATE, BILL_TRADE_STATE } from "./trade-bill-states.js";

export interface WechatTradeBillOptions {
  /** Which provider the rows are booked to: "wechatpay" for APIv3, "cloudpay" for CloudPay.downloadBill. */
  readonly provider?: "wechatpay" | "cloudpay";
  /** Called once with the bill's own summary after it was checked against the rows. */
  readonly onTotals?: (totals: BillTotals) => void;
}

/**
 * Streams a WeChat trade bill (decompressed UTF-8 bytes) into BillRecords, one row in memory at a
 * time. The file is: a header line, detail rows with every value prefixed by "`" (so Excel keeps
 * long numbers), a summary header starting 总交易单数 and one summary row
 * (https://pay.weixin.qq.com/wiki/doc/apiv3/apis/chapter7_3_9.shtml). The summary is checked
 * against the rows when the stream ends; a bill that disagrees with itself throws BillFormatError
 * naming the line, so a caller must treat rows as provisional until the generator returns.
 */
export async function* parseWechatTradeBill(
  input: Readable,
  options: WechatTradeBillOptions = {},
): AsyncGenerator<BillRecord, BillTotals> {
  const provider = options.provider ?? "wechatpay";
  const bill = provider === "cloudpay" ? "CloudPay bill" : "WeChat trade bill";
  const parser = input.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, relax_quotes: true }),
  );
  input.on("error", (e) => parser.destroy(e));
  let index: Record<TradeBillColumn, number> | undefined;
  let optional: Partial<Record<OptionalTradeBillColumn, number>> = {};
  let width = 0;
  let summaryHeader: string[] | undefined;
  let summary: { line: number; cells: string[] } | undefined;
  const seen = { records: 0, paymentFen: 0, refundFen: 0, feeFen: 0 };
  let lastLine = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    const line = info.lines;
    lastLine = line;
    if (index === undefined) {
      index = headerIndex(record, bill, line);
      optional = optionalIndex(record);
      width = record.length;
      continue;
    }
    if (summary !== undefined) throw new BillFormatError(bill, line, "nothing may follow the summary row");
    if (summaryHeader !== undefined) {
      summary = { line, cells: record.map((c) => unprefix(c, bill, line)) };
      continue;
    }
    if (record[0] === SUMMARY_FIRST) {
      summaryHeader = record;
      continue;
    }
    if (record.length !== width) {
      throw new BillFormatError(
        bill,
        line,
        `a detail row must have ${width} values like the header, got ${record.length}`,
      );
    }
    const cells = record.map((c) => unprefix(c, bill, line));
    const row = toRecord(cells, index, optional, provider, bill, line);
    seen.records += 1;
    if (row.kind === "payment") seen.paymentFen += row.amountFen;
    else seen.refundFen += row.amountFen;
    seen.feeFen += row.feeFen;
    yield row;
  }
  if (index === undefined) throw new BillFormatError(bill, 1, "the bill is empty: no header line");
  if (summaryHeader === undefined || summary === undefined) {
    throw new BillFormatError(
      bill,
      lastLine + 1,
      `the summary header (${SUMMARY_FIRST},...) and summary row are missing`,
    );
  }
  const totals = readSummary(summaryHeader, summary.cells, bill, summary.line);
  for (const key of ["records", "paymentFen", "refundFen", "feeFen"] as const) {
    if (totals[key] !== seen[key]) {
      throw new BillFormatError(
        bill,
        summary.line,
        `summary ${key} is ${totals[key]} but the rows add up to ${seen[key]}`,
      );
    }
  }
  options.onTotals?.(totals);
  return totals;
}

function unprefix(cell: string, bill: string, line: number): string {
  if (cell.startsWith("`")) return cell.slice(1);
  if (cell === "") return cell;
  throw new BillFormatError(
    bill,
    line,
    `every value must start with "\`", got ${JSON.stringify(cell.slice(0, 40))}`,
  );
}

function headerIndex(header: string[], bill: string, line: number): Record<TradeBillColumn, number> {
  const out = {} as Record<TradeBillColumn, number>;
  for (const [key, names] of Object.entries(TRADE_BILL_COLUMNS) as [TradeBillColumn, readonly string[]][]) {
    const at = header.findIndex((h) => names.includes(h.trim()));
    if (at < 0) throw new BillFormatError(bill, line, `header has no ${names.join(" or ")} column`);
    out[key] = at;
  }
  return out;
}

function optionalIndex(header: string[]): Partial<Record<OptionalTradeBillColumn, number>> {
  const out: Partial<Record<OptionalTradeBillColumn, number>> = {};
  for (const [key, names] of Object.entries(OPTIONAL_TRADE_BILL_COLUMNS) as [
    OptionalTradeBillColumn,
    readonly string[],
  ][]) {
    const at = header.findIndex((h) => names.includes(h.trim()));
    if (at >= 0) out[key] = at;
  }
  return out;
}

function toRecord(
  cells: string[],
  at: Record<TradeBillColumn, number>,
  optional: Partial<Record<OptionalTradeBillColumn, number>>,
  provider: "wechatpay" | "cloudpay",
  bill: string,
  line: number,
): BillRecord {
  const get = (k: TradeBillColumn) => cells[at[k]] ?? "";
  // An optional column's amount: undefined when the layout lacks it or the cell is blank. A cell
  // equal to `same`'s text is that amount, parsed once (the usual case: no coupon on the line).
  const amountOf = (
    k: OptionalTradeBillColumn,
    same?: { readonly text: string; readonly fen: number },
  ): number | undefined => {
    const i = optional[k];
    const cell = i === undefined ? "" : (cells[i] ?? "");
    if (cell === "") return undefined;
    if (cell === "0.00") return 0;
    if (same !== undefined && cell === same.text) return same.fen;
    return billYuanToFen(cell, bill, line, OPTIONAL_TRADE_BILL_COLUMNS[k][0]);
  };
  const currency = get("currency");
  if (!isCurrency(currency))
    throw new BillFormatError(bill, line, `货币种类 must be CNY, got ${JSON.stringify(currency)}`);
  const outTradeNo = get("outTradeNo");
  if (outTradeNo === "") throw new BillFormatError(bill, line, "商户订单号 is empty");
  const status = get("tradeState");
  const base = {
    provider,
    line,
    outTradeNo,
    providerTradeNo: get("transactionId"),
    currency,
    feeFen: billYuanToFen(get("fee"), bill, line, "手续费"),
    bookedAt: parseBillTime(get("time"), bill, line, "交易时间"),
  };
  if (status === "REFUND") {
    const refundStatus = get("refundStatus");
    const state = BILL_REFUND_STATE[refundStatus];
    if (state === undefined)
      throw new BillFormatError(
        bill,
        line,
        `退款状态 ${JSON.stringify(refundStatus)} is not a documented refund status`,
      );
    const outRefundNo = get("outRefundNo");
    if (outRefundNo === "") throw new BillFormatError(bill, line, "商户退款单号 is empty on a REFUND row");
    const amountFen = billYuanToFen(get("refundAmount"), bill, line, "退款金额");
    if (amountFen < 0) throw new BillFormatError(bill, line, "退款金额 must not be negative on a REFUND row");
    const requestedFen = amountOf("requestedRefund", { text: get("refundAmount"), fen: amountFen });
    if (requestedFen !== undefined && requestedFen < amountFen) {
      throw new BillFormatError(bill, line, "申请退款金额 must not be less than 退款金额");
    }
    if ((requestedFen ?? amountFen) <= 0)
      throw new BillFormatError(bill, line, "退款金额 must be positive on a REFUND row");
    const couponRefundFen = amountOf("couponRefund");
    return {
      ...base,
      kind: "refund",
      outRefundNo,
      amountFen,
      ...(requestedFen !== undefined ? { requestedFen } : {}),
      ...(couponRefundFen ? { couponRefundFen } : {}),
      state,
      rawStatus: refundStatus,
    };
  }
  const state = BILL_TRADE_STATE[status];
  if (state === undefined)
    throw new BillFormatError(
      bill,
      line,
      `交易状态 ${JSON.stringify(status)} is not a documented trade status`,
    );
  const amountFen = billYuanToFen(get("settlementAmount"), bill, line, "应结订单金额");
  if (amountFen < 0) throw new BillFormatError(bill, line, "应结订单金额 must not be negative");
  const orderAmountFen = amountOf("orderAmount", { text: get("settlementAmount"), fen: amountFen });
  if (orderAmountFen !== undefined && orderAmountFen < amountFen) {
    throw new BillFormatError(bill, line, "订单金额 must not be less than 应结订单金额");
  }
  const couponFen = amountOf("coupon");
  return {
    ...base,
    kind: "payment",
    amountFen,
    ...(orderAmountFen !== undefined ? { orderAmountFen } : {}),
    ...(couponFen ? { couponFen } : {}),
    state,
    rawStatus: status,
  };
}

function readSummary(header: string[], cells: string[], bill: string, line: number): BillTotals {
  const cell = (name: string) => {
    const at = header.indexOf(name);
    if (at < 0) throw new BillFormatError(bill, line - 1, `summary header has no ${name} column`);
    return cells[at] ?? "";
  };
  const records = cell(SUMMARY_COLUMNS.records);
  if (!/^\d+$/.test(records))
    throw new BillFormatError(
      bill,
      line,
      `${SUMMARY_COLUMNS.records} must be a count, got ${JSON.stringify(records)}`,
    );
  return {
    records: Number(records),
    paymentFen: billYuanToFen(
      cell(SUMMARY_COLUMNS.settlementTotal),
      bill,
      line,
      SUMMARY_COLUMNS.settlementTotal,
    ),
    refundFen: billYuanToFen(cell(SUMMARY_COLUMNS.refundTotal), bill, line, SUMMARY_COLUMNS.refundTotal),
    feeFen: billYuanToFen(cell(SUMMARY_COLUMNS.feeTotal), bill, line, SUMMARY_COLUMNS.feeTotal),
  };
}
