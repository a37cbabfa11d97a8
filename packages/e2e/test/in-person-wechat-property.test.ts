// Property: whatever faults hit the password-wait loop (system errors and lost answers on the
// pay, query and reverse calls), the WeChat simulator's own book and PayBridge's payment ledger
// agree on the money: never paid at WeChat and recorded closed or failed (paid and forgotten),
// never reversed at WeChat and recorded paid. An unknown end leaves the payment recorded unpaid
// (0) for the recovery worker, never a final state the book contradicts.
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
import { startWechatSandbox, type WechatFault, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speedClock } from "./support/speed-clock.js";
import { WECHAT_MERCHANT_ID, wechatConfig } from "./support/wechat.js";

let sandbox: WechatSandbox;
let gateway: PaymentGateway;
let payments: MemoryPaymentLedger;
let n = 0;

beforeAll(async () => {
  const clock = speedClock(40);
  sandbox = await startWechatSandbox({
    clock,
    // PayBridge's provider runs on the sped-up clock, so its 5-minute answer window is measured on
    // it: the sandbox signs its answers on that clock too (12 runs cover more than 5 minutes of
    // sandbox time, and answers signed on the wall clock fell outside the window). Requests are
    // signed by wechatpay-node-v3 on the wall clock, which the sped-up clock leaves behind, so the
    // sandbox's own request window is widened to match.
    wireNow: () => clock.now().getTime(),
    signatureWindowMs: 24 * 60 * 60_000,
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

const plan = fc.oneof(
  fc.constant({ kind: "pays_at_once" as const }),
  fc.integer({ min: 1_000, max: 60_000 }).map((afterMs) => ({ kind: "pays_after" as const, afterMs })),
  fc.constant({ kind: "never_pays" as const }),
  fc.integer({ min: 1_000, max: 30_000 }).map((afterMs) => ({ kind: "fails_after" as const, afterMs })),
);
const fault = fc.record({
  kind: fc.constantFrom("SYSTEM_ERROR" as const, "RESPONSE_LOST" as const),
  operation: fc.constantFrom("codepay" as const, "query_order" as const, "reverse" as const),
});

describe("WeChat password-wait loop under faults, checked against the simulator's book", () => {
  it("never paid-and-forgotten, never reversed-but-recorded-paid", async () => {
    await fc.assert(
      fc.asyncProperty(plan, fc.array(fault, { maxLength: 4 }), async (buyer, faults) => {
        n += 1;
        const authCode = `1345${Date.now().toString().slice(-9)}${n.toString().padStart(5, "0")}`;
        const outTradeNo = `PP${Date.now().toString(36)}${n}`;
        sandbox.engine.faults.clear();
        sandbox.engine.planBuyer(authCode, buyer);
        for (const f of faults)
          sandbox.engine.injectFault({ ...f, mchid: sandbox.merchant().mchid } as WechatFault);
        let threw = false;
        try {
          await gateway.forMerchant(WECHAT_MERCHANT_ID).createPayment({
            outTradeNo,
            description: "property",
            amount: cny(500),
            method: "barcode",
            notifyUrl: "https://shop.example.com/pay/notify",
            authCode,
            store: { id: "S1" },
          });
        } catch {
          threw = true;
        }
        sandbox.engine.faults.clear();
        const book = sandbox.engine.peekOrder(outTradeNo);
        const recorded = (await payments.getPayment(outTradeNo))?.state;
        const held = book?.tradeState === "SUCCESS" || book?.tradeState === "REFUND";
        if (held) {
          // Paid at WeChat: recorded paid, or left unpaid (0) for recovery after an unknown end.
          expect(recorded === TradeState.PAID || (threw && recorded === TradeState.UNPAID)).toBe(true);
        } else {
          expect(recorded).not.toBe(TradeState.PAID);
        }
        if (book?.tradeState === "REVOKED") expect(recorded).not.toBe(TradeState.PAID);
        // Never stuck at 0 unless the call said it does not know.
        if (!threw) expect(recorded).not.toBe(TradeState.UNPAID);
      }),
      { numRuns: 12 },
    );
  }, 600_000);
});
