import { describe, expect, it } from "vitest";
import {
  OutcomeUnknownError,
  PaymentError,
  ProviderUnavailableError,
  SignatureError,
} from "../errors/errors.js";
import { cny } from "../money/money.js";
import type { Clock } from "../provider/clock.js";
import { waitOnClock } from "../provider/wait.js";
import type { TradeResult } from "../schemas/payment.js";
import { type InPersonOperations, type InPersonSchedule, runInPersonPayment } from "./in-person-loop.js";

/** A virtual clock: each wait the loop takes moves it by exactly that much, at once. */
function virtualTime(): { clock: Clock; wait: (ms: number) => Promise<void> } {
  let now = Date.UTC(2026, 0, 1);
  return {
    clock: () => new Date(now),
    wait: async (ms) => {
      now += ms;
    },
  };
}
const run = (operations: InPersonOperations, s: InPersonSchedule = schedule) => {
  const t = virtualTime();
  return runInPersonPayment(operations, s, t.clock, { wait: t.wait });
};

const schedule: InPersonSchedule = {
  queryIntervalMs: 5_000,
  queryLimitMs: 30_000,
  reverseNotBeforeMs: 15_000,
  reverseAttempts: 3,
  reverseRetryMs: 2_000,
};

const order = { provider: "p", merchantId: "m", outTradeNo: "POS1", amount: cny(500) };
const trade = (state: TradeResult["state"], rawStatus: string): TradeResult => ({
  provider: "p",
  merchantId: "m",
  outTradeNo: "POS1",
  state,
  rawStatus,
  amount: cny(500),
});

function ops(script: {
  pay: () => Promise<Awaited<ReturnType<InPersonOperations["pay"]>>>;
  query: (n: number) => Promise<TradeResult>;
  reverse?: (n: number) => Promise<TradeResult>;
}) {
  const log: string[] = [];
  let q = 0;
  let r = 0;
  const operations: InPersonOperations = {
    order,
    pay: () => {
      log.push("pay");
      return script.pay();
    },
    query: () => {
      log.push("query");
      q += 1;
      return script.query(q);
    },
    reverse: () => {
      log.push("reverse");
      r += 1;
      return (script.reverse ?? (async () => trade(1, "REVOKED")))(r);
    },
  };
  return { operations, log };
}

