// Alipay 当面付 条码支付 end to end: the real AlipayProvider (alipay-sdk v4) against the signed
// sandbox, with the buyer's behaviour planned per 付款码, on a sandbox clock 20x faster than real
// time that the client's loop waits on too.
import { AlipayProvider } from "@paybridge/alipay";
import {
  cny,
  createPayBridgeContainer,
  MemoryPaymentLedger,
  type PaymentGateway,
  registerMerchant,
  registerProvider,
  resolveGateway,
  TradeState,
} from "@paybridge/core";
import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speedClock } from "./support/speed-clock.js";

const MERCHANT = "alipay-shop";
let sandbox: AlipaySandbox;
let gateway: PaymentGateway;
let payments: MemoryPaymentLedger;
let n = 0;

beforeAll(async () => {
  const clock = speedClock(20);
  sandbox = await startAlipaySandbox({ clock });
  payments = new MemoryPaymentLedger();
  const container = createPayBridgeContainer({ clock: () => clock.now(), payments });
  registerProvider(container, AlipayProvider);
  registerMerchant(container, {
    id: MERCHANT,
    provider: AlipayProvider.id,
    config: { ...sandbox.merchantConfig(), timeoutMs: 5000 },
  });
  gateway = resolveGateway(container);
});
afterAll(async () => {
  await sandbox?.close();
});

function sale(authCode: string, fen = 1280) {
  n += 1;
  return {
    outTradeNo: `APOS${Date.now().toString(36)}${n}`,
    description: "门店-收银台",
    amount: cny(fen),
    method: "barcode" as const,
    notifyUrl: "https://shop.example.com/pay/notify",
    authCode,
    store: { id: "SH-001", deviceId: "POS-7" },
  };
}
const code = (tail: number) => `28${Date.now().toString().slice(-9)}${tail.toString().padStart(7, "0")}`;

async function inPerson(input: ReturnType<typeof sale>) {
  const result = await gateway.forMerchant(MERCHANT).createPayment(input);
  if (result.action.type !== "in_person") throw new Error("expected an in-person result");
  return result.action.trade;
}

