// The engine's unit tests drive exact fault sequences through a scripted in-memory provider
// (__fixtures__/scripted-provider.ts). The same engine runs against the real WeChat and Alipay
// simulators in packages/e2e/test.
import { describe, expect, it } from "vitest";
import {
  AmountMismatchError,
  ConflictError,
  InsufficientFundsError,
  ProviderUnavailableError,
  RateLimitError,
  ValidationError,
} from "../errors/errors.js";
import {
  createPayBridgeContainer,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "../injector/container.js";
import { cny } from "../money/money.js";
import { RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";
import { Script, ScriptedProvider } from "./__fixtures__/scripted-provider.js";
import type { RefundLedger } from "./ledger.js";
import { MemoryRefundLedger } from "./memory-ledger.js";
import { RefundService, type RefundServiceOptions } from "./refund-service.js";
import { ManualTime } from "./time.js";

const ORDER = "ORDER000001";

async function setup(
  options: Partial<RefundServiceOptions> & { ledger?: RefundLedger; script?: Script } = {},
) {
  const script = options.script ?? new Script();
  const time = new ManualTime();
  const container = createPayBridgeContainer({ clock: time.clock });
  registerProvider(container, ScriptedProvider);
  registerMerchant(container, { id: "m1", provider: "scripted", config: { script } });
  const gateway = resolveGateway(container);
  const ledger = options.ledger ?? new MemoryRefundLedger();
  const make = (extra: Partial<RefundServiceOptions> = {}) =>
    new RefundService({
      gateway,
      ledger,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
      ...options,
      ...extra,
    });
  const service = make();
  await service.recordOrder({ outTradeNo: ORDER, merchantId: "m1", total: cny(1000), paidAt: time.clock() });
  return { script, time, service, ledger, make };
}

const req = (n: number | string, fen: number) => ({
  outTradeNo: ORDER,
  outRefundNo: `${ORDER}R${n}`,
  amount: cny(fen),
});
const MIN = 60_000;

describe("RefundService: submission", () => {
  it("stores the refund with its number before calling the provider, then records the answer", async () => {
    const { service, script, ledger } = await setup();
    const seen: unknown[] = [];
    script.onRefund = async (r) => {
      seen.push(await ledger.getRefund(r.outRefundNo));
    };
    const refund = await service.refund(req(1, 300));
    expect(seen).toEqual([
      expect.objectContaining({ outRefundNo: `${ORDER}R1`, state: 1, attempts: 1, amountFen: 300 }),
    ]);
    expect(refund).toMatchObject({ state: RefundState.SUBMITTED, rawStatus: "PROCESSING", attempts: 1 });
    expect((await ledger.getOrder(ORDER))?.tradeState).toBe(TradeState.REFUND);
  });

  it("retries SYSTEM_ERROR with backoff, the same number and amount, querying before each resubmission", async () => {
    const { service, script, time } = await setup();
    script.refundFaults.push(
      { kind: "error", code: "SYSTEM_ERROR" },
      { kind: "error", code: "SYSTEM_ERROR" },
    );
    const refund = await service.refund(req(1, 300));
    expect(refund.state).toBe(RefundState.SUBMITTED);
    expect(script.refundCalls).toBe(3);
    expect(script.queryCalls).toBe(2);
    expect(script.refunds.size).toBe(1);
    expect(refund.attempts).toBe(3);
    // Equal jitter at 0.5: 3/4 of 250 ms, then of 500 ms.
    expect(time.slept).toEqual([188, 375]);
  });

  it("after a lost response asks the provider first, and does not resubmit a refund it already has", async () => {
    const { service, script } = await setup();
    script.refundFaults.push({ kind: "lost" });
    const refund = await service.refund(req(1, 300));
    expect(refund.state).toBe(RefundState.SUBMITTED);
    expect(script.refundCalls).toBe(1);
    expect(script.queryCalls).toBe(1);
  });

  it("keeps retrying through a failed query, and retries FREQUENCY_LIMITED", async () => {
    const { service, script } = await setup();
    script.refundFaults.push({ kind: "error", code: "FREQUENCY_LIMITED" });
    script.queryFaults.push({ kind: "lost" }, { kind: "error", code: "SYSTEM_ERROR" });
    const refund = await service.refund(req(1, 300));
    expect(refund.state).toBe(RefundState.SUBMITTED);
    expect(script.refundCalls).toBe(2);
    expect(script.queryCalls).toBe(3);
  });

  it("closes a refund the provider refused for good (6), releasing its amount", async () => {
    const { service, script, time } = await setup();
    script.refundFaults.push({ kind: "error", code: "NOT_ENOUGH" });
    await expect(service.refund(req(1, 1000))).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(script.refundCalls).toBe(1);
    expect(await service.getRefund(`${ORDER}R1`)).toMatchObject({
      state: RefundState.CLOSED,
      rawStatus: "NOT_ENOUGH",
    });
    time.advance(MIN);
    expect((await service.refund(req(2, 1000))).state).toBe(RefundState.SUBMITTED);
  });

  it("gives up after maxAttempts, leaving the refund at 2; resumePending finishes it later with the same number", async () => {
    const { service, script, make, time } = await setup({ retry: { maxAttempts: 3 } });
    for (let i = 0; i < 3; i++) script.refundFaults.push({ kind: "error", code: "SYSTEM_ERROR" });
    await expect(service.refund(req(1, 300))).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await service.getRefund(`${ORDER}R1`)).toMatchObject({
      state: RefundState.NOT_SUBMITTED,
      attempts: 3,
    });
    // resumePending() keeps a backoff before trying a given-up refund again.
    expect((await make().resumePending()).deferred).toBe(1);
    time.advance(10 * 60_000);
    const report = await make().resumePending();
    expect(report.failed).toEqual([]);
    expect(report.resumed.map((r) => [r.outRefundNo, r.state])).toEqual([
      [`${ORDER}R1`, RefundState.SUBMITTED],
    ]);
    expect(script.refunds.size).toBe(1);
    expect(script.refundCalls).toBe(4);
  });

  it("pauses the merchant for a minute on INVALID_REQ_TOO_MUCH, then goes on", async () => {
    const { service, script, time } = await setup({ maxWaitMs: 120_000 });
    script.refundFaults.push({ kind: "error", code: "INVALID_REQ_TOO_MUCH" });
    const start = time.now();
    const refund = await service.refund(req(1, 300));
    expect(refund.state).toBe(RefundState.SUBMITTED);
    expect(time.now() - start).toBeGreaterThanOrEqual(MIN);
    expect(script.refunds.size).toBe(1);
  });

  it("reports the pause as a retryable RateLimitError when it is longer than the caller will wait", async () => {
    const { service, script } = await setup({ maxWaitMs: 5_000 });
    script.refundFaults.push({ kind: "error", code: "INVALID_REQ_TOO_MUCH" });
    const error = await service.refund(req(1, 300)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryable: true });
    expect(await service.getRefund(`${ORDER}R1`)).toMatchObject({ state: RefundState.NOT_SUBMITTED });
  });

  it("waits for the merchant's call budget instead of failing", async () => {
    const { service, script, time } = await setup({ rateHeadroom: 0 });
    script.rules = {
      ...script.rules,
      minIntervalMs: 0,
      rateLimit: { successPerSecond: 2, failurePerSecond: 1 },
    };
    const start = time.now();
    for (let i = 0; i < 6; i++) await service.refund(req(i, 10));
    expect(script.refundCalls).toBe(6);
    // 2 successful calls per second: the 6th waits for the third second.
    expect(time.now() - start).toBeGreaterThanOrEqual(2000);
    expect(time.now() - start).toBeLessThan(3000);
  });

  it("marks a refund abnormal (5) when the provider reports another amount for its number", async () => {
    const { service, script } = await setup();
    script.amountSkew = -1;
    await expect(service.refund(req(1, 300))).rejects.toBeInstanceOf(AmountMismatchError);
    expect(await service.getRefund(`${ORDER}R1`)).toMatchObject({ state: RefundState.ABNORMAL });
  });
});

