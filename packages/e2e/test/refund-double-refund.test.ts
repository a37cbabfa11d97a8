// The double refund found in issue "Refunds that cannot lose money": a refund whose answer is
// lost is queried before it is resubmitted; when that query fails with a final error (here the
// simulator's USER_ACCOUNT_ABNORMAL on query_refund), the refund was closed and its amount
// released although WeChat held it, and a refund under a new number paid the buyer twice.
import { MemoryRefundLedger, RefundOutcomeUnknownError, RefundService, RefundState } from "@paybridge/core";
import { ManualClock, startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paidWechatOrder, WECHAT_MERCHANT_ID, wechatConfig, wechatGateway } from "./support/wechat.js";

describe("no double refund when the query before a resubmission fails (WeChat simulator)", () => {
  let sandbox: WechatSandbox;
  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      clock: new ManualClock(Date.now()),
      merchants: [{ keyMode: "public_key" }],
      rateLimits: false,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it("keeps the 600 fen refund open and held; the simulator pays 600 fen once, never 1,200", async () => {
    const gateway = wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin));
    const clock = () => sandbox.engine.now();
    const sleep = async (ms: number) => sandbox.control.advance(Math.max(0, Math.ceil(ms)));
    const ledger = new MemoryRefundLedger();
    const make = () => new RefundService({ gateway, ledger, clock, sleep, random: () => 0.5 });
    const service = make();
    const outTradeNo = `PDBL${Date.now().toString(36)}`;
    paidWechatOrder(sandbox, outTradeNo, 1000);
    await service.recordOrder({
      outTradeNo,
      merchantId: WECHAT_MERCHANT_ID,
      total: { fen: 1000, currency: "CNY" },
      paidAt: clock(),
    });

    sandbox.engine.injectFault({ kind: "RESPONSE_LOST", operation: "refund" });
    sandbox.engine.injectFault({ kind: "USER_ACCOUNT_ABNORMAL", operation: "query_refund" });
    const first = {
      outTradeNo,
      outRefundNo: `${outTradeNo}R1`,
      amount: { fen: 600, currency: "CNY" as const },
    };
    await expect(service.refund(first)).rejects.toBeInstanceOf(RefundOutcomeUnknownError);
    expect(await service.getRefund(first.outRefundNo)).toMatchObject({
      state: RefundState.NOT_SUBMITTED,
      outcomeUnknown: true,
    });

    // What docs/refunds.md used to advise: refund again under a new number. The ledger refuses it.
    await sleep(120_000);
    const again = { ...first, outRefundNo: `${outTradeNo}R2` };
    await expect(service.refund(again)).rejects.toMatchObject({ rule: "sum" });

    await sleep(10 * 60_000);
    expect((await make().resumePending()).failed).toEqual([]);
    const paid = sandbox.engine.refundsOf(outTradeNo).reduce((s, r) => s + r.refundFen, 0);
    expect(paid).toBe(600);
    expect(await service.getRefund(first.outRefundNo)).toMatchObject({ outcomeUnknown: false });
    expect((await service.getRefund(first.outRefundNo))?.state).toBeGreaterThanOrEqual(RefundState.SUBMITTED);
  });
});
