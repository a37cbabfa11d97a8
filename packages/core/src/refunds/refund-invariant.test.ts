// Issue "double refund": a refund whose answer was lost must never be closed (and its amount
// released) because the query before its resubmission failed, whatever that failure was.
import { describe, expect, it } from "vitest";
import { RefundOutcomeUnknownError } from "../errors/errors.js";
import {
  createPayBridgeContainer,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "../injector/container.js";
import { cny } from "../money/money.js";
import { RefundState } from "../states/refund-state.js";
import { Script, ScriptedProvider } from "./__fixtures__/scripted-provider.js";
import { MemoryRefundLedger } from "./memory-ledger.js";
import { RefundService } from "./refund-service.js";
import { ManualTime } from "./time.js";

const ORDER = "ORDERINV0001";

async function setup() {
  const script = new Script();
  const time = new ManualTime();
  const container = createPayBridgeContainer({ clock: time.clock });
  registerProvider(container, ScriptedProvider);
  registerMerchant(container, { id: "m1", provider: "scripted", config: { script } });
  const gateway = resolveGateway(container);
  const ledger = new MemoryRefundLedger();
  const make = () =>
    new RefundService({ gateway, ledger, clock: time.clock, sleep: time.sleep, random: () => 0.5 });
  const service = make();
  await service.recordOrder({ outTradeNo: ORDER, merchantId: "m1", total: cny(1000), paidAt: time.clock() });
  return { script, time, service, ledger, make };
}

const req = (n: number, fen: number) => ({
  outTradeNo: ORDER,
  outRefundNo: `${ORDER}R${n}`,
  amount: cny(fen),
});
const held = (script: Script) => [...script.refunds.values()].reduce((s, r) => s + r.fen, 0);

describe("refund invariant: a query's error never closes a refund the provider may hold", () => {
  for (const code of [
    "SIGN_ERROR",
    "NO_AUTH",
    "PARAM_ERROR",
    "MCH_NOT_EXISTS",
    "UNMAPPED_CODE",
    "USER_ACCOUNT_ABNORMAL",
  ]) {
    it(`${code} on the query before a resubmission leaves the refund open, held and outcome-unknown`, async () => {
      const { service, script, time, make } = await setup();
      // The refund reaches the provider, its answer is lost, then a retryable error forces the
      // engine through the query-before-resubmit, which fails with a final error.
      script.refundFaults.push({ kind: "lost" });
      script.queryFaults.push({ kind: "error", code });
      const error = await service.refund(req(1, 600)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RefundOutcomeUnknownError);
      expect(held(script)).toBe(600);
      const stored = await service.getRefund(`${ORDER}R1`);
      expect(stored).toMatchObject({
        state: RefundState.NOT_SUBMITTED,
        outcomeUnknown: true,
        recoveryFailures: 1,
      });
      expect((await service.listOutcomeUnknown()).map((r) => r.outRefundNo)).toEqual([`${ORDER}R1`]);
      // resumePending leaves it alone until its backoff has passed.
      expect((await make().resumePending()).deferred).toBe(1);
      // Its 600 fen stay counted: a second 600 under a new number is refused locally.
      time.advance(120_000);
      await expect(service.refund(req(2, 600))).rejects.toMatchObject({ rule: "sum" });
      expect(held(script)).toBe(600);
      time.advance(10 * 60_000);
      const report = await make().resumePending();
      expect(report.failed).toEqual([]);
      expect(await service.getRefund(`${ORDER}R1`)).toMatchObject({
        state: RefundState.SUBMITTED,
        outcomeUnknown: false,
        retryAt: undefined,
      });
      expect(script.refundCalls).toBe(1);
      expect(held(script)).toBe(600);
    });
  }

  for (const code of ["SIGN_ERROR", "NO_AUTH", "PARAM_ERROR", "UNMAPPED_CODE"]) {
    it(`${code} on a resubmission leaves the refund open (it says nothing about the refund number)`, async () => {
      const { service, script } = await setup();
      script.refundFaults.push({ kind: "error", code: "SYSTEM_ERROR" }, { kind: "error", code });
      await expect(service.refund(req(1, 600))).rejects.toBeInstanceOf(RefundOutcomeUnknownError);
      expect(await service.getRefund(`${ORDER}R1`)).toMatchObject({
        state: RefundState.NOT_SUBMITTED,
        outcomeUnknown: true,
      });
    });
  }

  it("a business refusal of the refund call itself (after the query ruled the first attempt out) closes it", async () => {
    const { service, script } = await setup();
    script.refundFaults.push(
      { kind: "error", code: "SYSTEM_ERROR" },
      { kind: "error", code: "USER_ACCOUNT_ABNORMAL" },
    );
    await expect(service.refund(req(1, 600))).rejects.toMatchObject({
      providerCode: "USER_ACCOUNT_ABNORMAL",
    });
    expect(script.queryCalls).toBe(1);
    expect(await service.getRefund(`${ORDER}R1`)).toMatchObject({
      state: RefundState.CLOSED,
      outcomeUnknown: false,
    });
    expect(held(script)).toBe(0);
  });
});
