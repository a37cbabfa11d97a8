import { describe, expect, it } from "vitest";
import { ConflictError } from "../errors/errors.js";
import type { Currency } from "../money/money.js";
import { TradeState } from "../states/trade-state.js";
import type { LedgerOrder } from "./ledger.js";
import { checkLedgerOrder, mergeKnownOrder, sameOrder } from "./ledger-order-rules.js";
import { parseLedgerOrder } from "./ledger-order-schema.js";

const T0 = new Date("2025-03-01T00:00:00.000Z");
const known: LedgerOrder = {
  outTradeNo: "ORDER000001",
  provider: "wechatpay",
  merchantId: "m1",
  currency: "CNY",
  totalFen: 1000,
  paidFen: 800,
  paidAt: T0,
  tradeState: TradeState.REFUND,
  providerTradeNo: undefined,
};

describe("known order rules (shared by every ledger)", () => {
  it("refuses every change of a fixed field, naming it; currency too", () => {
    for (const [change, field] of [
      [{ currency: "USD" as Currency }, "currency"],
      [{ totalFen: 999 }, "totalFen"],
      [{ merchantId: "m2" }, "merchantId"],
      [{ provider: "alipay" }, "provider"],
    ] as const) {
      const error = (() => {
        try {
          return mergeKnownOrder(known, { ...known, ...change });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).field).toBe(field);
    }
  });

  it("moves paid up, the payment date to the earliest, the trade state forward, and sets the trade number once", () => {
    const same = mergeKnownOrder(known, { ...known, tradeState: TradeState.PAID, paidFen: 500 });
    expect(same).toEqual(known);
    expect(sameOrder(same, known)).toBe(true);
    const moved = mergeKnownOrder(known, {
      ...known,
      paidFen: 1000,
      paidAt: new Date(T0.getTime() - 1),
      providerTradeNo: "42",
    });
    expect(moved).toEqual({
      ...known,
      paidFen: 1000,
      paidAt: new Date(T0.getTime() - 1),
      providerTradeNo: "42",
    });
    expect(sameOrder(moved, known)).toBe(false);
    expect(() => mergeKnownOrder(moved, { ...moved, providerTradeNo: "43" })).toThrow(ConflictError);
  });

  it("validates with the field named under 'order'", () => {
    expect(() => parseLedgerOrder({ ...known, totalFen: -5 })).toThrow(
      /order\.totalFen: must be at least 1 fen/,
    );
    expect(parseLedgerOrder(known)).toEqual(known);
  });

  it("checkLedgerOrder loads the same schema on demand (the zod-free ledger-kit path)", async () => {
    await expect(checkLedgerOrder({ ...known, totalFen: -5 })).rejects.toThrow(
      /order\.totalFen: must be at least 1 fen/,
    );
    await expect(checkLedgerOrder({ ...known, paidFen: known.totalFen + 1 })).rejects.toThrow(
      /order\.paidFen: must be at most totalFen/,
    );
    await expect(checkLedgerOrder(known)).resolves.toEqual(known);
  });
});
