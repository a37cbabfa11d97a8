import type { Readable } from "node:stream";
import { RefundState, TradeState } from "@paybridge/core/provider-kit";
import { billYuanToFen } from "../bill-amount.js";
import { BillFormatError } from "../bill-format-error.js";
import type { BillRecord, BillTotals } from "../bill-record.js";
import { parseBillTime } from "../bill-time.js";
import { alipayCsvRecords } from "./csv-records.js";
import {
  ALIPAY_TRADE_COLUMNS,
  type AlipayTradeColumn,
  RECEIPT_COLUMN,
  REFUND_TOTAL,
  TRADE_TOTAL,
} from "./trade-bill-columns.js";

const BILL = "Alipay trade bill";

/**
 * Streams Alipay's 业务明细 CSV (GBK bytes, straight from the zip entry) into BillRecords. The file
 * opens with "#" lines (title, account, period, a dashed rule), then the header, the rows, a closing
 * rule and the footer totals "#交易合计：N笔，商家实收共X元" / "#退款合计：..."; the footer is checked
 * against the rows. Values are padded with tabs and spaces, trimmed here. Refund rows print
 * negative amounts; records carry them positive. 服务费 is printed negative when charged; records
 * carry a charged fee positive, like WeChat's 手续费.
 */
export async function* parseAlipayTradeBill(input: Readable): AsyncGenerator<BillRecord, BillTotals> {
  let at: Record<AlipayTradeColumn, number> | undefined;
  let receiptAt = -1;
  let width = 0;
  let ended = false;
  const seen = {
    payments: 0,
    refunds: 0,
    paymentReceipt: 0,
    refundReceipt: 0,
    paymentFen: 0,
    refundFen: 0,
    feeFen: 0,
  };
  let tradeTotal: { line: number; count: number; fen: number } | undefined;
  let refundTotal: { line: number; count: number; fen: number } | undefined;
  let lastLine = 0;
  for await (const { record, line } of alipayCsvRecords(input)) {
    lastLine = line;
    const first = record[0] ?? "";
    if (first.startsWith("#")) {
      if (at !== undefined) ended = true;
      const text = record.join(",");
      const t = TRADE_TOTAL.exec(text);
      if (t)
        tradeTotal = { line, count: Number(t[1]), fen: billYuanToFen(t[2] ?? "", BILL, line, "交易合计") };
      const r = REFUND_TOTAL.exec(text);
      if (r)
        refundTotal = { line, count: Number(r[1]), fen: billYuanToFen(r[2] ?? "", BILL, line, "退款合计") };
      continue;
    }
    if (at === undefined) {
      at = headerIndex(record, line);
      receiptAt = record.indexOf(RECEIPT_COLUMN);
      if (receiptAt < 0) throw new BillFormatError(BILL, line, `header has no ${RECEIPT_COLUMN} column`);
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
    const receipt = billYuanToFen(record[receiptAt] ?? "", BILL, line, RECEIPT_COLUMN);
    if (row.kind === "payment") {
      seen.payments += 1;
      seen.paymentReceipt += receipt;
      seen.paymentFen += row.amountFen;
    } else {
      seen.refunds += 1;
      seen.refundReceipt += receipt;
      seen.refundFen += row.amountFen;
    }
    seen.feeFen += row.feeFen;
    yield row;
  }
  if (at === undefined)
    throw new BillFormatError(BILL, lastLine + 1, "no header line (支付宝交易号,...) in the bill");
  if (tradeTotal === undefined) throw new BillFormatError(BILL, lastLine + 1, "footer #交易合计 is missing");
  if (refundTotal === undefined) throw new BillFormatError(BILL, lastLine + 1, "footer #退款合计 is missing");
  if (tradeTotal.count !== seen.payments || tradeTotal.fen !== seen.paymentReceipt) {
    throw new BillFormatError(
      BILL,
      tradeTotal.line,
      `#交易合计 says ${tradeTotal.count} payments, ${tradeTotal.fen} fen; the rows hold ${seen.payments}, ${seen.paymentReceipt} fen`,
    );
  }
  if (refundTotal.count !== seen.refunds || refundTotal.fen !== seen.refundReceipt) {
    throw new BillFormatError(
      BILL,
      refundTotal.line,
      `#退款合计 says ${refundTotal.count} refunds, ${refundTotal.fen} fen; the rows hold ${seen.refunds}, ${seen.refundReceipt} fen`,
    );
  }
  return {
    records: seen.payments + seen.refunds,
    paymentFen: seen.paymentFen,
    refundFen: seen.refundFen,
    feeFen: seen.feeFen,
  };
}

function headerIndex(header: string[], line: number): Record<AlipayTradeColumn, number> {
  const out = {} as Record<AlipayTradeColumn, number>;
  for (const [key, name] of Object.entries(ALIPAY_TRADE_COLUMNS) as [AlipayTradeColumn, string][]) {
    const i = header.indexOf(name);
    if (i < 0) throw new BillFormatError(BILL, line, `header has no ${name} column`);
    out[key] = i;
  }
  return out;
}

function toRecord(cells: string[], at: Record<AlipayTradeColumn, number>, line: number): BillRecord {
  const get = (k: AlipayTradeColumn) => cells[at[k]] ?? "";
  const outTradeNo = get("outTradeNo");
  if (outTradeNo === "") throw new BillFormatError(BILL, line, "商户订单号 is empty");
  const amount = billYuanToFen(get("amount"), BILL, line, ALIPAY_TRADE_COLUMNS.amount);
  const base = {
    provider: "alipay" as const,
    line,
    outTradeNo,
    providerTradeNo: get("tradeNo"),
    currency: "CNY" as const,
    feeFen: -billYuanToFen(get("fee"), BILL, line, ALIPAY_TRADE_COLUMNS.fee),
    bookedAt: parseBillTime(get("finishedAt"), BILL, line, ALIPAY_TRADE_COLUMNS.finishedAt),
  };
  const kind = get("kind");
  if (kind === "交易") {
    if (amount < 0) throw new BillFormatError(BILL, line, "订单金额 of a 交易 row must not be negative");
    return { ...base, kind: "payment", amountFen: amount, state: TradeState.PAID, rawStatus: kind };
  }
  if (kind === "退款") {
    const outRefundNo = get("outRequestNo");
    if (outRefundNo === "") throw new BillFormatError(BILL, line, "退款批次号/请求号 is empty on a 退款 row");
    if (amount >= 0) throw new BillFormatError(BILL, line, "订单金额 of a 退款 row must be negative");
    // The trade bill lists refunds Alipay completed; a refund in any other state is not in it.
    return {
      ...base,
      kind: "refund",
      outRefundNo,
      amountFen: -amount,
      state: RefundState.SUCCESS,
      rawStatus: kind,
    };
  }
  throw new BillFormatError(BILL, line, `业务类型 must be 交易 or 退款, got ${JSON.stringify(kind)}`);
}
