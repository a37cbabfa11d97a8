import { describe, expect, it } from "vitest";
import {
  createPayBridgeContainer,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "../injector/container.js";
import { cny } from "../money/money.js";
import { MemoryRefundLedger } from "../refunds/memory-ledger.js";
import type { NotificationEvent } from "../schemas/notification.js";
import { SignedJsonProvider } from "./__fixtures__/signed-json-provider.js";
import { NotificationIntake } from "./intake.js";

function setup() {
  const container = createPayBridgeContainer();
  registerProvider(container, SignedJsonProvider);
  registerMerchant(container, {
    id: "m1",
    provider: SignedJsonProvider.id,
    config: { merchantNo: "M1", secretKey: "key-of-merchant-1-0123456789abcdef" },
  });
  const gateway = resolveGateway(container);
  const provider = gateway.forMerchant("m1") as SignedJsonProvider;
  const notification = (body: object) => {
    const text = JSON.stringify(body);
    return { headers: { "x-signature": provider.sign(text) }, body: text };
  };
  return { gateway, notification };
}

describe("NotificationIntake under concurrent duplicate deliveries", () => {
  // Found bug: the inbox was checked before handling and written after, so eight concurrent
  // deliveries of one notification all passed the check and ran onEvent 5-7 times.
  it("runs onEvent once for eight concurrent deliveries of one paid notification", async () => {
    const { gateway, notification } = setup();
    const calls: NotificationEvent[] = [];
    const intake = new NotificationIntake({
      gateway,
      ledger: new MemoryRefundLedger(),
      orders: async (outTradeNo) => ({
        outTradeNo,
        provider: "signed-json",
        merchantId: "m1",
        amount: cny(500),
      }),
      onEvent: async (event) => {
        await new Promise((r) => setImmediate(r));
        calls.push(event);
      },
    });
    const raw = notification({ id: "N-1", outTradeNo: "ORDER-1", fen: 500, state: 3 });
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => intake.handle("m1", raw)));
    expect(outcomes.every((o) => o.ack.status === 200)).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it("runs onEvent once when the same change arrives as two different notifications at once", async () => {
    const { gateway, notification } = setup();
    let calls = 0;
    const intake = new NotificationIntake({
      gateway,
      ledger: new MemoryRefundLedger(),
      orders: async (outTradeNo) => ({
        outTradeNo,
        provider: "signed-json",
        merchantId: "m1",
        amount: cny(700),
      }),
      onEvent: () => {
        calls += 1;
      },
    });
    await Promise.all(
      ["N-a", "N-b", "N-a", "N-b"].map((id) =>
        intake.handle("m1", notification({ id, outTradeNo: "ORDER-2", fen: 700, state: 3 })),
      ),
    );
    expect(calls).toBe(1);
  });

  it("delivers the event again after onEvent threw, on the provider's retry", async () => {
    const { gateway, notification } = setup();
    let calls = 0;
    const intake = new NotificationIntake({
      gateway,
      ledger: new MemoryRefundLedger(),
      orders: async (outTradeNo) => ({
        outTradeNo,
        provider: "signed-json",
        merchantId: "m1",
        amount: cny(900),
      }),
      onEvent: () => {
        calls += 1;
        if (calls === 1) throw new Error("fulfilment down");
      },
    });
    const raw = notification({ id: "N-3", outTradeNo: "ORDER-3", fen: 900, state: 3 });
    expect((await intake.handle("m1", raw)).outcome).toBe("rejected");
    expect((await intake.handle("m1", raw)).outcome).toBe("applied");
    expect((await intake.handle("m1", raw)).outcome).toBe("duplicate");
    expect(calls).toBe(2);
  });
});
