import { Readable } from "node:stream";
import { RefundState, TradeState } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import {
  type AlipayRow,
  alipayBillZip,
  alipayTradeCsv,
  type WechatRow,
  wechatTradeBill,
} from "./__fixtures__/bill-writers.js";
import { openAlipayBillCsv } from "./alipay/bill-zip.js";
import { parseAlipayTradeBill } from "./alipay/trade-bill.js";
import type { BillRecord } from "./bill-record.js";
import type { LedgerEntry, ReconcileLedgerPort } from "./ledger-port.js";
import { reconcileDay } from "./reconcile.js";
import { reconcileToCsv, reconcileToJson, reconcileToTable } from "./report/render-report.js";
import { parseWechatTradeBill } from "./wechat/trade-bill.js";

const port = (entries: readonly LedgerEntry[]): ReconcileLedgerPort => ({
  async *entries() {
    yield* entries;
  },
});

// The planted day: one of each difference the issue names, plus lines that match.
const LEDGER: LedgerEntry[] = [
  { kind: "payment", outTradeNo: "P-ok", amountFen: 1000, state: TradeState.REFUND },
  { kind: "payment", outTradeNo: "P-ok2", amountFen: 250, state: TradeState.PAID },
  { kind: "payment", outTradeNo: "P-bill-lacks", amountFen: 500, state: TradeState.PAID },
  { kind: "payment", outTradeNo: "P-wrong-amount", amountFen: 300, state: TradeState.PAID },
  { kind: "refund", outTradeNo: "P-ok", outRefundNo: "R-ok", amountFen: 400, state: RefundState.SUCCESS },
  {
    kind: "refund",
    outTradeNo: "P-ok",
    outRefundNo: "R-wrong-state",
    amountFen: 100,
    state: RefundState.SUBMITTED,
  },
  // Booked by the ledger today; the provider bills it tomorrow.
  {
    kind: "refund",
    outTradeNo: "P-ok2",
    outRefundNo: "R-next-day",
    amountFen: 50,
    state: RefundState.SUCCESS,
  },
];

const EXPECTED = [
  { kind: "missing_locally", record: "payment", outTradeNo: "P-ledger-lacks" },
  {
    kind: "amount_mismatch",
    record: "payment",
    outTradeNo: "P-wrong-amount",
    billAmountFen: 301,
    ledgerAmountFen: 300,
  },
  {
    kind: "state_mismatch",
    record: "refund",
    outRefundNo: "R-wrong-state",
    billState: RefundState.SUCCESS,
    ledgerState: RefundState.SUBMITTED,
  },
  { kind: "missing_at_provider", record: "payment", outTradeNo: "P-bill-lacks", ledgerAmountFen: 500 },
  {
    kind: "missing_at_provider",
    record: "refund",
    outTradeNo: "P-ok2",
    outRefundNo: "R-next-day",
    ledgerAmountFen: 50,
  },
];

function expectPlanted(result: Awaited<ReturnType<typeof reconcileDay>>) {
  expect(result.differences).toHaveLength(EXPECTED.length);
  for (const e of EXPECTED)
    expect(
      result.differences.filter((d) =>
        Object.entries(e).every(([k, v]) => (d as unknown as Record<string, unknown>)[k] === v),
      ),
    ).toHaveLength(1);
  expect(result.matched).toBe(3);
}

