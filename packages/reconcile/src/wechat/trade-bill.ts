import type { Readable } from "node:stream";
import { isCurrency } from "@paybridge/core/provider-kit";
import { billYuanToFen } from "../bill-amount.js";
import { BillFormatError } from "../bill-format-error.js";
import type { BillPayment, BillRecord, BillRefund, BillTotals } from "../bill-record.js";
import { BillTimeReader } from "../bill-time.js";
import { numberedCsvRecords } from "../numbered-csv.js";
import { checkTickedRow, tickedCell, untickedRow } from "./backtick-cells.js";
import {
  OPTIONAL_TRADE_BILL_COLUMNS,
  type OptionalTradeBillColumn,
  SUMMARY_COLUMNS,
  SUMMARY_FIRST,
  TRADE_BILL_COLUMNS,
  type TradeBillColumn,
} from "./trade-bill-columns.js";
import { BILL_REFUND_STATE, BILL_TRADE_STATE } from "./trade-bill-states.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

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
  let layout: Layout | undefined;
  let width = 0;
  const time = new BillTimeReader();
  let summaryHeader: string[] | undefined;
  let summary: { line: number; cells: string[] } | undefined;
  const seen = { records: 0, paymentFen: 0, refundFen: 0, feeFen: 0 };
  let lastLine = 0;
  for await (const { record, line } of numberedCsvRecords(input)) {
    lastLine = line;
    if (layout === undefined) {
      layout = layoutOf(record, bill, line);
      width = record.length;
      continue;
    }
    if (summary !== undefined) throw new BillFormatError(bill, line, "nothing may follow the summary row");
    if (summaryHeader !== undefined) {
      summary = { line, cells: untickedRow(record, bill, line) };
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
    checkTickedRow(record, bill, line);
    const row = toRecord(record, layout, provider, bill, line, time);
    seen.records += 1;
    if (row.kind === "payment") seen.paymentFen += row.amountFen;
    else seen.refundFen += row.amountFen;
    seen.feeFen += row.feeFen;
    yield row;
  }
  if (layout === undefined) throw new BillFormatError(bill, 1, "the bill is empty: no header line");
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

/** Column positions of one bill, found by name once from its header; -1 for an absent optional column. */
type Layout = Record<TradeBillColumn, number> & Record<OptionalTradeBillColumn, number>;

function layoutOf(header: string[], bill: string, line: number): Layout {
  const optional = optionalIndex(header);
  return {
    ...headerIndex(header, bill, line),
    orderAmount: optional.orderAmount ?? -1,
    requestedRefund: optional.requestedRefund ?? -1,
    coupon: optional.coupon ?? -1,
    couponRefund: optional.couponRefund ?? -1,
  };
}

/**
 * An optional column's amount: undefined when the layout lacks it or the cell is blank. A cell equal
 * to `sameText` is `sameFen`, parsed once (the usual case: no coupon, so the order amount is the
 * settlement amount).
 */
function optionalFen(
  record: readonly string[],
  at: number,
  name: string,
  bill: string,
  line: number,
  sameText?: string,
  sameFen?: number,
): number | undefined {
  if (at < 0) return undefined;
  const cell = tickedCell(record, at);
  if (cell === "") return undefined;
  if (cell === "0.00") return 0;
  if (sameFen !== undefined && cell === sameText) return sameFen;
  return billYuanToFen(cell, bill, line, name);
}

// Records are built as one literal each, the optional amounts assigned after, rather than spread
// from a shared base: per row, on a million-row bill, object spread and per-row closures were a
// fifth of the parse (node --cpu-prof of packages/bench's reconcile run).
function toRecord(
  record: readonly string[],
  at: Layout,
  provider: "wechatpay" | "cloudpay",
  bill: string,
  line: number,
  time: BillTimeReader,
): BillRecord {
  const currency = tickedCell(record, at.currency);
  if (!isCurrency(currency))
    throw new BillFormatError(bill, line, `货币种类 must be CNY, got ${JSON.stringify(currency)}`);
  const outTradeNo = tickedCell(record, at.outTradeNo);
  if (outTradeNo === "") throw new BillFormatError(bill, line, "商户订单号 is empty");
  const status = tickedCell(record, at.tradeState);
  const providerTradeNo = tickedCell(record, at.transactionId);
  const feeFen = billYuanToFen(tickedCell(record, at.fee), bill, line, "手续费");
  const bookedAt = time.read(tickedCell(record, at.time), bill, line, "交易时间");
  if (status === "REFUND") {
    const refundStatus = tickedCell(record, at.refundStatus);
    const state = BILL_REFUND_STATE[refundStatus];
    if (state === undefined)
      throw new BillFormatError(
        bill,
        line,
        `退款状态 ${JSON.stringify(refundStatus)} is not a documented refund status`,
      );
    const outRefundNo = tickedCell(record, at.outRefundNo);
    if (outRefundNo === "") throw new BillFormatError(bill, line, "商户退款单号 is empty on a REFUND row");
    const refundText = tickedCell(record, at.refundAmount);
    const amountFen = billYuanToFen(refundText, bill, line, "退款金额");
    if (amountFen < 0) throw new BillFormatError(bill, line, "退款金额 must not be negative on a REFUND row");
    const requestedFen = optionalFen(
      record,
      at.requestedRefund,
      "申请退款金额",
      bill,
      line,
      refundText,
      amountFen,
    );
    if (requestedFen !== undefined && requestedFen < amountFen) {
      throw new BillFormatError(bill, line, "申请退款金额 must not be less than 退款金额");
    }
    if ((requestedFen ?? amountFen) <= 0)
      throw new BillFormatError(bill, line, "退款金额 must be positive on a REFUND row");
    const couponRefundFen = optionalFen(record, at.couponRefund, "充值券退款金额", bill, line);
    const refund: Mutable<BillRefund> = {
      provider,
      line,
      outTradeNo,
      providerTradeNo,
      currency,
      feeFen,
      bookedAt,
      kind: "refund",
      outRefundNo,
      amountFen,
      state,
      rawStatus: refundStatus,
    };
    if (requestedFen !== undefined) refund.requestedFen = requestedFen;
    if (couponRefundFen) refund.couponRefundFen = couponRefundFen;
    return refund;
  }
  const state = BILL_TRADE_STATE[status];
  if (state === undefined)
    throw new BillFormatError(
      bill,
      line,
      `交易状态 ${JSON.stringify(status)} is not a documented trade status`,
    );
  const settlementText = tickedCell(record, at.settlementAmount);
  const amountFen = billYuanToFen(settlementText, bill, line, "应结订单金额");
  if (amountFen < 0) throw new BillFormatError(bill, line, "应结订单金额 must not be negative");
  const orderAmountFen = optionalFen(
    record,
    at.orderAmount,
    "订单金额",
    bill,
    line,
    settlementText,
    amountFen,
  );
  if (orderAmountFen !== undefined && orderAmountFen < amountFen) {
    throw new BillFormatError(bill, line, "订单金额 must not be less than 应结订单金额");
  }
  const couponFen = optionalFen(record, at.coupon, "代金券金额", bill, line);
  const payment: Mutable<BillPayment> = {
    provider,
    line,
    outTradeNo,
    providerTradeNo,
    currency,
    feeFen,
    bookedAt,
    kind: "payment",
    amountFen,
    state,
    rawStatus: status,
  };
  if (orderAmountFen !== undefined) payment.orderAmountFen = orderAmountFen;
  if (couponFen) payment.couponFen = couponFen;
  return payment;
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
