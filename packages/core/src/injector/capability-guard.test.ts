import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/errors.js";
import { cny } from "../money/money.js";
import { HmacTestProvider } from "./__fixtures__/hmac-provider.js";
import { createPayBridgeContainer, registerMerchant, registerProvider, resolveGateway } from "./container.js";

/** Counts createPayment calls that reach the provider: the network, for this fixture. */
class CountingProvider extends HmacTestProvider {
  static override readonly id: string = "counting-test";
  override readonly id: string = CountingProvider.id;
  calls = 0;
  override async createPayment(input: { outTradeNo: string }) {
    this.calls += 1;
    return super.createPayment(input);
  }
}

function gateway() {
  const container = createPayBridgeContainer();
  registerProvider(container, CountingProvider);
  registerMerchant(container, {
    id: "c",
    provider: CountingProvider.id,
    config: { merchantNo: "M-C", secretKey: "key-of-merchant-C-0123456789" },
  });
  return resolveGateway(container);
}

const barcode = {
  outTradeNo: "POS0001",
  description: "counter sale",
  amount: cny(100),
  method: "barcode" as const,
  notifyUrl: "https://shop.example.com/notify",
  authCode: "134567890123456789",
};

describe("capability guard", () => {
  it("refuses a method the provider does not declare, naming the field, before any call", async () => {
    const g = gateway();
    const provider = g.forMerchant("c");
    const error = await provider.createPayment(barcode).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("payment.method");
    expect((error as Error).message).toMatch(
      /barcode is not supported by provider counting-test.*supports native/,
    );
    const inner = provider as unknown as CountingProvider;
    expect(inner.calls).toBe(0);
  });

  it("lets a declared method through, and keeps the provider's own members and class", async () => {
    const provider = gateway().forMerchant("c");
    const result = await provider.createPayment({ ...barcode, method: "native", authCode: undefined });
    expect(result.action.type).toBe("qr_code");
    expect(provider).toBeInstanceOf(CountingProvider);
    // A method using a private class field still works through the guard.
    expect((provider as unknown as CountingProvider).sign("x")).toMatch(/^[0-9a-f]{64}$/);
    expect((provider as unknown as CountingProvider).calls).toBe(1);
  });
});
