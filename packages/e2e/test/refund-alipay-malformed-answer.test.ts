// The money rule for an Alipay refund whose answer is signed and says 10000 but has not the shape
// of the alipay.trade.refund page (https://opendocs.alipay.com/open/02ekfk: trade_no,
// out_trade_no, fund_change and refund_fee 必填): nothing in it is trusted, the refund stays open
// with its outcome unknown and its amount held, and the refund query
// (https://opendocs.alipay.com/open/02ekfl, refund_status REFUND_SUCCESS) decides it once answers
// are sane. The sandbox took the refund; its book must show it paid exactly once. The malformed
// answer is the sandbox's answer rewrite (fields removed or retyped before it is signed), so the
// signature verifies and only the shape is wrong.
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
const cny = (fen: number) => ({ fen, currency: "CNY" as const });

describe("a malformed alipay.trade.refund answer leaves the refund open, and the query recovers it", () => {
  let sandbox: AlipaySandbox;
  beforeAll(async () => {
    sandbox = await startAlipaySandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  const rig = (retry?: { readonly maxAttempts: number }) => {
    const container = createPayBridgeContainer();
    registerProvider(container, AlipayProvider);
    registerMerchant(container, {
      id: "alipay-main",
      provider: AlipayProvider.id,
      config: { ...sandbox.merchantConfig(), timeoutMs: 5000 },
    });
    const gateway = resolveGateway(container);
    const clock = () => sandbox.now();
    const sleep = (ms: number) => sandbox.advanceClock(Math.max(0, Math.ceil(ms)));
    const ledger = new MemoryRefundLedger();
    const service = new RefundService({ gateway, ledger, clock, sleep, ...(retry ? { retry } : {}) });
    return { gateway, service, ledger, clock, sleep };
  };

  const paidOrder = async (r: ReturnType<typeof rig>, outTradeNo: string) => {
    await r.gateway.forMerchant("alipay-main").createPayment({
      outTradeNo,
      amount: cny(1000),
      description: "malformed refund answer",
      method: "native",
      notifyUrl: "http://127.0.0.1:9/alipay/notify",
    });
    await sandbox.pay(outTradeNo);
    await r.service.recordOrder({
      outTradeNo,
      merchantId: "alipay-main",
      total: cny(1000),
      paidAt: r.clock(),
    });
  };

  /** What the sandbox's book holds for the order: refunds, and fen refunded. */
  const book = (outTradeNo: string) => {
    const trade = sandbox.trade(outTradeNo);
    return { refunds: trade?.refunds.size, refundedFen: trade?.refundedFen };
  };

  it.each([
    ["fund_change", { remove: ["fund_change"] }],
    ["refund_fee", { set: { refund_fee: "6.001" } }],
    ["fund_change", { set: { fund_change: true } }],
    ["trade_no", { set: { trade_no: 2026 } }],
  ] as const)(
    "an answer with %s malformed (%j): open, outcome unknown, amount held; resumePending's query makes it 4; paid once",
    async (field, rewrite) => {
      // One call per submit: the malformed answer ends the submit, as a crash or a give-up would.
      const r = rig({ maxAttempts: 1 });
      const outTradeNo = `PMA${Date.now().toString(36)}${field.length}`;
      await paidOrder(r, outTradeNo);
      const outRefundNo = `${outTradeNo}R1`;
      sandbox.rewriteAnswer({ operation: REFUND, ...rewrite });

      await expect(r.service.refund({ outTradeNo, outRefundNo, amount: cny(600) })).rejects.toMatchObject({
        name: "UnexpectedAnswerError",
        code: "OUTCOME_UNKNOWN",
        provider: "alipay",
        method: REFUND,
        field,
      });
      // The sandbox refunded; PayBridge does not know it: open (2), outcome unknown, 600 fen held.
      expect(book(outTradeNo)).toEqual({ refunds: 1, refundedFen: 600 });
      expect(await r.service.getRefund(outRefundNo)).toMatchObject({
        state: RefundState.NOT_SUBMITTED,
        outcomeUnknown: true,
      });
      expect((await r.service.listOutcomeUnknown()).map((x) => x.outRefundNo)).toContain(outRefundNo);
      await expect(
        r.service.refund({ outTradeNo, outRefundNo: `${outTradeNo}R2`, amount: cny(600) }),
      ).rejects.toMatchObject({ rule: "sum" });

      // Answers are sane again: recovery queries and finds it.
      const report = await r.service.resumePending({ force: true });
      expect(report.failed).toEqual([]);
      expect(await r.service.getRefund(outRefundNo)).toMatchObject({
        state: RefundState.SUCCESS,
        rawStatus: "REFUND_SUCCESS",
        outcomeUnknown: false,
      });
      // Paid exactly once: one refund in the book, 600 fen, and the refund call was never repeated.
      expect(book(outTradeNo)).toEqual({ refunds: 1, refundedFen: 600 });
      const calls = sandbox.calls().filter((c) => c.biz.out_request_no === outRefundNo);
      expect(calls.filter((c) => c.method === REFUND)).toHaveLength(1);
      // and the refund query is what decided it.
      expect(calls.filter((c) => c.method === QUERY).length).toBeGreaterThan(0);
    },
  );

  it("with retries, the engine's own query after the malformed answer decides it in the same call: 4, paid once", async () => {
    const r = rig();
    const outTradeNo = `PMB${Date.now().toString(36)}`;
    await paidOrder(r, outTradeNo);
    const outRefundNo = `${outTradeNo}R1`;
    sandbox.rewriteAnswer({ operation: REFUND, remove: ["refund_fee", "fund_change"] });
    const done = await r.service.refund({ outTradeNo, outRefundNo, amount: cny(400) });
    expect(done).toMatchObject({ state: RefundState.SUCCESS, rawStatus: "REFUND_SUCCESS" });
    expect(book(outTradeNo)).toEqual({ refunds: 1, refundedFen: 400 });
    expect(
      sandbox.calls().filter((c) => c.method === REFUND && c.biz.out_request_no === outRefundNo),
    ).toHaveLength(1);
  });

  it("a malformed refund query answer is no answer: the refund stays open until a sane query", async () => {
    const r = rig({ maxAttempts: 1 });
    const outTradeNo = `PMC${Date.now().toString(36)}`;
    await paidOrder(r, outTradeNo);
    const outRefundNo = `${outTradeNo}R1`;
    sandbox.injectFault({ kind: "response_lost", method: REFUND });
    sandbox.injectFault({ kind: "response_lost", method: REFUND });
    await expect(r.service.refund({ outTradeNo, outRefundNo, amount: cny(300) })).rejects.toThrow();
    // The recovery's query says REFUND_SUCCESS, but with refund_amount of three decimals: not trusted.
    sandbox.rewriteAnswer({ operation: QUERY, set: { refund_amount: "3.000" } });
    const first = await r.service.resumePending({ force: true });
    expect(first.failed.map((f) => f.outRefundNo)).toEqual([outRefundNo]);
    expect(await r.service.getRefund(outRefundNo)).toMatchObject({ state: RefundState.NOT_SUBMITTED });
    expect(book(outTradeNo)).toEqual({ refunds: 1, refundedFen: 300 });
    expect((await r.service.resumePending({ force: true })).failed).toEqual([]);
    expect(await r.service.getRefund(outRefundNo)).toMatchObject({ state: RefundState.SUCCESS });
    expect(book(outTradeNo)).toEqual({ refunds: 1, refundedFen: 300 });
  });
});
