import {
  AmountMismatchError,
  cny,
  createPayBridgeContainer,
  type ExpectedOrder,
  MemoryRefundLedger,
  MerchantMismatchError,
  NotificationIntake,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { MEMORY_PROVIDER_ID, MemoryNetwork, MemoryProvider } from "@paybridge/memory";
import { describe, expect, it } from "vitest";

// A notification that verifies at merchant B's provider for an order the merchant's book holds
// under merchant A is a MerchantMismatchError naming both, not an AmountMismatchError: nothing of
// it is applied, and the provider is answered failure.
describe("notification intake: an order of another merchant", () => {
  it("refuses it as a MerchantMismatchError carrying the provider, and books nothing", async () => {
    const network = new MemoryNetwork();
    const container = createPayBridgeContainer();
    registerProvider(container, MemoryProvider);
    for (const [id, merchantNo] of [
      ["mem-a", "M1"],
      ["mem-b", "M2"],
    ] as const) {
      registerMerchant(container, {
        id,
        provider: MEMORY_PROVIDER_ID,
        config: { network, merchantNo, notifySecret: `secret-of-${merchantNo}-0000000` },
      });
    }
    const gateway = resolveGateway(container);
    const ledger = new MemoryRefundLedger();
    const book = new Map<string, ExpectedOrder>();
    const intake = new NotificationIntake({ gateway, ledger, orders: async (no) => book.get(no) });

    const outTradeNo = "MISMATCH0001";
    book.set(outTradeNo, { outTradeNo, provider: MEMORY_PROVIDER_ID, merchantId: "mem-a", amount: cny(700) });
    await gateway.forMerchant("mem-b").createPayment({
      outTradeNo,
      description: "another merchant's order",
      amount: cny(700),
      method: "native",
      notifyUrl: "https://shop.example.com/notify/mem-b",
    });
    network.pay("M2", outTradeNo);
    const sent = network.notifications.find((n) => n.outTradeNo === outTradeNo);
    if (!sent) throw new Error("the network sent no notification");

    const outcome = await intake.handle("mem-b", { headers: sent.headers, body: sent.body });
    expect(outcome.outcome).toBe("rejected");
    if (outcome.outcome !== "rejected") return;
    expect(outcome.error).toBeInstanceOf(MerchantMismatchError);
    expect(outcome.error).not.toBeInstanceOf(AmountMismatchError);
    expect(outcome.error).toMatchObject({
      code: "MERCHANT_MISMATCH",
      provider: MEMORY_PROVIDER_ID,
      subject: `order ${outTradeNo}`,
      expected: "mem-a",
      actual: "mem-b",
      retryable: false,
    });
    expect(outcome.ack.status).toBe(500);
    expect(await ledger.getOrder(outTradeNo)).toBeUndefined();
  });
});
