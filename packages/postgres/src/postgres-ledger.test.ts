import { RefundState, TradeState } from "@paybridge/core";
import { runRefundLedgerContract } from "@paybridge/core/testkit";
import { describe, expect, it } from "vitest";
import { openPglite } from "./pglite-client.js";
import { PostgresRefundLedger } from "./postgres-ledger.js";
import { createScratchSchema } from "./scratch-schema.js";
import { connectPostgres, type SqlClient } from "./sql-client.js";

const url = process.env.DATABASE_URL;

async function ledgerOn(open: () => Promise<SqlClient>) {
  const client = await open();
  const scratch = await createScratchSchema(client, "pb_ledger");
  return {
    ledger: new PostgresRefundLedger(client, { schema: scratch.schema }),
    close: async () => {
      await scratch.drop();
      await client.close();
    },
  };
}

// Embedded PGlite always runs (it is the one-machine mode, and needs no server).
runRefundLedgerContract({
  name: "PostgresRefundLedger on PGlite",
  setup: () => ledgerOn(() => openPglite()),
});

if (!url)
  console.log("DATABASE_URL is not set: skipping 'PostgresRefundLedger on PostgreSQL' (PGlite suite runs)");
describe.skipIf(!url)("PostgreSQL server", () => {
  runRefundLedgerContract({
    name: "PostgresRefundLedger on PostgreSQL",
    setup: () => ledgerOn(async () => connectPostgres(url ?? "", { max: 12 })),
  });
});

// A refund state change's event is written by the ledger's own statement (not through
// PostgresOutbox.append), so the outbox contract's clock-skew case does not reach it.
describe("PostgresRefundLedger on PGlite: events and clock skew", () => {
  it("a refund state change's event is due at once on a dispatcher whose clock is behind the writer's", async () => {
    const { ledger, close } = await ledgerOn(() => openPglite());
    try {
      const T0 = new Date("2026-03-01T00:00:00.000Z");
      const ahead = new Date(T0.getTime() + 60_000);
      const outTradeNo = `SKEW${process.pid}${Date.now().toString(36)}`;
      await ledger.saveOrder({
        outTradeNo,
        provider: "wechatpay",
        merchantId: "m1",
        currency: "CNY",
        totalFen: 1000,
        paidFen: 1000,
        paidAt: T0,
        tradeState: TradeState.PAID,
      });
      const policy = { windowDays: 365, maxRefundsPerOrder: 50, minIntervalMs: 0 };
      const input = { outTradeNo, outRefundNo: `${outTradeNo}R1`, amountFen: 300, currency: "CNY" as const };
      await ledger.reserveRefund({ ...input, initialState: RefundState.CONFIRMED }, policy, ahead);
      await ledger.updateRefund(input.outRefundNo, { mode: "merge", state: RefundState.SUCCESS }, ahead);
      const claimed = await ledger.outbox.claim({ outTradeNo, limit: 10, leaseMs: 1000, now: T0 });
      expect(claimed.length).toBeGreaterThan(0);
      expect(claimed.every((c) => c.attempts === 1)).toBe(true);
    } finally {
      await close();
    }
  });
});
