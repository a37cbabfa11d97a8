// Reconciliation end to end for WeChat Pay: the sandbox generates the day's trade bill from its own
// book, the real provider applies for it and streams the download, @paybridge/reconcile checks the
// SHA1 and the summary and matches it against what the shop recorded, with one of each difference
// planted. Bill format: https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-trade.html
import { cny, RefundState, silentLogger, systemClock, TradeState } from "@paybridge/core";
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

const DAY = "2026-03-01";
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const MINUTE = 60_000;
const tag = String(Date.now()).slice(-8);
/** Order and refund numbers of this run, named for the difference they plant. */
const no = (name: string) => `${name}${tag}`;

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
    advance(2 * MINUTE);
    // Settles at WeChat before the bill is generated; the shop never heard (still submitted).
    await refund(no("PAIDOK"), no("REFSTATE"), 200, 1000);
    recorded.push({
      kind: "refund",
      outTradeNo: no("PAIDOK"),
      outRefundNo: no("REFSTATE"),
      amountFen: 200,
      state: RefundState.SUBMITTED,
    });
    // Paid at WeChat, unknown to the shop.
    await pay(no("LEDGERLACKS"), 500);
    // Paid 800, recorded as 801.
    await pay(no("WRONGAMT"), 800);
    recorded.push({ kind: "payment", outTradeNo: no("WRONGAMT"), amountFen: 801, state: TradeState.REFUND });
    // Recorded as paid, never paid at WeChat.
    recorded.push({ kind: "payment", outTradeNo: no("BILLLACKS"), amountFen: 600, state: TradeState.PAID });
    // Past midnight: WeChat books this refund on the next day; the shop booked it on DAY.
    advance(at(`${DAY}T23:59:59`).getTime() - clock.now().getTime() + 2_000);
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
      // The first payment and its first refund.
      expect(result.matched).toBe(2);
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