describe("RefundService: policy before any call", () => {
  it("rejects bad input naming the field", async () => {
    const { service, script } = await setup();
    await expect(service.refund({ ...req(1, 1), amount: { fen: 1.5, currency: "CNY" } })).rejects.toThrow(
      /refund\.amount\.fen/,
    );
    await expect(service.refund({ ...req(1, 1), amount: cny(0) })).rejects.toBeInstanceOf(ValidationError);
    await expect(service.refund({ ...req(1, 1), outRefundNo: "bad no!" })).rejects.toThrow(
      /refund\.outRefundNo/,
    );
    expect(script.refundCalls).toBe(0);
  });

  it("refuses over-refund counting pending and in-flight refunds, not only succeeded ones", async () => {
    const { service, script, time } = await setup();
    await service.request(req(1, 400)); // pending approval (0)
    time.advance(MIN);
    await service.refund(req(2, 400)); // in flight at the provider (3)
    time.advance(MIN);
    await expect(service.refund(req(3, 201))).rejects.toMatchObject({ rule: "sum" });
    expect(script.refundCalls).toBe(1);
  });

  it("refuses after the window, past the count, and within the interval", async () => {
    const { service, script, time } = await setup();
    await service.refund(req(1, 1));
    await expect(service.refund(req(2, 1))).rejects.toMatchObject({ rule: "interval", retryable: true });
    script.rules = { ...script.rules, maxRefundsPerOrder: 2 };
    time.advance(MIN);
    await service.refund(req(2, 1));
    time.advance(MIN);
    await expect(service.refund(req(3, 1))).rejects.toMatchObject({ rule: "count" });
    script.rules = { ...script.rules, maxRefundsPerOrder: 50 };
    time.advance(366 * 86_400_000);
    await expect(service.refund(req(3, 1))).rejects.toMatchObject({ rule: "window" });
    expect(script.refundCalls).toBe(2);
  });

  it("takes per-provider and per-merchant overrides of the provider's rules", async () => {
    const { service } = await setup({ rules: { byProvider: { scripted: { minIntervalMs: 0 } } } });
    await service.refund(req(1, 1));
    await service.refund(req(2, 1));
    const strict = await setup({
      rules: { byProvider: { scripted: { minIntervalMs: 0 } }, byMerchant: { m1: { minIntervalMs: 5_000 } } },
    });
    await strict.service.refund(req(1, 1));
    await expect(strict.service.refund(req(2, 1))).rejects.toMatchObject({ rule: "interval" });
  });

  it("is idempotent by refund number: the same number and amount is the same refund; another amount is refused", async () => {
    const { service, script } = await setup();
    const first = await service.refund(req(1, 300));
    const again = await service.refund(req(1, 300));
    expect(again.outRefundNo).toBe(first.outRefundNo);
    expect(script.refundCalls).toBe(1);
    await expect(service.refund(req(1, 301))).rejects.toMatchObject({ rule: "duplicate" });
  });
});

