// Coupons and discounts end to end: a coupon order paid, refunded in two parts, queried, notified
// and billed through the real providers against the sandboxes, every amount checked against the
// simulator's own book, and the day's bill reconciled against the order amounts the shop records.
// WeChat: https://pay.weixin.qq.com/doc/v3/merchant/4013070356 (promotion_detail, payer_total),
// https://pay.weixin.qq.com/doc/v3/merchant/4012556457 (refund amounts). Alipay:
// https://opendocs.alipay.com/open/02ekfh (receipt_amount, buyer_pay_amount, point_amount),
// https://opendocs.alipay.com/open/02ekfk (present_refund_*, send_back_fee).
import { AlipayProvider } from "@paybridge/alipay";
import { cny, RefundState, silentLogger, systemClock, TradeState } from "@paybridge/core";
import {
  type BillRecord,
  type LedgerEntry,
  openAlipayBillCsv,
  parseAlipayTradeBill,
  parseWechatTradeBill,
  reconcileDay,
  verifiedBillStream,
} from "@paybridge/reconcile";
import {
  type AlipaySandbox,
  OffsetClock,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DAY = "2026-03-01";
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const tag = String(Date.now()).slice(-8);
const ledgerOf = (entries: LedgerEntry[]) => ({
  async *entries() {
    yield* entries;
  },
});

async function collect(records: AsyncIterable<BillRecord>): Promise<BillRecord[]> {
  const out: BillRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

describe("WeChat Pay: a coupon order paid, partly refunded twice, queried and billed", () => {
  let sandbox: WechatSandbox;
  let provider: WechatPayProvider;
  let clock: OffsetClock;
  const order = `CPN${tag}`;

  beforeAll(async () => {
    clock = new OffsetClock(Date.now, at(`${DAY}T09:00:00`));
    sandbox = await startWechatSandbox({ clock, allowLoopbackHttpNotify: true, rateLimits: false });
    provider = new WechatPayProvider(sandbox.merchantConfig(), {
      merchantId: "wx-coupon",
      clock: systemClock,
      logger: silentLogger,
    });
    await provider.createPayment({
      outTradeNo: order,
      description: "优惠券订单",
      amount: cny(10_000),
      method: "native",
      notifyUrl: `${sandbox.origin}/sandbox/notify-sink`,
    });
    // The buyer pays with a 10.00 充值型 coupon (WeChat funds it) and a 5.00 免充值 discount
    // (the merchant funds it), through the control API as a test would.
    const res = await fetch(`${sandbox.origin}/sandbox/control/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        out_trade_no: order,
        promotion_detail: [
          { coupon_id: "C1", type: "CASH", amount: 1000 },
          { coupon_id: "C2", type: "NOCASH", amount: 500 },
        ],
      }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => sandbox?.close());

  const book = () => {
    const o = sandbox.engine.peekOrder(order);
    if (!o) throw new Error("order not in the book");
    return o;
  };

  it("the query carries the order total, what the buyer paid and the coupons, as the book holds them", async () => {
    const trade = await provider.queryPayment({ outTradeNo: order });
    const coupons = book().promotions.reduce((s, p) => s + p.amountFen, 0);
    const noCash = book()
      .promotions.filter((p) => p.type === "NOCASH")
      .reduce((s, p) => s + p.amountFen, 0);
    expect(coupons).toBe(1500);
    expect(trade.amount).toEqual(cny(book().totalFen));
    expect(trade.paidAmount).toEqual(cny(book().payerTotalFen ?? -1));
    expect(trade.paidAmount).toEqual(cny(10_000 - coupons));
    expect(trade.discountAmount).toEqual(cny(coupons));
    expect(trade.settlementAmount).toEqual(cny(10_000 - noCash));
  });

  it("refunds are checked against the order total, and each returns the coupons' share the book records", async () => {
    // 90.00 is more than the buyer paid (85.00): WeChat checks refunds against the order total.
    const first = await provider.refund({
      outTradeNo: order,
      outRefundNo: `${order}R1`,
      amount: cny(9_000),
      total: cny(10_000),
    });
    sandbox.engine.advance(2 * 60_000);
    const second = await provider.refund({
      outTradeNo: order,
      outRefundNo: `${order}R2`,
      amount: cny(1_000),
      total: cny(10_000),
    });
    sandbox.engine.advance(2 * 60_000);
    await expect(
      provider.refund({ outTradeNo: order, outRefundNo: `${order}R3`, amount: cny(1), total: cny(10_000) }),
    ).rejects.toThrow();
    const booked = sandbox.engine.refundsOf(order);
    expect(booked.map((r) => r.refundFen)).toEqual([9_000, 1_000]);
    for (const [answer, r] of [
      [first, booked[0]],
      [second, booked[1]],
    ] as const) {
      if (!r) throw new Error("refund not in the book");
      const discount = r.promotions.reduce((s, p) => s + p.refundAmountFen, 0);
      const noCash = r.promotions
        .filter((p) => p.type === "DISCOUNT")
        .reduce((s, p) => s + p.refundAmountFen, 0);
      expect(answer.amount).toEqual(cny(r.refundFen));
      expect(answer.discountRefundAmount).toEqual(cny(discount));
      expect(answer.payerRefundAmount).toEqual(cny(r.refundFen - discount));
      expect(answer.settlementRefundAmount).toEqual(cny(r.refundFen - noCash));
      const queried = await provider.queryRefund({ outTradeNo: order, outRefundNo: r.outRefundNo });
      expect(queried.state).toBe(RefundState.SUCCESS);
      expect(queried.discountRefundAmount).toEqual(cny(discount));
    }
    // Proportional split, rounded down on the partial refund; the last refund returns the rest.
    expect(first.discountRefundAmount).toEqual(cny(900 + 450));
    expect(second.discountRefundAmount).toEqual(cny(100 + 50));
    // The whole order refunded: every coupon came back whole, the buyer got back what they paid.
    const sum = (f: (r: typeof first) => number) => f(first) + f(second);
    expect(sum((r) => r.discountRefundAmount?.fen ?? 0)).toBe(1500);
    expect(sum((r) => r.payerRefundAmount?.fen ?? 0)).toBe(8500);
    expect(sum((r) => r.settlementRefundAmount?.fen ?? 0)).toBe(9500);
  });

  it("the refund notification carries payer_total and payer_refund", async () => {
    const notes = sandbox.control.notifications({ outTradeNo: order, kind: "refund" });
    const note = notes.find((n) => n.outRefundNo === `${order}R1`);
    if (!note) throw new Error("no refund notification");
    const event = await provider.parseNotification({ headers: { ...note.headers }, body: note.body });
    if (event.kind !== "refund") throw new Error("not a refund notification");
    expect(event.refund.payerRefundAmount).toEqual(cny(9_000 - 1_350));
  });

  it("the bill prints settlement and coupon amounts, and reconciles with the order amounts recorded", async () => {
    sandbox.engine.advance(at("2026-03-02T10:00:01").getTime() - clock.now().getTime());
    const bill = await provider.tradeBill({ billDate: DAY });
    const rows = await collect(parseWechatTradeBill(verifiedBillStream(bill.body, bill)));
    expect(rows).toMatchObject([
      { kind: "payment", outTradeNo: order, amountFen: 9_500, orderAmountFen: 10_000, couponFen: 1_500 },
      {
        kind: "refund",
        outRefundNo: `${order}R1`,
        amountFen: 8_550,
        requestedFen: 9_000,
        couponRefundFen: 900,
      },
      {
        kind: "refund",
        outRefundNo: `${order}R2`,
        amountFen: 950,
        requestedFen: 1_000,
        couponRefundFen: 100,
      },
    ]);
    const again = await provider.tradeBill({ billDate: DAY });
    const result = await reconcileDay({
      provider: "wechatpay",
      merchantId: "wx-coupon",
      date: DAY,
      bill: parseWechatTradeBill(verifiedBillStream(again.body, again)),
      ledger: ledgerOf([
        { kind: "payment", outTradeNo: order, amountFen: 10_000, state: TradeState.REFUND },
        {
          kind: "refund",
          outTradeNo: order,
          outRefundNo: `${order}R1`,
          amountFen: 9_000,
          state: RefundState.SUCCESS,
        },
        {
          kind: "refund",
          outTradeNo: order,
          outRefundNo: `${order}R2`,
          amountFen: 1_000,
          state: RefundState.SUCCESS,
        },
      ]),
    });
    expect(result.differences).toEqual([]);
    expect(result.matched).toBe(3);
    expect(result.bill.paymentFen).toBe(9_500);
    expect(result.bill.refundFen).toBe(9_500);
  });
});

describe("Alipay: a voucher and points order paid, partly refunded twice, queried and billed", () => {
  let sandbox: AlipaySandbox;
  let provider: AlipayProvider;
  const order = `ACPN${tag}`;

  beforeAll(async () => {
    sandbox = await startAlipaySandbox({ startTime: at(`${DAY}T09:00:00`) });
    provider = new AlipayProvider(
      { ...sandbox.merchantConfig(), timeoutMs: 5_000 },
      { merchantId: "ali-coupon", logger: silentLogger, clock: () => new Date() },
    );
    await provider.createPayment({
      outTradeNo: order,
      description: "优惠券订单",
      amount: cny(10_000),
      method: "native",
      notifyUrl: "http://127.0.0.1:9/alipay/notify",
    });
    // A 10.00 merchant voucher, a 5.00 voucher Alipay funds, and 2.00 of 集分宝, through the
    // control API as a test would.
    const res = await fetch(`${sandbox.origin}/__sandbox/trades/${order}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        voucher_detail_list: [
          { id: "V1", name: "店铺券", amount: "10.00" },
          { id: "V2", name: "平台券", amount: "5.00", merchant_contribute: "0.00" },
        ],
        point_amount: "2.00",
      }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(() => sandbox?.close());

  const book = () => {
    const t = sandbox.trade(order);
    if (!t) throw new Error("trade not in the book");
    return t;
  };

  it("the query carries what the buyer paid, the vouchers and what the merchant receives", async () => {
    const trade = await provider.queryPayment({ outTradeNo: order });
    const vouchers = book().discounts.vouchers.reduce((s, v) => s + v.amountFen, 0);
    const merchant = book().discounts.vouchers.reduce((s, v) => s + v.merchantContributeFen, 0);
    expect(trade.amount).toEqual(cny(book().totalFen));
    expect(trade.paidAmount).toEqual(cny(10_000 - vouchers - book().discounts.pointFen));
    expect(trade.discountAmount).toEqual(cny(vouchers));
    expect(trade.settlementAmount).toEqual(cny(10_000 - merchant));
  });

  it("refunds are checked against the order total and split as the book records", async () => {
    const first = await provider.refund({
      outTradeNo: order,
      outRefundNo: `${order}R1`,
      amount: cny(9_000),
      total: cny(10_000),
    });
    const second = await provider.refund({
      outTradeNo: order,
      outRefundNo: `${order}R2`,
      amount: cny(1_000),
      total: cny(10_000),
    });
    await expect(
      provider.refund({ outTradeNo: order, outRefundNo: `${order}R3`, amount: cny(1), total: cny(10_000) }),
    ).rejects.toThrow();
    const booked = [...book().refunds.values()];
    for (const [answer, r] of [
      [first, booked[0]],
      [second, booked[1]],
    ] as const) {
      if (!r) throw new Error("refund not in the book");
      expect(answer.payerRefundAmount).toEqual(cny(r.share.buyerFen));
      expect(answer.discountRefundAmount).toEqual(cny(r.share.discountFen + r.share.mdiscountFen));
      expect(answer.settlementRefundAmount).toEqual(cny(r.amountFen - r.share.mdiscountFen));
    }
    expect(first.payerRefundAmount).toEqual(cny(9_000 - 900 - 450 - 180));
    const sum = (f: (r: typeof first) => number) => f(first) + f(second);
    expect(sum((r) => r.payerRefundAmount?.fen ?? 0)).toBe(8_300);
    expect(sum((r) => r.settlementRefundAmount?.fen ?? 0)).toBe(9_000);
  });

  it("the bill prints 商家实收 and the voucher columns, and reconciles with the order amounts recorded", async () => {
    await sandbox.advanceClock(at("2026-03-02T09:00:01").getTime() - sandbox.now().getTime());
    const bill = await provider.tradeBill({ billDate: DAY });
    const chunks: Buffer[] = [];
    for await (const c of bill.body) chunks.push(c as Buffer);
    const zip = Buffer.concat(chunks);
    const result = await reconcileDay({
      provider: "alipay",
      merchantId: "ali-coupon",
      date: DAY,
      bill: parseAlipayTradeBill(await openAlipayBillCsv(zip, "trade")),
      ledger: ledgerOf([
        { kind: "payment", outTradeNo: order, amountFen: 10_000, state: TradeState.REFUND },
        {
          kind: "refund",
          outTradeNo: order,
          outRefundNo: `${order}R1`,
          amountFen: 9_000,
          state: RefundState.SUCCESS,
        },
        {
          kind: "refund",
          outTradeNo: order,
          outRefundNo: `${order}R2`,
          amountFen: 1_000,
          state: RefundState.SUCCESS,
        },
      ]),
    });
    expect(result.differences).toEqual([]);
    expect(result.matched).toBe(3);
  });
});
