// WeChat Pay service-provider (服务商) bills end to end: the real WechatPayPartnerProvider (signing
// with wechatpay-node-v3) against the sandbox's partner bill endpoints, two sub-merchants of one
// service provider.
// - 申请所有/单个子商户交易账单 (GET /v3/bill/tradebill, sub_mchid 选填,
//   https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/get-trade-bill.html): with
//   sub_mchid only that sub-merchant's rows, without it every sub-merchant's;
// - 申请单个子商户资金账单 (GET /v3/bill/sub-merchant-fundflowbill,
//   https://pay.weixin.qq.com/docs/partner/apis/partner-mini-program-payment/get-sub-mch-fund-flow-bill.html):
//   the file AEAD_AES_256_GCM encrypted under encrypt_key (RSA-OAEP to the service provider's key),
//   decrypted, gunzipped and SHA1-checked, parsed to the fund-flow rows a direct merchant's bill gives.
import { cny } from "@paybridge/core";
import {
  type FundFlowRecord,
  type LedgerEntry,
  parseWechatFundFlowBill,
  parseWechatTradeBill,
  providerTradeBill,
  reconcileDay,
  verifiedBillParts,
  verifiedBillStream,
} from "@paybridge/reconcile";
import { OffsetClock, startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { WechatPayPartnerProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wechatServiceProviderGateway } from "./support/wechat.js";

const SP = "1900400001";
const SUB_A = "1900400011";
const SUB_B = "1900400012";
const DAY = "2026-03-01";
const at = (beijing: string) => new Date(`${beijing}+08:00`);
const unique = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const ORDERS = { a: [`SBA1${unique}`, `SBA2${unique}`], b: [`SBB1${unique}`] };
/** One out_trade_no both sub-merchants use: the sandbox keeps their orders apart, so must the bills. */
const SHARED = `SBS${unique}`;

async function drain<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

describe("WeChat service-provider bills against the sandbox", () => {
  let sandbox: WechatSandbox;
  let a: WechatPayPartnerProvider;
  let b: WechatPayPartnerProvider;
  const recordedA: LedgerEntry[] = [];

  beforeAll(async () => {
    const clock = new OffsetClock(Date.now, at(`${DAY}T09:00:00`));
    sandbox = await startWechatSandbox({
      clock,
      allowLoopbackHttpNotify: true,
      rateLimits: false,
      notify: { deliver: false },
      serviceProviders: [
        { mchid: SP, keyMode: "public_key", subMerchants: [{ mchid: SUB_A }, { mchid: SUB_B }] },
      ],
    });
    const gateway = wechatServiceProviderGateway(sandbox, SP, [
      { id: "shop-a", config: { subMchid: SUB_A } },
      { id: "shop-b", config: { subMchid: SUB_B } },
    ]);
    a = gateway.forMerchant("shop-a") as WechatPayPartnerProvider;
    b = gateway.forMerchant("shop-b") as WechatPayPartnerProvider;
    const pay = async (p: WechatPayPartnerProvider, mchid: string, outTradeNo: string, fen: number) => {
      await p.createPayment({
        outTradeNo,
        description: "服务商账单",
        amount: cny(fen),
        method: "native",
        notifyUrl: `${sandbox.origin}/sandbox/notify-sink`,
      });
      sandbox.control.pay(outTradeNo, { mchid });
    };
    for (const no of [...ORDERS.a, SHARED]) {
      await pay(a, SUB_A, no, 1200);
      recordedA.push({ kind: "payment", outTradeNo: no, amountFen: 1200, state: 3 });
    }
    for (const no of [...ORDERS.b, SHARED]) await pay(b, SUB_B, no, 3400);
    const first = ORDERS.a[0] as string;
    await a.refund({ outTradeNo: first, outRefundNo: `R${first}`, amount: cny(200), total: cny(1200) });
    recordedA.push({ kind: "refund", outTradeNo: first, outRefundNo: `R${first}`, amountFen: 200, state: 4 });
    sandbox.engine.advance(at("2026-03-02T10:00:01").getTime() - clock.now().getTime());
  }, 60_000);
  afterAll(() => sandbox?.close());

  it("a sub-merchant's trade bill (sub_mchid) holds its own rows only, for both sub-merchants", async () => {
    for (const gzip of [true, false]) {
      const billA = await a.tradeBill({ billDate: DAY, gzip });
      const rowsA = await drain(parseWechatTradeBill(verifiedBillStream(billA.body, billA)));
      expect(
        rowsA
          .filter((r) => r.kind === "payment")
          .map((r) => r.outTradeNo)
          .sort(),
      ).toEqual([...ORDERS.a, SHARED].sort());
      expect(rowsA.find((r) => r.outTradeNo === SHARED)?.amountFen).toBe(1200);
      const billB = await b.tradeBill({ billDate: DAY, gzip });
      const rowsB = await drain(parseWechatTradeBill(verifiedBillStream(billB.body, billB)));
      expect(rowsB.map((r) => r.outTradeNo).sort()).toEqual([...ORDERS.b, SHARED].sort());
      expect(rowsB.find((r) => r.outTradeNo === SHARED)?.amountFen).toBe(3400);
    }
  });

  it("without sub_mchid the service provider gets every sub-merchant's rows", async () => {
    const bill = await a.serviceProvider.tradeBill({ billDate: DAY });
    const rows = await drain(parseWechatTradeBill(verifiedBillStream(bill.body, bill)));
    const payments = rows.filter((r) => r.kind === "payment").map((r) => r.outTradeNo);
    expect(payments.sort()).toEqual([...ORDERS.a, ...ORDERS.b, SHARED, SHARED].sort());
    expect(rows.filter((r) => r.kind === "refund")).toHaveLength(1);
  });

  it("reconciles a sub-merchant's downloaded bill against its own ledger with nothing left over", async () => {
    const result = await reconcileDay({
      provider: "wechatpay",
      merchantId: "shop-a",
      date: DAY,
      bill: await providerTradeBill(a, DAY),
      ledger: {
        async *entries() {
          yield* recordedA;
        },
      },
    });
    expect(result.differences).toEqual([]);
    expect(result.matched).toBe(recordedA.length);
  });

  it("the sub-merchant fund-flow bill arrives encrypted, decrypts, checks and parses to its own movements", async () => {
    for (const gzip of [true, false]) {
      const parts = await a.subMerchantFundFlowBill({ billDate: DAY, accountType: "BASIC", gzip });
      expect(parts.map((p) => p.billSequence)).toEqual([1]);
      const rows: FundFlowRecord[] = await drain(parseWechatFundFlowBill(verifiedBillParts(parts)));
      // Each payment books its settlement (收入) and fee (支出); the refund its money (支出) and fee back (收入).
      const vouchers = new Set(rows.map((r) => r.merchantNo));
      expect([...vouchers].sort()).toEqual([...ORDERS.a, SHARED, `R${ORDERS.a[0]}`].sort());
      const income = rows.filter((r) => r.direction === "income" && r.businessName === "交易");
      expect(income.map((r) => r.amountFen)).toEqual([1200, 1200, 1200]);
    }
    const partsB = await b.subMerchantFundFlowBill({ billDate: DAY });
    const rowsB = await drain(parseWechatFundFlowBill(verifiedBillParts(partsB)));
    expect(new Set(rowsB.map((r) => r.merchantNo))).toEqual(new Set([...ORDERS.b, SHARED]));
  });

  it("a part changed after decryption is refused by its hash_value when it ends", async () => {
    const [part] = await a.subMerchantFundFlowBill({ billDate: DAY, gzip: false });
    if (!part) throw new Error("no part");
    // One more (blank) line: the parser skips it, so only the hash can tell the file was changed.
    const appended = new (await import("node:stream")).Transform({
      transform(chunk: Buffer, _e, done) {
        done(null, chunk);
      },
      flush(done) {
        done(null, Buffer.from("\r\n"));
      },
    });
    await expect(
      drain(parseWechatFundFlowBill(verifiedBillParts([{ ...part, body: part.body.pipe(appended) }]))),
    ).rejects.toThrow(/SHA1 of the downloaded bill/);
  });

  it("names the field of a bad request before any call", async () => {
    await expect(a.subMerchantFundFlowBill({ billDate: "2026-3-1" })).rejects.toThrow(
      /subMerchantFundFlowBill\.billDate/,
    );
    await expect(a.subMerchantFundFlowBill({ billDate: DAY, accountType: "ALL" as never })).rejects.toThrow(
      /subMerchantFundFlowBill\.accountType/,
    );
  });
});
