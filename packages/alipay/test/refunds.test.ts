import {
  cny,
  InsufficientFundsError,
  InvalidRequestError,
  TradeStateError,
  UnsupportedOperationError,
  ValidationError,
} from "@paybridge/core";
import { uniqueOutTradeNo } from "@paybridge/core/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlipayHarness, alipayHarness, providerFor } from "./support.js";

describe("alipay refunds end to end", () => {
  let h: AlipayHarness;
  beforeAll(async () => {
    h = await alipayHarness({ refundWindowDays: 30 });
  });
  afterAll(() => h.close());

  const paidOrder = async (fen: number) => {
    const outTradeNo = uniqueOutTradeNo("RF");
    await h.provider.createPayment({
      outTradeNo,
      description: "退款测试",
      amount: cny(fen),
      method: "native",
      notifyUrl: h.receiver.url,
    });
    await h.sandbox.pay(outTradeNo);
    return outTradeNo;
  };
  const refund = (outTradeNo: string, outRefundNo: string, fen: number, total: number) =>
    h.provider.refund({ outTradeNo, outRefundNo, amount: cny(fen), total: cny(total) });

  it("refund query before the refund: 10000 without data is 2 (retry with the same out_request_no)", async () => {
    const outTradeNo = await paidOrder(1000);
    const before = await h.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R1` });
    expect(before).toMatchObject({ state: 2, rawStatus: "NO_REFUND_DATA", amount: cny(0) });
    const done = await refund(outTradeNo, `${outTradeNo}R1`, 300, 1000);
    expect(done).toMatchObject({ state: 4, rawStatus: "fund_change=Y", amount: cny(300) });
    const after = await h.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R1` });
    expect(after).toMatchObject({ state: 4, rawStatus: "REFUND_SUCCESS", amount: cny(300) });
    expect(after.successAt).toBeInstanceOf(Date);
  });

  it("partial then full refund: TRADE_SUCCESS after the partial is 4; TRADE_CLOSED after the full is 4 from send_pay_date", async () => {
    const outTradeNo = await paidOrder(1000);
    await refund(outTradeNo, `${outTradeNo}A`, 300, 1000);
    const partial = await h.provider.queryPayment({ outTradeNo });
    expect(partial).toMatchObject({ rawStatus: "TRADE_SUCCESS", state: 4 });
    await refund(outTradeNo, `${outTradeNo}B`, 700, 1000);
    // A fresh instance knows nothing of the refunds: the paid evidence in the answer decides.
    const fresh = providerFor(h.sandbox);
    expect(await fresh.queryPayment({ outTradeNo })).toMatchObject({ rawStatus: "TRADE_CLOSED", state: 4 });
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(1000);
    // Closed by the full refund: no further refund.
    await expect(refund(outTradeNo, `${outTradeNo}C`, 1, 1000)).rejects.toMatchObject({
      providerCode: "ACQ.TRADE_STATUS_ERROR",
      name: "TradeStateError",
    });
  });

  it("an unpaid trade closed is 1 even for a fresh instance", async () => {
    const outTradeNo = uniqueOutTradeNo("CL");
    await h.provider.createPayment({
      outTradeNo,
      description: "x",
      amount: cny(100),
      method: "native",
      notifyUrl: h.receiver.url,
    });
    h.sandbox.scan(outTradeNo);
    await h.provider.closePayment({ outTradeNo });
    expect(await providerFor(h.sandbox).queryPayment({ outTradeNo })).toMatchObject({
      rawStatus: "TRADE_CLOSED",
      state: 1,
    });
  });

  it("the same out_request_no refunds once (fund_change N on repeat); a different amount under it is refused", async () => {
    const outTradeNo = await paidOrder(1000);
    await refund(outTradeNo, `${outTradeNo}R`, 400, 1000);
    const again = await refund(outTradeNo, `${outTradeNo}R`, 400, 1000);
    expect(again).toMatchObject({ state: 4, rawStatus: "REFUND_SUCCESS", amount: cny(400) });
    expect(h.sandbox.trade(outTradeNo)?.refundedFen).toBe(400);
    const changed = refund(outTradeNo, `${outTradeNo}R`, 500, 1000);
    await expect(changed).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(changed).rejects.toMatchObject({
      providerCode: "ACQ.DISCORDANT_REPEAT_REQUEST",
      retryable: false,
    });
  });

  it("refunds never add up past what the buyer paid: ACQ.REFUND_AMT_NOT_EQUAL_TOTAL, final", async () => {
    const outTradeNo = await paidOrder(500);
    await refund(outTradeNo, `${outTradeNo}1`, 400, 500);
    const over = refund(outTradeNo, `${outTradeNo}2`, 101, 500);
    await expect(over).rejects.toMatchObject({
      providerCode: "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
      retryable: false,
    });
    await expect(refund(outTradeNo, `${outTradeNo}3`, 100, 500)).resolves.toMatchObject({ state: 4 });
  });

  it("an unpaid trade cannot be refunded: ACQ.TRADE_STATUS_ERROR", async () => {
    const outTradeNo = uniqueOutTradeNo("UP");
    await h.provider.createPayment({
      outTradeNo,
      description: "x",
      amount: cny(100),
      method: "native",
      notifyUrl: h.receiver.url,
    });
    h.sandbox.scan(outTradeNo);
    await expect(refund(outTradeNo, `${outTradeNo}R`, 100, 100)).rejects.toBeInstanceOf(TradeStateError);
  });

  it("past the refund window the trade is TRADE_FINISHED (still 3) and refunds get ACQ.TRADE_HAS_FINISHED", async () => {
    const outTradeNo = await paidOrder(800);
    await h.sandbox.advanceClock(31 * 24 * 3600 * 1000);
    expect(await h.provider.queryPayment({ outTradeNo })).toMatchObject({
      rawStatus: "TRADE_FINISHED",
      state: 3,
    });
    const late = refund(outTradeNo, `${outTradeNo}R`, 100, 800);
    await expect(late).rejects.toBeInstanceOf(TradeStateError);
    await expect(late).rejects.toMatchObject({ providerCode: "ACQ.TRADE_HAS_FINISHED", retryable: false });
  });

  it("a seller balance too low: InsufficientFundsError, then the same out_request_no succeeds after a top-up", async () => {
    const outTradeNo = await paidOrder(1000);
    h.sandbox.setSellerBalance(100);
    const low = refund(outTradeNo, `${outTradeNo}R`, 300, 1000);
    await expect(low).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(low).rejects.toMatchObject({
      providerCode: "ACQ.SELLER_BALANCE_NOT_ENOUGH",
      retryable: false,
    });
    expect((await h.provider.queryRefund({ outTradeNo, outRefundNo: `${outTradeNo}R` })).state).toBe(2);
    h.sandbox.setSellerBalance(undefined);
    expect(await refund(outTradeNo, `${outTradeNo}R`, 300, 1000)).toMatchObject({ state: 4 });
  });

  it("refund notifications: TRADE_SUCCESS + refund_fee after a partial, TRADE_CLOSED after the full refund; both map to 4", async () => {
    const outTradeNo = await paidOrder(600);
    await refund(outTradeNo, `${outTradeNo}P`, 200, 600);
    await refund(outTradeNo, `${outTradeNo}F`, 400, 600);
    await h.sandbox.settled();
    const notes = h.sandbox.notifications().filter((n) => n.outTradeNo === outTradeNo && n.kind === "refund");
    expect(notes.map((n) => [n.tradeStatus, n.outBizNo])).toEqual([
      ["TRADE_SUCCESS", `${outTradeNo}P`],
      ["TRADE_CLOSED", `${outTradeNo}F`],
    ]);
    const fresh = providerFor(h.sandbox);
    for (const note of notes) {
      const fields = new URLSearchParams(note.body);
      expect(fields.get("gmt_refund")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
      const event = await fresh.parseNotification({ headers: note.headers, body: note.body });
      expect(event).toMatchObject({ kind: "trade", eventType: note.tradeStatus });
      expect(event.kind === "trade" && event.trade.state).toBe(4);
    }
    expect(new URLSearchParams(notes[1]?.body).get("refund_fee")).toBe("6.00");
  });

  it("rejects WeChat-only refund fields and cannot list refunds, without a call", async () => {
    const before = h.sandbox.requestCount();
    await expect(
      h.provider.refund({
        outTradeNo: "ORDER0001",
        outRefundNo: "R1",
        amount: cny(1),
        total: cny(1),
        fundsAccount: "AVAILABLE",
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(h.provider.listRefunds({ outTradeNo: "ORDER0001" })).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
    expect(h.provider.capabilities.listRefunds).toBe(false);
    expect(h.sandbox.requestCount()).toBe(before);
  });
});
