// WeChat 服务商付款码支付 end to end: a service provider's two sub-merchants take in-person payments
// through the real WechatPayPartnerProvider (wechatpay-node-v3 signing, PayBridge's transport)
// against the sandbox's partner codepay / query / 撤销, on a clock 20x faster than real time that
// the client's password-wait loop waits on too. Each in-person order lives in its sub-merchant's
// book: the other sub-merchant never finds, reverses or books it, even under the same number.
import { cny, MemoryPaymentLedger, NotFoundError, type PaymentGateway, TradeState } from "@paybridge/core";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speedClock } from "./support/speed-clock.js";
import { wechatServiceProviderGateway } from "./support/wechat.js";

const SP = "1900400001";
const SUB_A = "1900400011";
const SUB_B = "1900400012";
const SP_APPID = "wxsp0000000000004";
const SUB_B_APPID = "wxsubb00000000004";

let sandbox: WechatSandbox;
let clock: () => Date;
let gateway: PaymentGateway;
let payments: MemoryPaymentLedger;
let n = 0;

beforeAll(async () => {
  const fast = speedClock(20);
  clock = () => fast.now();
  // WeChat's own 45 s auto-revoke is moved past the loop, so the reversal under test is the client's.
  sandbox = await startWechatSandbox({
    clock: fast,
    rateLimits: false,
    autoRevokeMs: 10 * 60_000,
    serviceProviders: [
      {
        mchid: SP,
        appid: SP_APPID,
        keyMode: "public_key",
        subMerchants: [{ mchid: SUB_A }, { mchid: SUB_B, appids: [SUB_B_APPID] }],
      },
    ],
  });
  payments = new MemoryPaymentLedger();
  gateway = wechatServiceProviderGateway(
    sandbox,
    SP,
    [
      { id: "shop-a", config: { subMchid: SUB_A } },
      { id: "shop-b", config: { subMchid: SUB_B, subAppid: SUB_B_APPID } },
    ],
    { clock, payments },
  );
});
afterAll(async () => {
  await sandbox?.close();
});

function sale(authCode: string, fen: number, outTradeNo = fresh()) {
  return {
    outTradeNo,
    description: "门店-收银台",
    amount: cny(fen),
    method: "barcode" as const,
    notifyUrl: "https://shop.example.com/pay/notify",
    authCode,
    store: { id: "SH-002", deviceId: "POS-9" },
  };
}
function fresh() {
  n += 1;
  return `SPPOS${Date.now().toString(36)}${process.pid.toString(36)}${n}`;
}
const code = (tail: number) =>
  `1346${Date.now().toString().slice(-9)}${(tail * 100 + (process.pid % 100)).toString().padStart(5, "0")}`;

