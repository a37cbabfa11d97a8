// Reconciliation end to end for Alipay: the sandbox generates the day's trade bill (a zip of GBK
// CSV files) from its own book, the real provider asks for the download URL and streams the zip,
// @paybridge/reconcile opens it, checks the footers and matches it against what the shop recorded,
// with one of each difference planted. Bill: https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query
import { AlipayProvider } from "@paybridge/alipay";
import { cny, silentLogger } from "@paybridge/core";
import {
  type LedgerEntry,
  openAlipayBillCsv,
  parseAlipayTradeBill,
  type ReconcileLedgerPort,
  reconcileDay,
} from "@paybridge/reconcile";
import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectPlanted, plantDay, plantedNumbers } from "./support/planted-day.js";

const DAY = "2026-03-01";
const at = (beijing: string) => new Date(`${beijing}+08:00`);
/** Order and refund numbers of this run, named for the difference they plant. */
const no = plantedNumbers();

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
    recorded.push(
      ...(await plantDay(
        { pay, refund, betweenRefunds: async () => {}, toNextDay: () => advanceTo("2026-03-02T00:00:02") },
        no,
      )),
    );
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
    expectPlanted(result, no);
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