describe("Alipay 条码支付 through alipay-sdk against the sandbox", () => {
  it("capabilities declare barcode", () => {
    expect(gateway.forMerchant(MERCHANT).capabilities.methods).toContain("barcode");
  });

  it("a buyer who pays at once: 10000, paid (3) in one call, recorded paid", async () => {
    const input = sale(code(1));
    const trade = await inPerson(input);
    expect(trade).toMatchObject({ state: TradeState.PAID, rawStatus: "TRADE_SUCCESS", amount: cny(1280) });
    const book = sandbox.trade(input.outTradeNo);
    expect(book?.status).toBe("TRADE_SUCCESS");
    expect(book?.inPerson).toMatchObject({ storeId: "SH-001", terminalId: "POS-7" });
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.PAID);
  });

  it("a buyer who enters the password in 12 s: 10003, queried every 5 s, then paid (3)", async () => {
    const authCode = code(2);
    sandbox.planBuyer(authCode, { kind: "pays_after", afterMs: 12_000 });
    const input = sale(authCode);
    const trade = await inPerson(input);
    expect(trade.state).toBe(TradeState.PAID);
    const queries = sandbox
      .calls()
      .filter((c) => c.method === "alipay.trade.query" && c.biz.out_trade_no === input.outTradeNo);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    expect(sandbox.trade(input.outTradeNo)?.status).toBe("TRADE_SUCCESS");
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.PAID);
  });

  it("a buyer who never pays: cancelled after the 30 s of queries, closed (1), Alipay holds nothing", async () => {
    const authCode = code(3);
    sandbox.planBuyer(authCode, { kind: "never_pays" });
    const input = sale(authCode);
    const before = sandbox.now().getTime();
    const trade = await inPerson(input);
    expect(trade.state).toBe(TradeState.CLOSED);
    expect(sandbox.now().getTime() - before).toBeGreaterThanOrEqual(30_000);
    const calls = sandbox.calls().filter((c) => c.biz.out_trade_no === input.outTradeNo);
    expect(calls.filter((c) => c.method === "alipay.trade.cancel")).toHaveLength(1);
    expect(sandbox.trade(input.outTradeNo)).toMatchObject({ status: "TRADE_CLOSED", paidAt: undefined });
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.CLOSED);
  });

  it("a buyer who gives up after the password: still WAIT_BUYER_PAY at Alipay, cancelled, closed (1)", async () => {
    const authCode = code(4);
    sandbox.planBuyer(authCode, { kind: "fails_after", afterMs: 8_000 });
    const input = sale(authCode);
    const trade = await inPerson(input);
    expect(trade.state).toBe(TradeState.CLOSED);
    expect(sandbox.trade(input.outTradeNo)).toMatchObject({ status: "TRADE_CLOSED", paidAt: undefined });
  });

  it("a buyer refused at once (balance too low): failed (2), no cancel needed, recorded failed", async () => {
    const authCode = code(5);
    sandbox.planBuyer(authCode, { kind: "refused", subCode: "ACQ.BUYER_BALANCE_NOT_ENOUGH" });
    const input = sale(authCode);
    const trade = await inPerson(input);
    expect(trade).toMatchObject({ state: TradeState.FAILED, rawStatus: "ACQ.BUYER_BALANCE_NOT_ENOUGH" });
    expect(sandbox.trade(input.outTradeNo)).toBeUndefined();
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.FAILED);
  });

  it("a system error on the pay call is queried, not taken for a refusal: paid (3)", async () => {
    sandbox.injectFault({ kind: "response_lost", method: "alipay.trade.pay" });
    const input = sale(code(6));
    const trade = await inPerson(input);
    expect(trade.state).toBe(TradeState.PAID);
    expect(sandbox.trade(input.outTradeNo)?.status).toBe("TRADE_SUCCESS");
  });

  it("a system error before the trade existed: queried (not found), cancelled by out_trade_no, 10000 without action, closed (1)", async () => {
    // alipay.trade.pay answered ACQ.SYSTEM_ERROR and created nothing: every query is
    // ACQ.TRADE_NOT_EXIST, then the cancel is answered 10000, retry_flag N, no action ("未查询到交易",
    // https://opendocs.alipay.com/open/02ekfi). The loop ends closed (1), never left at 0.
    sandbox.injectFault({ kind: "system_error", method: "alipay.trade.pay" });
    const input = sale(code(8));
    const trade = await inPerson(input);
    expect(trade).toMatchObject({
      state: TradeState.CLOSED,
      rawStatus: "TRADE_NOT_EXIST (cancelled, no trade)",
    });
    expect(sandbox.trade(input.outTradeNo)).toBeUndefined();
    const calls = sandbox.calls().filter((c) => c.biz.out_trade_no === input.outTradeNo);
    const cancels = calls.filter((c) => c.method === "alipay.trade.cancel");
    expect(cancels).toHaveLength(1);
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.CLOSED);
  });

  it("reversePayment of a paid trade: cancel action refund, refunded in full, 4 in the ledger", async () => {
    const input = sale(code(7));
    const provider = gateway.forMerchant(MERCHANT);
    await provider.createPayment(input);
    const reversed = await provider.reversePayment?.({ outTradeNo: input.outTradeNo });
    expect(reversed?.state).toBe(TradeState.REFUND);
    expect(sandbox.trade(input.outTradeNo)).toMatchObject({ status: "TRADE_CLOSED", refundedFen: 1280 });
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.REFUND);
  });

  it("refuses a WeChat 付款码 naming the field before any request", async () => {
    const before = sandbox.requestCount();
    await expect(gateway.forMerchant(MERCHANT).createPayment(sale("134567890123456789"))).rejects.toThrow(
      /payment\.authCode: must be an Alipay 付款码/,
    );
    expect(sandbox.requestCount()).toBe(before);
  });
});
