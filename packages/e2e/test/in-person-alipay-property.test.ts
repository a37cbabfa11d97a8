// Property: whatever faults hit the Alipay 条码支付 loop (system errors and lost answers on
// alipay.trade.pay, alipay.trade.query and alipay.trade.cancel), the Alipay simulator's own book and
// PayBridge's payment ledger agree on the money: never paid at Alipay and recorded closed or failed
// (paid and forgotten), never cancelled with a refund and recorded paid, never recorded closed or
// failed while the trade can still be paid. An unknown end leaves the payment recorded unpaid (0)
// for the recovery worker, never a final state the book contradicts.
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
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speedClock } from "./support/speed-clock.js";

const MERCHANT = "alipay-pos-property";
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

const plan = fc.oneof(
  fc.constant({ kind: "pays_at_once" as const }),
  fc.integer({ min: 1_000, max: 45_000 }).map((afterMs) => ({ kind: "pays_after" as const, afterMs })),
  fc.constant({ kind: "never_pays" as const }),
  fc.integer({ min: 1_000, max: 25_000 }).map((afterMs) => ({ kind: "fails_after" as const, afterMs })),
);
const fault = fc.record({
  kind: fc.constantFrom("system_error" as const, "response_lost" as const),
  method: fc.constantFrom("alipay.trade.pay", "alipay.trade.query", "alipay.trade.cancel"),
});

describe("Alipay bar-code loop under faults, checked against the simulator's book", () => {
  it("never paid-and-forgotten, never refunded-but-recorded-paid, never closed while payable", async () => {
    await fc.assert(
      fc.asyncProperty(plan, fc.array(fault, { maxLength: 4 }), async (buyer, faults) => {
        n += 1;
        const authCode = `28${Date.now().toString().slice(-9)}${n.toString().padStart(7, "0")}`;
        const outTradeNo = `APP${Date.now().toString(36)}${n}`;
        sandbox.clearFaults();
        sandbox.planBuyer(authCode, buyer);
        for (const f of faults) sandbox.injectFault(f);
        let threw = false;
        try {
          await gateway.forMerchant(MERCHANT).createPayment({
            outTradeNo,
            description: "property",
            amount: cny(500),
            method: "barcode",
            notifyUrl: "https://shop.example.com/pay/notify",
            authCode,
          });
        } catch {
          threw = true;
        }
        sandbox.clearFaults();
        const book = sandbox.trade(outTradeNo);
        const recorded = (await payments.getPayment(outTradeNo))?.state;
        const paid = book?.paidAt !== undefined;
        const refunded = (book?.refundedFen ?? 0) > 0;
        if (paid && !refunded) {
          // Alipay holds the money: recorded paid, or left unpaid (0) for recovery after an unknown end.
          expect(recorded === TradeState.PAID || (threw && recorded === TradeState.UNPAID)).toBe(true);
        } else {
          expect(recorded).not.toBe(TradeState.PAID);
        }
        if (recorded === TradeState.CLOSED || recorded === TradeState.FAILED) {
          // A buyer must not be able to pay a trade PayBridge has given up on.
          expect(book === undefined || book.status === "TRADE_CLOSED").toBe(true);
        }
        // Never stuck at 0 unless the call said it does not know.
        if (!threw) expect(recorded).not.toBe(TradeState.UNPAID);
      }),
      { numRuns: 12 },
    );
  }, 600_000);
});
