// Reconciliation end to end for WeChat Pay: the sandbox generates the day's trade bill from its own
// book, the real provider applies for it and streams the download, @paybridge/reconcile checks the
// SHA1 and the summary and matches it against what the shop recorded, with one of each difference
// planted. Bill format: https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-trade.html
import { cny, silentLogger, systemClock } from "@paybridge/core";
import {
  type LedgerEntry,
  parseWechatTradeBill,
  type ReconcileLedgerPort,
  reconcileDay,
  verifiedBillStream,
} from "@paybridge/reconcile";
import { OffsetClock, startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectPlanted, plantDay, plantedNumbers } from "./support/planted-day.js";

const DAY = "2026-03-01";
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const MINUTE = 60_000;
/** Order and refund numbers of this run, named for the difference they plant. */
const no = plantedNumbers();

describe("WeChat trade bill from the sandbox, reconciled against the shop's records", () => {
  let sandbox: WechatSandbox;
  let provider: WechatPayProvider;
  let clock: OffsetClock;
  // What the shop recorded, as its app would from each answer; differences are planted below.
  const recorded: LedgerEntry[] = [];

  const pay = async (outTradeNo: string, fen: number) => {
    await provider.createPayment({
      outTradeNo,
      description: "对账测试",
      amount: cny(fen),
      method: "native",
      notifyUrl: `${sandbox.origin}/sandbox/notify-sink`,
    });
    sandbox.control.pay(outTradeNo);
  };
  const refund = (outTradeNo: string, outRefundNo: string, fen: number, total: number) =>
    provider.refund({ outTradeNo, outRefundNo, amount: cny(fen), total: cny(total) });
  const advance = (ms: number) => sandbox.engine.advance(ms);

  beforeAll(async () => {
    clock = new OffsetClock(Date.now, at(`${DAY}T09:00:00`));
    sandbox = await startWechatSandbox({ clock, allowLoopbackHttpNotify: true, rateLimits: false });
    provider = new WechatPayProvider(sandbox.merchantConfig(), {
      merchantId: "wx-bill",
      clock: systemClock,
      logger: silentLogger,
    });
    recorded.push(
      ...(await plantDay(
        {
          pay,
          refund,
          // WeChat wants a minute between two refunds of one order.
          betweenRefunds: async () => advance(2 * MINUTE),
          // Past midnight: WeChat books the next refund on the next day.
          toNextDay: async () => advance(at(`${DAY}T23:59:59`).getTime() - clock.now().getTime() + 2_000),
        },
        no,
      )),
    );
  });
  afterAll(() => sandbox?.close());

  const port: ReconcileLedgerPort = {
    async *entries() {
      yield* recorded;
    },
  };

  it("refuses to serve the day's bill before 10:00 the next day, as WeChat generates it", async () => {
    await expect(provider.tradeBill({ billDate: DAY })).rejects.toThrow(/NO_STATEMENT_EXIST|尚未生成/);
  });

  it("finds each planted difference exactly once, and nothing else", async () => {
    advance(at("2026-03-02T10:00:01").getTime() - clock.now().getTime());
    for (const gzip of [true, false]) {
      const bill = await provider.tradeBill({ billDate: DAY, gzip });
      const result = await reconcileDay({
        provider: "wechatpay",
        merchantId: "wx-bill",
        date: DAY,
        bill: parseWechatTradeBill(verifiedBillStream(bill.body, bill)),
        ledger: port,
      });
      expectPlanted(result, no);
    }
  });

  it("bills the next-day refund on the next day, with the status it had when that bill was made", async () => {
    advance(24 * 3_600_000);
    const bill = await provider.tradeBill({ billDate: "2026-03-02", billType: "REFUND" });
    const rows = [];
    for await (const r of parseWechatTradeBill(verifiedBillStream(bill.body, bill))) rows.push(r);
    expect(rows).toMatchObject([{ kind: "refund", outRefundNo: no("REFNEXTDAY"), amountFen: 100 }]);
  });

  it("an empty day is a bill with a summary and no rows", async () => {
    const bill = await provider.tradeBill({ billDate: "2026-02-27" });
    const rows = [];
    for await (const r of parseWechatTradeBill(verifiedBillStream(bill.body, bill))) rows.push(r);
    expect(rows).toEqual([]);
  });

  it("names the field of a bad request before any call", async () => {
    await expect(provider.tradeBill({ billDate: "2026-3-1" })).rejects.toThrow(/tradeBill\.billDate/);
  });
});