describe("RefundService: workflow and recovery", () => {
  it("request (0) waits for approval; approve (1) submits; reject (6) releases the amount", async () => {
    const { service, script, time } = await setup();
    const pending = await service.request(req(1, 600));
    expect(pending.state).toBe(RefundState.PENDING_CONFIRM);
    await expect(service.submit(pending.outRefundNo)).rejects.toMatchObject({ rule: "state" });
    expect(script.refundCalls).toBe(0);
    expect((await service.approve(pending.outRefundNo)).state).toBe(RefundState.SUBMITTED);
    time.advance(MIN);
    const other = await service.request(req(2, 400));
    await expect(service.request(req(3, 1))).rejects.toMatchObject({ rule: "sum" });
    expect((await service.reject(other.outRefundNo, "buyer cancelled")).state).toBe(RefundState.CLOSED);
    await expect(service.approve(other.outRefundNo)).resolves.toMatchObject({ state: RefundState.CLOSED });
    expect(script.refundCalls).toBe(1);
    time.advance(MIN);
    await service.request(req(3, 400));
  });

  it("waits for the interval at submission when two approved refunds of one order go out together", async () => {
    const { service, script, time } = await setup({ maxWaitMs: 120_000 });
    await service.request(req(1, 100));
    time.advance(MIN);
    await service.request(req(2, 100));
    const start = time.now();
    await service.approve(`${ORDER}R1`);
    await service.approve(`${ORDER}R2`);
    expect(time.now() - start).toBeGreaterThanOrEqual(MIN);
    expect(script.refundCalls).toBe(2);
  });

  it("resumePending after a crash: submits stored-but-unsent refunds once, queries the rest, never duplicates", async () => {
    const script = new Script();
    script.rules = { ...script.rules, minIntervalMs: 0 };
    const { service, time, make, ledger } = await setup({ script });
    // Crash between store and submit: approved and stored, never sent.
    await service.request(req(1, 100), { approved: true });
    // Crash after the provider made the refund but before the answer was stored.
    await service.request(req(2, 100), { approved: true });
    await ledger.beginAttempt(`${ORDER}R2`, 0, time.clock());
    script.refunds.set(`${ORDER}R2`, { outTradeNo: ORDER, fen: 100, state: RefundState.SUCCESS });
    // Crash after the attempt was counted, before the request left.
    await service.request(req(3, 100), { approved: true });
    await ledger.beginAttempt(`${ORDER}R3`, 0, time.clock());
    // Submitted, and since then a success the process never heard of.
    await service.refund(req(4, 100));
    script.refunds.set(`${ORDER}R4`, { outTradeNo: ORDER, fen: 100, state: RefundState.SUCCESS });
    script.refundCalls = 0;
    script.queryCalls = 0;

    const report = await make().resumePending({ concurrency: 2 });
    expect(report.failed).toEqual([]);
    const states = Object.fromEntries(report.resumed.map((r) => [r.outRefundNo, r.state]));
    expect(states).toEqual({
      [`${ORDER}R1`]: RefundState.SUBMITTED,
      [`${ORDER}R2`]: RefundState.SUCCESS,
      [`${ORDER}R3`]: RefundState.SUBMITTED,
      [`${ORDER}R4`]: RefundState.SUCCESS,
    });
    // R1 sent once, R2 only queried, R3 queried (not found) then sent, R4 only queried.
    expect(script.refundCalls).toBe(2);
    expect(script.queryCalls).toBe(3);
    expect(script.refunds.size).toBe(4);
    expect((await make().resumePending()).resumed.map((r) => r.outRefundNo)).toEqual([
      `${ORDER}R1`,
      `${ORDER}R3`,
    ]);
  });
});

