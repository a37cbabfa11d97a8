// Reconciliation end to end for Alipay: the sandbox generates the day's trade bill (a zip of GBK
// CSV files) from its own book, the real provider asks for the download URL and streams the zip,
// @paybridge/reconcile opens it, checks the footers and matches it against what the shop recorded,
// with one of each difference planted. Bill: https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query
import { AlipayProvider } from "@paybridge/alipay";
import { cny, RefundState, silentLogger, TradeState } from "@paybridge/core";
import {
  type LedgerEntry,
  openAlipayBillCsv,
  parseAlipayTradeBill,
  type ReconcileLedgerPort,
  reconcileDay,
} from "@paybridge/reconcile";
import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DAY = "2026-03-01";
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const tag = String(Date.now()).slice(-8);
/** Order and refund numbers of this run, named for the difference they plant. */
const no = (name: string) => `${name}${tag}`;

async function bytes(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe("Alipay trade bill from the sandbox, reconciled against the shop's records", () => {
  let sandbox: AlipaySandbox;
  let provider: AlipayProvider;
  const recorded: LedgerEntry[] = [];
  const port: ReconcileLedgerPort = {
    async *entries() {
      yield* recorded;
    },
  };

  const pay = async (outTradeNo: string, fen: number) => {
    await provider.createPayment({
      outTradeNo,
      description: "对账测试",
      amount: cny(fen),
      method: "native",
      notifyUrl: "http://127.0.0.1:9/alipay/notify",
    });
    sandbox.scan(outTradeNo);
    await sandbox.pay(outTradeNo);
  };
  const refund = (outTradeNo: string, outRefundNo: string, fen: number, total: number) =>
    provider.refund({ outTradeNo, outRefundNo, amount: cny(fen), total: cny(total) });
  const advanceTo = (beijing: string) =>
    sandbox.advanceClock(at(beijing).getTime() - sandbox.now().getTime());

  beforeAll(async () => {
    sandbox = await startAlipaySandbox({ startTime: at(`${DAY}T09:00:00`) });
    provider = new AlipayProvider(
      { ...sandbox.merchantConfig(), timeoutMs: 5_000 },
      { merchantId: "ali-bill", logger: silentLogger, clock: () => new Date() },
    );
    await pay(no("PAIDOK"), 1000);
    recorded.push({ kind: "payment", outTradeNo: no("PAIDOK"), amountFen: 1000, state: TradeState.REFUND });
    await refund(no("PAIDOK"), no("REFOK"), 300, 1000);
    recorded.push({
      kind: "refund",
      outTradeNo: no("PAIDOK"),
      outRefundNo: no("REFOK"),
      amountFen: 300,
      state: RefundState.SUCCESS,
    });
    // Done at Alipay; the shop still has it as submitted.
    await refund(no("PAIDOK"), no("REFSTATE"), 200, 1000);
    recorded.push({
      kind: "refund",
      outTradeNo: no("PAIDOK"),
      outRefundNo: no("REFSTATE"),
      amountFen: 200,
      state: RefundState.SUBMITTED,
    });
    await pay(no("LEDGERLACKS"), 500);
    await pay(no("WRONGAMT"), 800);
    recorded.push({ kind: "payment", outTradeNo: no("WRONGAMT"), amountFen: 801, state: TradeState.REFUND });
    recorded.push({ kind: "payment", outTradeNo: no("BILLLACKS"), amountFen: 600, state: TradeState.PAID });
    await advanceTo("2026-03-02T00:00:02");
    await refund(no("WRONGAMT"), no("REFNEXTDAY"), 100, 800);
    recorded.push({
      kind: "refund",
      outTradeNo: no("WRONGAMT"),
      outRefundNo: no("REFNEXTDAY"),
      amountFen: 100,
      state: RefundState.SUCCESS,
    });
  });
  afterAll(() => sandbox?.close());

  it("has no bill for a day until 09:00 the next day", async () => {
    await expect(provider.tradeBill({ billDate: DAY })).rejects.toThrow(/bill_not_exist|账单/);
  });

  it("finds each planted difference exactly once, and nothing else", async () => {
    await advanceTo("2026-03-02T09:00:01");
    const bill = await provider.tradeBill({ billDate: DAY });
    const zip = await bytes(bill.body);
    const result = await reconcileDay({
      provider: "alipay",
      merchantId: "ali-bill",
      date: DAY,
      bill: parseAlipayTradeBill(await openAlipayBillCsv(zip, "trade")),
      ledger: port,
    });
    const found = result.differences.map((d) => `${d.kind}:${d.record}:${d.outRefundNo ?? d.outTradeNo}`);
    expect(found.sort()).toEqual(
      [
        `missing_locally:payment:${no("LEDGERLACKS")}`,
        `amount_mismatch:payment:${no("WRONGAMT")}`,
        `state_mismatch:refund:${no("REFSTATE")}`,
        `missing_at_provider:payment:${no("BILLLACKS")}`,
        `missing_at_provider:refund:${no("REFNEXTDAY")}`,
      ].sort(),
    );
    expect(result.matched).toBe(2);
  });

  it("a download URL stops working after 30 seconds", async () => {
    const bill = await provider.tradeBill({ billDate: DAY });
    await bytes(bill.body);
    await sandbox.advanceClock(31_000);
    const again = await fetch(bill.downloadUrl);
    expect(again.status).toBe(404);
  });

  it("an empty day is a bill with its footers and no rows", async () => {
    const bill = await provider.tradeBill({ billDate: "2026-02-27" });
    const rows = [];
    for await (const r of parseAlipayTradeBill(await openAlipayBillCsv(await bytes(bill.body), "trade")))
      rows.push(r);
    expect(rows).toEqual([]);
  });

  it("names the field of a bad request before any call", async () => {
    const before = sandbox.requestCount();
    await expect(provider.tradeBill({ billDate: "20260301" })).rejects.toThrow(/bill\.billDate/);
    expect(sandbox.requestCount()).toBe(before);
  });
});