describe("WeChat 服务商付款码 through wechatpay-node-v3 against the sandbox", () => {
  it("declares barcode for a sub-merchant, alongside the service_provider mode", () => {
    const a = gateway.forMerchant("shop-a");
    expect(a.capabilities.methods).toContain("barcode");
    expect(a.capabilities.modes).toContain("service_provider");
  });

  it("a buyer who pays at once: paid (3), the order in sub-merchant A's book under the partner ids", async () => {
    const input = sale(code(1), 1280);
    const result = await gateway.forMerchant("shop-a").createPayment(input);
    expect(result.action).toMatchObject({
      type: "in_person",
      trade: { state: TradeState.PAID, rawStatus: "SUCCESS", amount: cny(1280), merchantId: "shop-a" },
    });
    const order = sandbox.engine.peekOrder(input.outTradeNo, SUB_A);
    expect(order).toMatchObject({
      mchid: SUB_A,
      tradeType: "MICROPAY",
      tradeState: "SUCCESS",
      appid: SP_APPID,
    });
    expect(sandbox.engine.peekOrder(input.outTradeNo, SUB_B)).toBeUndefined();
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.PAID);
  });

  it("a password wait that ends paid: USERPAYING, queried by sp_mchid + sub_mchid, then paid (3)", async () => {
    const authCode = code(2);
    sandbox.engine.planBuyer(authCode, { kind: "pays_after", afterMs: 25_000 });
    const input = sale(authCode, 1390);
    const result = await gateway.forMerchant("shop-b").createPayment(input);
    expect(result.action).toMatchObject({ type: "in_person", trade: { state: TradeState.PAID } });
    // Sub-merchant B's own app rode along: the order answers sub_appid.
    const seen = await gateway.forMerchant("shop-b").queryPayment({ outTradeNo: input.outTradeNo });
    expect(seen).toMatchObject({ state: TradeState.PAID, paidAmount: cny(1390) });
    expect(sandbox.engine.peekOrder(input.outTradeNo, SUB_B)?.tradeState).toBe("SUCCESS");
  });

  it("a password wait that never ends: queried to the limit, reversed (撤销), closed (1), nothing held", async () => {
    const authCode = code(3);
    sandbox.engine.planBuyer(authCode, { kind: "never_pays" });
    const input = sale(authCode, 1410);
    const result = await gateway.forMerchant("shop-a").createPayment(input);
    expect(result.action).toMatchObject({
      type: "in_person",
      trade: { state: TradeState.CLOSED, rawStatus: "REVOKED" },
    });
    expect(sandbox.engine.peekOrder(input.outTradeNo, SUB_A)?.tradeState).toBe("REVOKED");
    expect((await payments.getPayment(input.outTradeNo))?.state).toBe(TradeState.CLOSED);
  });

  it("another sub-merchant can neither query nor reverse A's in-person order", async () => {
    const input = sale(code(4), 1520);
    await gateway.forMerchant("shop-a").createPayment(input);
    const b = gateway.forMerchant("shop-b");
    await expect(b.queryPayment({ outTradeNo: input.outTradeNo })).rejects.toBeInstanceOf(NotFoundError);
    const reverse = b.reversePayment?.bind(b);
    if (!reverse) throw new Error("reversePayment missing");
    await expect(reverse({ outTradeNo: input.outTradeNo })).rejects.toBeInstanceOf(NotFoundError);
    // A's payment is untouched: still paid in A's book.
    expect(sandbox.engine.peekOrder(input.outTradeNo, SUB_A)?.tradeState).toBe("SUCCESS");
    expect((await gateway.forMerchant("shop-a").queryPayment({ outTradeNo: input.outTradeNo })).state).toBe(
      TradeState.PAID,
    );
  });

  it("the same order number at both sub-merchants is two in-person orders: reversing A's leaves B's paid", async () => {
    // One gateway's payment ledger refuses a number for a second merchant (MerchantMismatchError);
    // a gateway without a ledger lets both books take it, as WeChat's partner books do.
    const unrecorded = wechatServiceProviderGateway(
      sandbox,
      SP,
      [
        { id: "shop-a", config: { subMchid: SUB_A } },
        { id: "shop-b", config: { subMchid: SUB_B, subAppid: SUB_B_APPID } },
      ],
      { clock },
    );
    const outTradeNo = fresh();
    const atB = await unrecorded.forMerchant("shop-b").createPayment(sale(code(6), 2600, outTradeNo));
    expect(atB.action).toMatchObject({ trade: { state: TradeState.PAID } });
    const never = code(5);
    sandbox.engine.planBuyer(never, { kind: "never_pays" });
    const atA = await unrecorded.forMerchant("shop-a").createPayment(sale(never, 1300, outTradeNo));
    expect(atA.action).toMatchObject({ trade: { state: TradeState.CLOSED, rawStatus: "REVOKED" } });
    expect(sandbox.engine.peekOrder(outTradeNo, SUB_A)).toMatchObject({
      totalFen: 1300,
      tradeState: "REVOKED",
    });
    expect(sandbox.engine.peekOrder(outTradeNo, SUB_B)).toMatchObject({
      totalFen: 2600,
      tradeState: "SUCCESS",
    });
    const seenByB = await unrecorded.forMerchant("shop-b").queryPayment({ outTradeNo });
    expect(seenByB).toMatchObject({ state: TradeState.PAID, amount: cny(2600) });
  });

  it("reversePayment of A's paid order refunds it in full: refunded (4) in A's book", async () => {
    const input = sale(code(7), 1630);
    await gateway.forMerchant("shop-a").createPayment(input);
    const a = gateway.forMerchant("shop-a");
    const reverse = a.reversePayment?.bind(a);
    if (!reverse) throw new Error("reversePayment missing");
    const reversed = await reverse({ outTradeNo: input.outTradeNo });
    expect(reversed.state).toBe(TradeState.REFUND);
    expect(sandbox.engine.peekOrder(input.outTradeNo, SUB_A)).toMatchObject({ tradeState: "REVOKED" });
  });
});