describe("RefundService.recordOrder", () => {
  it("validates the order before routing or storing it, naming the field and the rule", async () => {
    const { service, ledger } = await setup();
    const base = { outTradeNo: "ORDER000002", merchantId: "m1", total: cny(1000), paidAt: new Date() };
    const bad: [Record<string, unknown>, string, string][] = [
      [{ outTradeNo: "ORD 1" }, "order.outTradeNo", "1-64 characters"],
      [{ total: { fen: 0, currency: "CNY" } }, "order.total.fen", "at least 1 fen"],
      [{ total: { fen: 99.5, currency: "CNY" } }, "order.total.fen", "not a fraction"],
      [{ total: { fen: 100, currency: "USD" } }, "order.total.currency", "one of CNY"],
      [{ paid: { fen: 1001, currency: "CNY" } }, "order.paid.fen", "at most total.fen"],
      [{ paidAt: new Date("not a date") }, "order.paidAt", "valid Date"],
      [{ merchantId: "" }, "order.merchantId", "empty"],
      [{ provider: "Scripted!" }, "order.provider", "lowercase provider id"],
      [{ extra: 1 }, "order", "extra"],
    ];
    for (const [change, field, rule] of bad) {
      const error = await service.recordOrder({ ...base, ...change } as never).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
      expect((error as ValidationError).message).toContain(rule);
    }
    expect(await ledger.getOrder("ORDER000002")).toBeUndefined();
  });

  it("cannot lower a known order's total below what is refunded: ConflictError naming totalFen, the cap stays", async () => {
    const { service, time } = await setup();
    await service.request(req(1, 600));
    const error = await service
      .recordOrder({ outTradeNo: ORDER, merchantId: "m1", total: cny(500), paidAt: time.clock() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).field).toBe("totalFen");
    // Recording the same values again changes nothing.
    const again = await service.recordOrder({
      outTradeNo: ORDER,
      merchantId: "m1",
      total: cny(1000),
      paidAt: time.clock(),
    });
    expect(again.totalFen).toBe(1000);
    time.advance(MIN);
    await expect(service.request(req(2, 401))).rejects.toMatchObject({ rule: "sum" });
    expect((await service.request(req(3, 400))).amountFen).toBe(400);
  });
});
