import {
  cny,
  createPayBridgeContainer,
  registerMerchant,
  registerProvider,
  resolveGateway,
  TradeState,
} from "@paybridge/core";
import { MemoryNetwork, MemoryProvider } from "@paybridge/memory";
import { describe, expect, it } from "vitest";

// A provider is one package plus one registration call: @paybridge/memory is such a package, and
// nothing in core names it.
describe("adding a provider", () => {
  it("takes one registration call and is routed to by the gateway", async () => {
    const network = new MemoryNetwork();
    const container = createPayBridgeContainer();
    registerProvider(container, MemoryProvider);
    registerMerchant(container, {
      id: "mem-1",
      provider: "memory",
      config: { network, merchantNo: "M1", notifySecret: "secret-of-merchant-1-xyz" },
    });
    registerMerchant(container, {
      id: "mem-2",
      provider: "memory",
      config: { network, merchantNo: "M2", notifySecret: "secret-of-merchant-2-xyz" },
      default: true,
    });
    const gateway = resolveGateway(container);
    expect(gateway.providerIds).toEqual(["memory"]);

    const order = { outTradeNo: "THIRD00001", provider: "memory" };
    const provider = gateway.forOrder(order);
    expect(provider.merchantId).toBe("mem-2");
    await provider.createPayment({
      outTradeNo: order.outTradeNo,
      description: "third provider",
      amount: cny(500),
      method: "native",
      notifyUrl: "https://shop.example.com/notify",
    });
    network.pay("M2", order.outTradeNo);
    expect((await provider.queryPayment({ outTradeNo: order.outTradeNo })).state).toBe(TradeState.PAID);
    // The other merchant of the same provider does not see the order.
    await expect(
      gateway.forMerchant("mem-1").queryPayment({ outTradeNo: order.outTradeNo }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