const WECHAT_ROWS: WechatRow[] = [
  { time: "2026-03-01 09:00:00", outTradeNo: "P-ok", status: "SUCCESS", amountFen: 1000, feeFen: 6 },
  { time: "2026-03-01 09:30:00", outTradeNo: "P-ok2", status: "SUCCESS", amountFen: 250, feeFen: 2 },
  { time: "2026-03-01 10:00:00", outTradeNo: "P-ledger-lacks", status: "SUCCESS", amountFen: 700, feeFen: 4 },
  { time: "2026-03-01 11:00:00", outTradeNo: "P-wrong-amount", status: "SUCCESS", amountFen: 301, feeFen: 2 },
  {
    time: "2026-03-01 12:00:00",
    outTradeNo: "P-ok",
    status: "REFUND",
    amountFen: 1000,
    outRefundNo: "R-ok",
    refundFen: 400,
    refundStatus: "SUCCESS",
    feeFen: -2,
  },
  {
    time: "2026-03-01 13:00:00",
    outTradeNo: "P-ok",
    status: "REFUND",
    amountFen: 1000,
    outRefundNo: "R-wrong-state",
    refundFen: 100,
    refundStatus: "SUCCESS",
    feeFen: -1,
  },
];

const ALIPAY_ROWS: AlipayRow[] = [
  { finishedAt: "2026-03-01 09:00:00", outTradeNo: "P-ok", kind: "交易", amountFen: 1000, feeFen: 6 },
  { finishedAt: "2026-03-01 09:30:00", outTradeNo: "P-ok2", kind: "交易", amountFen: 250, feeFen: 2 },
  {
    finishedAt: "2026-03-01 10:00:00",
    outTradeNo: "P-ledger-lacks",
    kind: "交易",
    amountFen: 700,
    feeFen: 4,
  },
  {
    finishedAt: "2026-03-01 11:00:00",
    outTradeNo: "P-wrong-amount",
    kind: "交易",
    amountFen: 301,
    feeFen: 2,
  },
  {
    finishedAt: "2026-03-01 12:00:00",
    outTradeNo: "P-ok",
    kind: "退款",
    amountFen: 400,
    outRequestNo: "R-ok",
    feeFen: 2,
  },
  {
    finishedAt: "2026-03-01 13:00:00",
    outTradeNo: "P-ok",
    kind: "退款",
    amountFen: 100,
    outRequestNo: "R-wrong-state",
    feeFen: 1,
  },
];

describe("planted-difference day", () => {
  it("WeChat: finds each planted difference exactly once and nothing else", async () => {
    const bill = parseWechatTradeBill(Readable.from([Buffer.from(wechatTradeBill(WECHAT_ROWS))]));
    const result = await reconcileDay({
      provider: "wechatpay",
      merchantId: "1900000001",
      date: "2026-03-01",
      bill,
      ledger: port(LEDGER),
    });
    expectPlanted(result);
    expect(result.bill).toEqual({
      payments: 4,
      refunds: 2,
      paymentFen: 2251,
      refundFen: 500,
      feeFen: 11,
      netFen: 1740,
    });
    expect(result.ledger.paymentFen).toBe(2050);
    expect(result.ledger.refundFen).toBe(450);
  });

  it("Alipay: the same day from a zip of GBK CSV finds the same differences", async () => {
    // The ledger holds R-wrong-state as SUBMITTED; Alipay's trade bill lists only completed refunds.
    const zip = await alipayBillZip(alipayTradeCsv(ALIPAY_ROWS));
    const bill = parseAlipayTradeBill(await openAlipayBillCsv(zip, "trade"));
    const result = await reconcileDay({
      provider: "alipay",
      merchantId: "2088",
      date: "2026-03-01",
      bill,
      ledger: port(LEDGER),
    });
    expectPlanted(result);
    expect(result.bill.feeFen).toBe(11);
    expect(result.bill.netFen).toBe(2251 - 500 - 11);
  });

  it("renders JSON, CSV and a table naming every difference", async () => {
    const bill = parseWechatTradeBill(Readable.from([Buffer.from(wechatTradeBill(WECHAT_ROWS))]));
    const result = await reconcileDay({
      provider: "wechatpay",
      merchantId: "1900000001",
      date: "2026-03-01",
      bill,
      ledger: port(LEDGER),
    });
    expect(JSON.parse(reconcileToJson(result)).differences).toHaveLength(5);
    const csv = reconcileToCsv(result).trimEnd().split("\r\n");
    expect(csv).toHaveLength(6);
    expect(csv).toContain("amount_mismatch,payment,P-wrong-amount,,5,301,300,3,3");
    const table = reconcileToTable(result);
    expect(table).toContain("matched 3, differences 5");
    expect(table).toMatch(
      /state_mismatch\s+refund\s+P-ok\s+R-wrong-state\s+7\s+1\.00\s+1\.00\s+4 SUCCESS 退款成功\s+3 SUBMITTED 已提交/,
    );
  });
});