describe("in-person payment loop", () => {
  it("returns a payment settled at once without querying", async () => {
    const { operations, log } = ops({
      pay: async () => ({ kind: "settled", trade: trade(3, "SUCCESS") }),
      query: async () => trade(0, "USERPAYING"),
    });
    expect((await run(operations)).state).toBe(3);
    expect(log).toEqual(["pay"]);
  });

  it("queries while the buyer enters a password and returns paid when the query says so", async () => {
    const { operations, log } = ops({
      pay: async () => ({ kind: "paying", rawStatus: "USERPAYING" }),
      query: async (n) => (n < 3 ? trade(0, "USERPAYING") : trade(3, "SUCCESS")),
    });
    expect((await run(operations)).state).toBe(3);
    expect(log).toEqual(["pay", "query", "query", "query"]);
  });

  it("reverses when the limit passes with the buyer still paying: closed (1), never 0", async () => {
    const { clock, wait } = virtualTime();
    const started = clock().getTime();
    let reversedAt = 0;
    const { operations, log } = ops({
      pay: async () => ({ kind: "paying", rawStatus: "USERPAYING" }),
      query: async () => trade(0, "USERPAYING"),
      reverse: async () => {
        reversedAt = clock().getTime() - started;
        return trade(1, "REVOKED");
      },
    });
    const result = await runInPersonPayment(operations, schedule, clock, { wait });
    expect(result.state).toBe(1);
    // Six queries, 5 s apart, over the 30 s limit; then straight to the reversal.
    expect(log.filter((x) => x === "query")).toHaveLength(6);
    expect(log.at(-1)).toBe("reverse");
    expect(reversedAt).toBe(30_000);
  });

  it("waits the page's minimum before reversing even when the query limit is shorter", async () => {
    const { clock, wait } = virtualTime();
    const started = clock().getTime();
    let reversedAt = 0;
    const { operations } = ops({
      pay: async () => {
        throw new OutcomeUnknownError("timeout");
      },
      query: async () => trade(0, "USERPAYING"),
      reverse: async () => {
        reversedAt = clock().getTime() - started;
        return trade(1, "REVOKED");
      },
    });
    await runInPersonPayment(operations, { ...schedule, queryLimitMs: 5_000 }, clock, { wait });
    expect(reversedAt).toBe(15_000);
  });

  it("returns failed (2) without reversing when the provider refuses the payment for good", async () => {
    const { operations, log } = ops({
      pay: async () => {
        throw new PaymentError("PROVIDER", "code expired", { providerCode: "AUTH_CODE_EXPIRED" });
      },
      query: async () => trade(0, "NOTPAY"),
    });
    const result = await run(operations);
    expect(result).toMatchObject({ state: 2, rawStatus: "AUTH_CODE_EXPIRED", amount: cny(500) });
    expect(log).toEqual(["pay"]);
  });

  it("queries, never records failed, when the pay answer cannot be trusted (bad signature, unknown status, mismatched ids)", async () => {
    // Seen with a paid order: an answer refused for its signature window was recorded failed (2)
    // while WeChat held the money.
    for (const untrusted of [
      new SignatureError("answer timestamp is outside the 5-minute window"),
      new PaymentError("UNKNOWN_STATUS", "trade_state NEWSTATE"),
      new PaymentError("ANSWER_MISMATCH", "mchid differs"),
      new PaymentError("TRADE_STATE", "order already paid"),
    ]) {
      const { operations, log } = ops({
        pay: async () => {
          throw untrusted;
        },
        query: async () => trade(3, "SUCCESS"),
      });
      const result = await run(operations);
      expect(result, untrusted.code).toMatchObject({ state: 3, rawStatus: "SUCCESS" });
      expect(log, untrusted.code).toEqual(["pay", "query"]);
    }
  });

  it("reverses a failed (PAYERROR) payment so it can never be paid after all", async () => {
    const { operations, log } = ops({
      pay: async () => ({ kind: "paying", rawStatus: "USERPAYING" }),
      query: async () => trade(2, "PAYERROR"),
    });
    expect((await run(operations)).state).toBe(1);
    expect(log).toEqual(["pay", "query", "reverse"]);
  });

  it("keeps querying through query failures, and retries a reversal whose outcome is unknown", async () => {
    const { operations, log } = ops({
      pay: async () => ({ kind: "paying", rawStatus: "USERPAYING" }),
      query: async () => {
        throw new ProviderUnavailableError("SYSTEM_ERROR");
      },
      reverse: async (n) => {
        if (n < 3) throw new OutcomeUnknownError("lost answer");
        return trade(1, "REVOKED");
      },
    });
    expect((await run(operations)).state).toBe(1);
    expect(log.filter((x) => x === "reverse")).toHaveLength(3);
  });

  it("throws OutcomeUnknownError when every reversal attempt stays unknown", async () => {
    const { operations } = ops({
      pay: async () => ({ kind: "paying", rawStatus: "USERPAYING" }),
      query: async () => trade(0, "USERPAYING"),
      reverse: async () => {
        throw new OutcomeUnknownError("lost answer");
      },
    });
    await expect(run(operations)).rejects.toBeInstanceOf(OutcomeUnknownError);
  });

  it("takes the provider's query when a reversal is refused for good (paid past the window)", async () => {
    const { operations } = ops({
      pay: async () => ({ kind: "paying", rawStatus: "USERPAYING" }),
      query: async (n) => (n <= 6 ? trade(0, "USERPAYING") : trade(3, "SUCCESS")),
      // The seventh query is the one after the refused reversal.
      reverse: async () => {
        throw new PaymentError("TRADE_STATE", "cannot reverse", { providerCode: "REVERSE_EXPIRE" });
      },
    });
    expect((await run(operations)).state).toBe(3);
  });
});

describe("waitOnClock", () => {
  it("waits on the given clock, not the wall clock", async () => {
    const start = Date.now();
    // 100x: ten seconds of clock time take about a tenth of a second.
    const clock: Clock = () => new Date(start + (Date.now() - start) * 100);
    const before = clock().getTime();
    await waitOnClock(clock, 10_000);
    expect(clock().getTime() - before).toBeGreaterThanOrEqual(10_000);
  });
});
