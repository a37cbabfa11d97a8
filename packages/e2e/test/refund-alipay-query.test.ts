// Alipay refund query semantics through the refund engine, per the current
// alipay.trade.fastpay.refund.query page (https://opendocs.alipay.com/open/02ekfl): a refund
// succeeded only when refund_status is REFUND_SUCCESS; otherwise it did not (yet), and the
// merchant resends the same out_request_no with the same amount, querying no sooner than 10 s
// after the refund request. The simulator plays a gateway that records a refund only 10 s after
// it (refundQuerySettleMs), so an engine that queries too early and trusts "no data" cannot pass.
import { AlipayProvider } from "@paybridge/alipay";
import {
  createPayBridgeContainer,
  MemoryRefundLedger,
  RefundService,
  RefundState,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REFUND = "alipay.trade.refund";
const QUERY = "alipay.trade.fastpay.refund.query";

describe("Alipay refunds through the engine follow the current refund query page", () => {
  let sandbox: AlipaySandbox;
  let legacySandbox: AlipaySandbox;
  beforeAll(async () => {
    sandbox = await startAlipaySandbox({ refundQuerySettleMs: 10_000 });
    legacySandbox = await startAlipaySandbox({ refundQueryOmitsStatus: true });
  });
  afterAll(async () => {
    await sandbox?.close();
    await legacySandbox?.close();
  });

  const rig = (s: AlipaySandbox, config: Record<string, unknown> = {}) => {
    const container = createPayBridgeContainer();
    registerProvider(container, AlipayProvider);
    registerMerchant(container, {
      id: "alipay-main",
      provider: AlipayProvider.id,
      config: { ...s.merchantConfig(), timeoutMs: 5000, ...config },
    });
    const gateway = resolveGateway(container);
    const clock = () => s.now();
    const sleep = (ms: number) => s.advanceClock(Math.max(0, Math.ceil(ms)));
    const service = new RefundService({ gateway, ledger: new MemoryRefundLedger(), clock, sleep });
    return { gateway, service, clock };
  };

  const paidOrder = async (s: AlipaySandbox, r: ReturnType<typeof rig>, outTradeNo: string) => {
    await r.gateway.forMerchant("alipay-main").createPayment({
      outTradeNo,
      amount: { fen: 1000, currency: "CNY" },
      description: "refund query",
      method: "native",
      notifyUrl: "http://127.0.0.1:9/alipay/notify",
    });
    await s.pay(outTradeNo);
    await r.service.recordOrder({
      outTradeNo,
      merchantId: "alipay-main",
      total: { fen: 1000, currency: "CNY" },
      paidAt: r.clock(),
    });
  };

  it("a lost refund answer: the deciding query waits 10 s, sees REFUND_SUCCESS, and the refund is paid once", async () => {
    const r = rig(sandbox);
    const outTradeNo = `PAQ${Date.now().toString(36)}`;
    await paidOrder(sandbox, r, outTradeNo);
    const outRefundNo = `${outTradeNo}R1`;
    // Both the call and alipay-sdk's own resend lose their answers: the refund took effect.
    sandbox.injectFault({ kind: "response_lost", method: REFUND });
    sandbox.injectFault({ kind: "response_lost", method: REFUND });
    const done = await r.service.refund({ outTradeNo, outRefundNo, amount: { fen: 600, currency: "CNY" } });
    expect(done).toMatchObject({ state: RefundState.SUCCESS, rawStatus: "REFUND_SUCCESS" });
    expect(sandbox.trade(outTradeNo)?.refundedFen).toBe(600);

    const calls = sandbox.calls().filter((c) => c.biz.out_request_no === outRefundNo);
    const first = calls.find((c) => c.method === REFUND);
    const decided = calls.filter((c) => c.method === QUERY).at(-1);
    expect(first && decided).toBeTruthy();
    // The query that found the refund came at least 10 s after the refund request.
    expect((decided?.at.getTime() ?? 0) - (first?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(10_000);
    // Every refund call carried the same out_request_no and amount.
    for (const c of calls.filter((x) => x.method === REFUND)) expect(c.biz.refund_amount).toBe("6.00");
  });

  it("an answer with refund_amount but no refund_status keeps the refund open (2), resent with the same number and amount", async () => {
    const r = rig(legacySandbox, { legacyRefundQuery: false });
    const outTradeNo = `PAL${Date.now().toString(36)}`;
    await paidOrder(legacySandbox, r, outTradeNo);
    const outRefundNo = `${outTradeNo}R1`;
    legacySandbox.injectFault({ kind: "response_lost", method: REFUND });
    legacySandbox.injectFault({ kind: "response_lost", method: REFUND });
    await expect(
      r.service.refund({ outTradeNo, outRefundNo, amount: { fen: 600, currency: "CNY" } }),
    ).rejects.toThrow();
    const open = await r.service.getRefund(outRefundNo);
    expect(open).toMatchObject({ state: RefundState.NOT_SUBMITTED, outcomeUnknown: true });
    // Held, not released: no new refund can take its 600 fen.
    await expect(
      r.service.refund({ outTradeNo, outRefundNo: `${outTradeNo}R2`, amount: { fen: 600, currency: "CNY" } }),
    ).rejects.toMatchObject({ rule: "sum" });
    const refunds = legacySandbox
      .calls()
      .filter((c) => c.method === REFUND && c.biz.out_request_no === outRefundNo);
    expect(refunds.length).toBeGreaterThan(1);
    for (const c of refunds) expect(c.biz.refund_amount).toBe("6.00");
    expect(legacySandbox.trade(outTradeNo)?.refundedFen).toBe(600);

    // The documented option for older products reads that answer as the success it was.
    const legacy = rig(legacySandbox, { legacyRefundQuery: true });
    const ledger = r.service.ledger;
    const resumed = new RefundService({
      gateway: legacy.gateway,
      ledger,
      clock: legacy.clock,
      sleep: (ms) => legacySandbox.advanceClock(Math.max(0, Math.ceil(ms))),
    });
    expect((await resumed.resumePending({ force: true })).failed).toEqual([]);
    expect(await resumed.getRefund(outRefundNo)).toMatchObject({
      state: RefundState.SUCCESS,
      rawStatus: "REFUND_AMOUNT_ONLY",
    });
    expect(legacySandbox.trade(outTradeNo)?.refundedFen).toBe(600);
  });
});
