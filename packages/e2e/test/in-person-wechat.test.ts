// WeChat 付款码支付 end to end: the real WechatPayProvider (wechatpay-node-v3 through PayBridge's
// transport) against the signed sandbox, with the buyer's behaviour planned per auth code, on a
// sandbox clock 20x faster than real time that the client's loop waits on too.
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
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speedClock } from "./support/speed-clock.js";
import { WECHAT_MERCHANT_ID, wechatConfig } from "./support/wechat.js";

let sandbox: WechatSandbox;
let gateway: PaymentGateway;
let payments: MemoryPaymentLedger;
let n = 0;

beforeAll(async () => {
  const clock = speedClock(20);
  // WeChat's own 45 s auto-revoke is moved past the client's loop, so the reversal under test is
  // the client's (the auto-revoke itself is a unit test of the engine).
  sandbox = await startWechatSandbox({
    clock,
    merchants: [{ keyMode: "public_key" }],
    rateLimits: false,
    autoRevokeMs: 10 * 60_000,
  });
  payments = new MemoryPaymentLedger();
  const container = createPayBridgeContainer({ clock: () => clock.now(), payments });
  registerProvider(container, WechatPayProvider);
  registerMerchant(container, {
    id: WECHAT_MERCHANT_ID,
    provider: WechatPayProvider.id,
    config: wechatConfig(sandbox.merchant(), sandbox.origin),
  });
  gateway = resolveGateway(container);
});
afterAll(async () => {
  await sandbox?.close();
});

function sale(authCode: string, fen = 1280) {
  n += 1;
  return {
    outTradeNo: `POS${Date.now().toString(36)}${n}`,
    description: "门店-收银台",
    amount: cny(fen),
    method: "barcode" as const,
    notifyUrl: "https://shop.example.com/pay/notify",
    authCode,
    store: { id: "SH-001", deviceId: "POS-7" },
  };
}
const code = (tail: number) => `1345${Date.now().toString().slice(-9)}${tail.toString().padStart(5, "0")}`;

describe("WeChat 付款码 through wechatpay-node-v3 against the sandbox", () => {
  it("a buyer who pays at once: paid (3) in one call, recorded paid", async () => {
    const input = sale(code(1));
    const result = await gateway.forMerchant(WECHAT_MERCHANT_ID).createPayment(input);
    expect(result.action.type).toBe("in_person");
    if (result.action.type !== "in_person") return;
    expect(result.action.trade).toMatchObject({
      state: TradeState.PAID,
      rawStatus: "SUCCESS",
      amount: cny(1280),
    });
    expect(sandbox.engine.peekOrder(input.outTradeNo)?.tradeType).toBe("MICROPAY");
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.PAID);
  });

  it("a buyer who enters the password in 25 s: USERPAYING, queried every 10 s, then paid (3)", async () => {
    const authCode = code(2);
    sandbox.engine.planBuyer(authCode, { kind: "pays_after", afterMs: 25_000 });
    const input = sale(authCode);
    const result = await gateway.forMerchant(WECHAT_MERCHANT_ID).createPayment(input);
    if (result.action.type !== "in_person") throw new Error("expected an in-person result");
    expect(result.action.trade.state).toBe(TradeState.PAID);
    expect(sandbox.engine.peekOrder(input.outTradeNo)?.tradeState).toBe("SUCCESS");
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.PAID);
  });

  it("a buyer who never pays: reversed after the 45 s of queries, closed (1), WeChat holds nothing", async () => {
    const authCode = code(3);
    sandbox.engine.planBuyer(authCode, { kind: "never_pays" });
    const input = sale(authCode);
    const before = sandbox.engine.now().getTime();
    const result = await gateway.forMerchant(WECHAT_MERCHANT_ID).createPayment(input);
    if (result.action.type !== "in_person") throw new Error("expected an in-person result");
    expect(result.action.trade.state).toBe(TradeState.CLOSED);
    expect(result.action.trade.rawStatus).toBe("REVOKED");
    expect(sandbox.engine.now().getTime() - before).toBeGreaterThanOrEqual(45_000);
    const book = sandbox.engine.peekOrder(input.outTradeNo);
    expect(book?.tradeState).toBe("REVOKED");
    expect(book?.successTime).toBeUndefined();
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.CLOSED);
  });

  it("a buyer whose payment fails (PAYERROR): reversed so it can never be paid, closed (1)", async () => {
    const authCode = code(4);
    sandbox.engine.planBuyer(authCode, { kind: "fails_after", afterMs: 8_000 });
    const input = sale(authCode);
    const result = await gateway.forMerchant(WECHAT_MERCHANT_ID).createPayment(input);
    if (result.action.type !== "in_person") throw new Error("expected an in-person result");
    expect(result.action.trade.state).toBe(TradeState.CLOSED);
    expect(sandbox.engine.peekOrder(input.outTradeNo)?.tradeState).toBe("REVOKED");
    expect(sandbox.engine.peekOrder(input.outTradeNo)?.successTime).toBeUndefined();
  });

  it("a buyer refused at once (balance too low): failed (2), no reversal needed, recorded failed", async () => {
    const authCode = code(5);
    sandbox.engine.planBuyer(authCode, { kind: "refused", code: "NOT_ENOUGH" });
    const input = sale(authCode);
    const result = await gateway.forMerchant(WECHAT_MERCHANT_ID).createPayment(input);
    if (result.action.type !== "in_person") throw new Error("expected an in-person result");
    expect(result.action.trade).toMatchObject({ state: TradeState.FAILED, rawStatus: "NOT_ENOUGH" });
    expect(sandbox.engine.peekOrder(input.outTradeNo)).toBeUndefined();
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.FAILED);
  });

  it("reversePayment of a paid order refunds it in full: REVOKED at WeChat, refund (4) in the ledger", async () => {
    const input = sale(code(6));
    const provider = gateway.forMerchant(WECHAT_MERCHANT_ID);
    await provider.createPayment(input);
    const reversed = await provider.reversePayment?.({ outTradeNo: input.outTradeNo });
    expect(reversed?.rawStatus).toBe("REVOKED");
    const book = sandbox.engine.peekOrder(input.outTradeNo);
    expect(book?.tradeState).toBe("REVOKED");
    expect(book?.inPerson?.refundedByReversalAt).toBeInstanceOf(Date);
    // The ledger had it paid (3); the reversal refunded it in full, which is 4, never left at 3.
    expect(reversed?.state).toBe(TradeState.REFUND);
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.REFUND);
  });

  it("refuses bad input naming the field before any request: a non-WeChat code, no store", async () => {
    const provider = gateway.forMerchant(WECHAT_MERCHANT_ID);
    const before = sandbox.engine.callCount;
    await expect(provider.createPayment(sale("2834567890123456"))).rejects.toThrow(
      /payment\.authCode: must be a WeChat 付款码/,
    );
    await expect(provider.createPayment({ ...sale(code(7)), store: undefined })).rejects.toThrow(
      /payment\.store: is required/,
    );
    await expect(provider.createPayment({ ...sale(code(8)), authCode: undefined })).rejects.toThrow(
      /payment\.authCode: is required/,
    );
    expect(sandbox.engine.callCount).toBe(before);
  });
});
