import { describe, expect, it } from "vitest";
import { HmacTestProvider } from "../injector/__fixtures__/hmac-provider.js";
import {
  createPayBridgeContainer,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "../injector/container.js";
import { MemoryPaymentLedger } from "./memory-payment-ledger.js";

/** A provider with a method of its own beyond PaymentProvider, as WeChat's and Alipay's tradeBill. */
class BillingProvider extends HmacTestProvider {
  static override readonly id: string = "billing-test";
  override readonly id: string = BillingProvider.id;
  #bills = 0;
  async tradeBill(request: { billDate: string }): Promise<string> {
    this.#bills += 1;
    return `${this.merchantId}/${request.billDate}/${this.#bills}`;
  }
}

describe("recordingProvider", () => {
  it("passes a provider's own methods through, so a gateway with a payment ledger still downloads bills", async () => {
    const container = createPayBridgeContainer({ payments: new MemoryPaymentLedger() });
    registerProvider(container, BillingProvider);
    registerMerchant(container, {
      id: "b",
      provider: BillingProvider.id,
      config: { merchantNo: "M-B", secretKey: "key-of-merchant-B-0123456789" },
    });
    const provider = resolveGateway(container).forMerchant("b") as unknown as BillingProvider;
    expect(typeof provider.tradeBill).toBe("function");
    // Bound to the provider itself: its private field works.
    await expect(provider.tradeBill({ billDate: "2026-03-01" })).resolves.toBe("b/2026-03-01/1");
  });
});
