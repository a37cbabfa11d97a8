import { describe, expect, it } from "vitest";
import { CallLimit, ProviderCallLimits } from "./call-limit.js";

/** A call that finishes when the test says so. */
function gate<T>(value: T) {
  let open: () => void = () => {};
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return {
    open,
    call: async () => {
      await opened;
      return value;
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("CallLimit", () => {
  it("runs at most max calls at once and starts the others in arrival order", async () => {
    const limit = new CallLimit(2);
    const started: number[] = [];
    const gates = [0, 1, 2, 3].map((i) => gate(i));
    const results = gates.map((g, i) =>
      limit.run(() => {
        started.push(i);
        return g.call();
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect([limit.running, limit.queued]).toEqual([2, 2]);
    gates[1]?.open();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.open();
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]?.open();
    gates[3]?.open();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect([limit.running, limit.queued]).toEqual([0, 0]);
  });

  it("frees the turn of a call that fails", async () => {
    const limit = new CallLimit(1);
    await expect(limit.run(async () => Promise.reject(new Error("provider down")))).rejects.toThrow(
      "provider down",
    );
    expect(await limit.run(async () => "next")).toBe("next");
    expect(limit.running).toBe(0);
  });

  it("refuses a max that is not a positive integer", () => {
    expect(() => new CallLimit(0)).toThrow("CallLimit max must be a positive integer, not 0");
    expect(() => new CallLimit(1.5)).toThrow(RangeError);
  });
});

describe("ProviderCallLimits", () => {
  it("keeps one limit per merchant account", () => {
    const limits = new ProviderCallLimits(3);
    expect(limits.forMerchant("wx-main")).toBe(limits.forMerchant("wx-main"));
    expect(limits.forMerchant("wx-main")).not.toBe(limits.forMerchant("ali-main"));
    expect(limits.forMerchant("ali-main").max).toBe(3);
  });
});
