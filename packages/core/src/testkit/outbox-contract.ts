import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PayBridgeEvent } from "../events/event.js";
import type { Outbox } from "../events/outbox.js";

export interface OutboxContractOptions {
  readonly name: string;
  /** A fresh, empty outbox, and optionally a second handle on the same store (another instance). */
  readonly setup: () => Promise<{ outbox: Outbox; other?: Outbox; close: () => Promise<void> }>;
}

const T0 = new Date("2026-03-01T00:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
let seq = 0;

function event(outTradeNo: string, type: PayBridgeEvent["type"] = "trade.paid"): PayBridgeEvent {
  return {
    id: `${type}:${outTradeNo}`,
    type,
    outTradeNo,
    provider: "wechatpay",
    merchantId: "m1",
    state: 3,
    rawStatus: "SUCCESS",
    amount: { fen: 100, currency: "CNY" },
    occurredAt: T0.toISOString(),
  };
}

/** What every Outbox must do: idempotent append, per-order order, exclusive leases, retries, prune. */
export function runOutboxContract({ name, setup }: OutboxContractOptions): void {
  describe(`outbox contract: ${name}`, () => {
    let outbox: Outbox;
    let other: Outbox;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const s = await setup();
      outbox = s.outbox;
      other = s.other ?? s.outbox;
      close = s.close;
    });
    afterAll(async () => {
      await close?.();
    });
    const order = () => `OB${process.pid}${Date.now().toString(36)}${++seq}`;

    it("keeps one event per id, and hands out events of one order in write order", async () => {
      const no = order();
      await outbox.append(event(no), T0);
      await outbox.append(event(no), T0);
      await outbox.append(event(no, "trade.refunded"), T0);
      const first = await outbox.claim({ outTradeNo: no, limit: 10, leaseMs: 1000, now: at(1) });
      expect(first.map((c) => c.event.type)).toEqual(["trade.paid"]);
      expect(await outbox.claim({ outTradeNo: no, limit: 10, leaseMs: 1000, now: at(2) })).toEqual([]);
      await outbox.complete(event(no).id, at(3));
      const second = await outbox.claim({ outTradeNo: no, limit: 10, leaseMs: 1000, now: at(4) });
      expect(second.map((c) => c.event.type)).toEqual(["trade.refunded"]);
      expect(second[0]?.event).toEqual(event(no, "trade.refunded"));
    });

    it("lets exactly one of eight concurrent claimers take an event", async () => {
      const no = order();
      await outbox.append(event(no), T0);
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? other : outbox).claimEvent(event(no).id, 60_000, at(1))),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it("gives an expired lease to the next claimer, and a failed event back after its retry time", async () => {
      const no = order();
      await outbox.append(event(no), T0);
      const a = await outbox.claimEvent(event(no).id, 1000, at(1));
      expect(a?.attempts).toBe(1);
      expect(await other.claimEvent(event(no).id, 1000, at(500))).toBeUndefined();
      const b = await other.claimEvent(event(no).id, 1000, at(1002));
      expect(b?.attempts).toBe(2);
      await other.fail(event(no).id, "handler down", at(5000));
      expect(await outbox.claimEvent(event(no).id, 1000, at(4000))).toBeUndefined();
      expect((await outbox.claimEvent(event(no).id, 1000, at(5001)))?.attempts).toBe(3);
    });

    it("hands a new event to a dispatcher whose clock is behind the writer's", async () => {
      // The writer's clock runs a minute ahead of the claimers'; the first attempt is due at once.
      const no = order();
      await outbox.append(event(no), at(60_000));
      const [claimed] = await other.claim({ outTradeNo: no, limit: 10, leaseMs: 1000, now: T0 });
      expect(claimed?.event.id).toBe(event(no).id);
      expect(claimed?.attempts).toBe(1);
      await other.fail(event(no).id, "handler down", at(5000));
      expect(await outbox.claimEvent(event(no).id, 1000, at(4000))).toBeUndefined();
      expect((await outbox.claimEvent(event(no).id, 1000, at(5001)))?.attempts).toBe(2);
    });

    it("counts undelivered events and prunes only delivered ones past retention", async () => {
      const no = order();
      await outbox.append(event(no), at(10));
      const before = await outbox.stats(at(20));
      expect(before.undelivered).toBeGreaterThanOrEqual(1);
      expect(await outbox.prune(at(1_000_000))).toBeGreaterThanOrEqual(0);
      expect(await outbox.getEvent(event(no).id)).toBeDefined();
      await outbox.complete(event(no).id, at(30));
      expect((await outbox.getEvent(event(no).id))?.deliveredAt?.toISOString()).toBe(at(30).toISOString());
      expect(await outbox.prune(at(31))).toBeGreaterThanOrEqual(1);
      expect(await outbox.getEvent(event(no).id)).toBeUndefined();
    });
  });
}