describe("empty days", () => {
  it("WeChat: a bill with only header and zero summary reconciles to nothing", async () => {
    const bill = parseWechatTradeBill(Readable.from([Buffer.from(wechatTradeBill([]))]));
    const result = await reconcileDay({
      provider: "wechatpay",
      merchantId: "m",
      date: "2026-03-01",
      bill,
      ledger: port([]),
    });
    expect(result.matched).toBe(0);
    expect(result.differences).toEqual([]);
    expect(result.bill.netFen).toBe(0);
  });

  it("Alipay: an empty day's zip reconciles to nothing, and the ledger's lines show as missing at the provider", async () => {
    const zip = await alipayBillZip(alipayTradeCsv([]));
    const bill = parseAlipayTradeBill(await openAlipayBillCsv(zip, "trade"));
    const result = await reconcileDay({
      provider: "alipay",
      merchantId: "m",
      date: "2026-03-01",
      bill,
      ledger: port(LEDGER.slice(0, 1)),
    });
    expect(result.differences.map((d) => d.kind)).toEqual(["missing_at_provider"]);
  });
});

describe("coupon-bearing lines", () => {
  const at = new Date("2026-03-01T02:00:00Z");
  const base = {
    provider: "wechatpay" as const,
    providerTradeNo: "4200",
    currency: "CNY" as const,
    feeFen: 0,
    bookedAt: at,
  };
  async function* bill(): AsyncGenerator<BillRecord> {
    // A 免充值 coupon of 5.00: settled 95.00, ordered 100.00; the refund settles 85.50 of 90.00.
    yield {
      ...base,
      kind: "payment",
      line: 2,
      outTradeNo: "C1",
      amountFen: 9500,
      orderAmountFen: 10_000,
      couponFen: 1500,
      state: TradeState.PAID,
      rawStatus: "SUCCESS",
    };
    yield {
      ...base,
      kind: "refund",
      line: 3,
      outTradeNo: "C1",
      outRefundNo: "CR1",
      amountFen: 8550,
      requestedFen: 9000,
      state: RefundState.SUCCESS,
      rawStatus: "SUCCESS",
    };
    // The same coupon, but the shop booked the settled amount instead of the order amount.
    yield {
      ...base,
      kind: "payment",
      line: 4,
      outTradeNo: "C2",
      amountFen: 9500,
      orderAmountFen: 10_000,
      state: TradeState.PAID,
      rawStatus: "SUCCESS",
    };
  }

  it("compares the order and requested refund amounts with the ledger, not the settlement amounts", async () => {
    const result = await reconcileDay({
      provider: "wechatpay",
      merchantId: "m",
      date: "2026-03-01",
      bill: bill(),
      ledger: port([
        { kind: "payment", outTradeNo: "C1", amountFen: 10_000, state: TradeState.REFUND },
        { kind: "refund", outTradeNo: "C1", outRefundNo: "CR1", amountFen: 9000, state: RefundState.SUCCESS },
        { kind: "payment", outTradeNo: "C2", amountFen: 9500, state: TradeState.PAID },
      ]),
    });
    expect(result.matched).toBe(2);
    expect(result.differences).toMatchObject([
      { kind: "amount_mismatch", outTradeNo: "C2", billAmountFen: 10_000, ledgerAmountFen: 9500 },
    ]);
    // Day totals stay what the merchant is settled.
    expect(result.bill.paymentFen).toBe(19_000);
    expect(result.bill.refundFen).toBe(8550);
  });
});
