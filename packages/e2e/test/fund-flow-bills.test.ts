// Fund-flow bills end to end: the sandbox books the day's money movements from its own state, the
// real provider applies for and streams the bill, @paybridge/reconcile checks the hash, the
// summary and the balance chain and yields typed records in fen, checked against the book.
// WeChat 资金账单: https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-fundflow.html
// Alipay 账务明细 (bill_type signcustomer): https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query
import { AlipayProvider } from "@paybridge/alipay";
import { cny, silentLogger, systemClock } from "@paybridge/core";
import {
  type FundFlowRecord,
  openAlipayBillCsv,
  parseAlipayFundBill,
  parseWechatFundFlowBill,
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
const fee = (fen: number) => Math.round((fen * 60) / 10_000);

async function collect(records: AsyncIterable<FundFlowRecord>): Promise<FundFlowRecord[]> {
  const out: FundFlowRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

describe("WeChat Pay fund-flow bill from the sandbox", () => {
  let sandbox: WechatSandbox;
  let provider: WechatPayProvider;
  let clock: OffsetClock;

  beforeAll(async () => {
    clock = new OffsetClock(Date.now, at(`${DAY}T09:00:00`));
    sandbox = await startWechatSandbox({ clock, allowLoopbackHttpNotify: true, rateLimits: false });
    provider = new WechatPayProvider(sandbox.merchantConfig(), {
      merchantId: "wx-fund",
      clock: systemClock,
      logger: silentLogger,
    });
    for (const [no, fen] of [
      [`F1${tag}`, 1_000],
      [`F2${tag}`, 2_345],
    ] as const) {
      await provider.createPayment({
        outTradeNo: no,
        description: "资金账单",
        amount: cny(fen),
        method: "native",
        notifyUrl: `${sandbox.origin}/sandbox/notify-sink`,
      });
      sandbox.control.pay(no, {
        ...(no.startsWith("F2") ? { promotions: [{ type: "NOCASH" as const, amountFen: 345 }] } : {}),
      });
    }
    await provider.refund({
      outTradeNo: `F1${tag}`,
      outRefundNo: `F1R${tag}`,
      amount: cny(400),
      total: cny(1_000),
    });
    sandbox.engine.advance(at("2026-03-02T10:00:01").getTime() - clock.now().getTime());
  });
  afterAll(() => sandbox?.close());

  it("books every payment, fee, refund and fee given back of the day, as the book holds them", async () => {
    for (const gzip of [true, false]) {
      const bill = await provider.fundFlowBill({ billDate: DAY, gzip });
      const rows = await collect(parseWechatFundFlowBill(verifiedBillStream(bill.body, bill)));
      const book = sandbox.engine.listOrders();
      const f2 = book.find((o) => o.outTradeNo === `F2${tag}`);
      const [refund] = sandbox.engine.refundsOf(`F1${tag}`);
      expect(rows.map((r) => [r.businessType, r.direction, r.amountFen, r.merchantNo])).toEqual([
        ["交易", "income", 1_000, `F1${tag}`],
        ["扣除交易手续费", "expense", fee(1_000), `F1${tag}`],
        // A 免充值 coupon is not settled: 23.45 ordered, 20.00 booked.
        ["交易", "income", 2_000, `F2${tag}`],
        ["扣除交易手续费", "expense", fee(2_000), `F2${tag}`],
        ["退款", "expense", 400, `F1R${tag}`],
        ["退还交易手续费", "income", Math.round((fee(1_000) * 400) / 1_000), `F1R${tag}`],
      ]);
      expect(rows[2]?.businessNo).toBe(f2?.transactionId);
      expect(rows[4]?.businessNo).toBe(refund?.refundId);
      const net = 1_000 - fee(1_000) + 2_000 - fee(2_000) - 400 + Math.round((fee(1_000) * 400) / 1_000);
      expect(rows.at(-1)?.balanceFen).toBe(net);
    }
  });

  it("OPERATION and FEES hold nothing in the sandbox: a header and a zero summary", async () => {
    for (const accountType of ["OPERATION", "FEES"] as const) {
      const bill = await provider.fundFlowBill({ billDate: DAY, accountType });
      expect(await collect(parseWechatFundFlowBill(verifiedBillStream(bill.body, bill)))).toEqual([]);
    }
  });

  it("refuses a day not generated yet, and names the field of a bad request before any call", async () => {
    await expect(provider.fundFlowBill({ billDate: "2026-03-02" })).rejects.toThrow(
      /NO_STATEMENT_EXIST|尚未生成/,
    );
    await expect(provider.fundFlowBill({ billDate: DAY, accountType: "SAVINGS" as "BASIC" })).rejects.toThrow(
      /fundFlowBill\.accountType/,
    );
  });
});

describe("Alipay fund bill (signcustomer) from the sandbox", () => {
  let sandbox: AlipaySandbox;
  let provider: AlipayProvider;
  const order = `AF${tag}`;

  beforeAll(async () => {
    sandbox = await startAlipaySandbox({ startTime: at(`${DAY}T09:00:00`) });
    provider = new AlipayProvider(
      { ...sandbox.merchantConfig(), timeoutMs: 5_000 },
      { merchantId: "ali-fund", logger: silentLogger, clock: () => new Date() },
    );
    await provider.createPayment({
      outTradeNo: order,
      description: "账务账单",
      amount: cny(10_000),
      method: "native",
      notifyUrl: "http://127.0.0.1:9/alipay/notify",
    });
    // A 10.00 merchant voucher: the merchant receives 90.00.
    await sandbox.pay(order, { vouchers: [{ amountFen: 1_000 }] });
    await provider.refund({
      outTradeNo: order,
      outRefundNo: `${order}R`,
      amount: cny(5_000),
      total: cny(10_000),
    });
    await sandbox.advanceClock(at("2026-03-02T09:00:01").getTime() - sandbox.now().getTime());
  });
  afterAll(() => sandbox?.close());

  it("books 商家实收, the fee, the refund sent back and the fee returned, as the book holds them", async () => {
    const bill = await provider.fundFlowBill({ billDate: DAY });
    const chunks: Buffer[] = [];
    for await (const c of bill.body) chunks.push(c as Buffer);
    const rows = await collect(
      parseAlipayFundBill(await openAlipayBillCsv(Buffer.concat(chunks), "signcustomer")),
    );
    const trade = sandbox.trade(order);
    const refund = trade?.refunds.get(`${order}R`);
    if (!trade || !refund) throw new Error("not in the book");
    const back = refund.amountFen - refund.share.mdiscountFen;
    expect(back).toBe(4_500);
    const feeBack = Math.round((fee(9_000) * back) / 9_000);
    expect(rows.map((r) => [r.businessType, r.direction, r.amountFen, r.merchantNo])).toEqual([
      ["在线支付", "income", 9_000, order],
      ["收费", "expense", fee(9_000), order],
      ["交易退款", "expense", back, order],
      ["收费退回", "income", feeBack, order],
    ]);
    expect(rows[0]?.businessNo).toBe(trade.tradeNo);
    expect(rows.at(-1)?.balanceFen).toBe(9_000 - fee(9_000) - back + feeBack);
  });

  it("an empty day is the header lines and zero footers", async () => {
    const bill = await provider.fundFlowBill({ billDate: "2026-02-27" });
    const chunks: Buffer[] = [];
    for await (const c of bill.body) chunks.push(c as Buffer);
    const rows = await collect(
      parseAlipayFundBill(await openAlipayBillCsv(Buffer.concat(chunks), "signcustomer")),
    );
    expect(rows).toEqual([]);
  });
});
