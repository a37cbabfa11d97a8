// Alipay ISV bills end to end: the real AlipayProvider (alipay-sdk) acting for two merchants that
// authorised one app downloads each merchant's trade bill with that merchant's app_auth_token
// (alipay.data.dataservice.bill.downloadurl.query, https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query;
// 公共请求参数 app_auth_token, https://opendocs.alipay.com/isv/10467/xldcyq). Alipay keeps trades per
// seller, so merchant A's bill lacks B's orders and B's lacks A's, even an out_trade_no both used.
import { AlipayProvider } from "@paybridge/alipay";
import {
  createPayBridgeContainer,
  type PaymentGateway,
  registerProvider,
  registerServiceProvider,
  resolveGateway,
} from "@paybridge/core";
import { type BillRecord, providerTradeBill } from "@paybridge/reconcile";
import { type AlipayIsvSandbox, startAlipayIsvSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN_A = "202512BBa1b2c3d4e5f6a7b8c9d0e1f2cc";
const TOKEN_B = "202512BBf6e5d4c3b2a1f0e9d8c7b6a5dd";
const APP_A = "2021000149610011";
const APP_B = "2021000149610012";
const SELLER_A = "2088100000000011";
const SELLER_B = "2088100000000012";

const unique = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const ORDERS = { a: [`IBA1${unique}`, `IBA2${unique}`], b: [`IBB1${unique}`] };
/** One out_trade_no both merchants use: each bill must hold only its own merchant's trade of it. */
const SHARED = `IBS${unique}`;

const beijingDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

async function rows(bill: AsyncIterable<BillRecord>): Promise<BillRecord[]> {
  const out: BillRecord[] = [];
  for await (const r of bill) out.push(r);
  return out;
}

describe("Alipay ISV: each merchant's bill with its own app_auth_token", () => {
  let isv: AlipayIsvSandbox;
  let gateway: PaymentGateway;
  let day: string;

  beforeAll(async () => {
    isv = await startAlipayIsvSandbox({
      authorizations: [
        { appAuthToken: TOKEN_A, authAppId: APP_A, sellerId: SELLER_A },
        { appAuthToken: TOKEN_B, authAppId: APP_B, sellerId: SELLER_B },
      ],
    });
    const container = createPayBridgeContainer();
    registerProvider(container, AlipayProvider);
    registerServiceProvider(container, {
      id: "ali-isv",
      provider: AlipayProvider.id,
      config: { ...isv.isvConfig(), timeoutMs: 5000 },
      subMerchants: [
        { id: "shop-a", config: { appAuthToken: TOKEN_A, authAppId: APP_A, sellerId: SELLER_A } },
        { id: "shop-b", config: { appAuthToken: TOKEN_B, authAppId: APP_B, sellerId: SELLER_B } },
      ],
    });
    gateway = resolveGateway(container);
    const pay = async (shop: "shop-a" | "shop-b", token: string, outTradeNo: string, fen: number) => {
      await gateway.forMerchant(shop).createPayment({
        outTradeNo,
        description: "isv bill e2e",
        amount: { fen, currency: "CNY" },
        method: "native",
        notifyUrl: "http://127.0.0.1:9/alipay/notify",
      });
      isv.merchant(token).scan(outTradeNo);
      await isv.merchant(token).pay(outTradeNo);
    };
    for (const no of [...ORDERS.a, SHARED]) await pay("shop-a", TOKEN_A, no, 1200);
    for (const no of [...ORDERS.b, SHARED]) await pay("shop-b", TOKEN_B, no, 3400);
    // Both books were paid "today"; their bill exists from 09:00 the next day.
    day = beijingDay(isv.merchant(TOKEN_A).now());
    for (const token of [TOKEN_A, TOKEN_B]) {
      const book = isv.merchant(token);
      const next = Date.parse(`${day}T09:00:01+08:00`) + 86_400_000;
      await book.advanceClock(next - book.now().getTime());
    }
  }, 60_000);
  afterAll(async () => {
    await isv?.close();
  });

  it("A's bill holds A's trades only, B's holds B's only, each with its own amount for the shared number", async () => {
    const a = await rows(await providerTradeBill(gateway.forMerchant("shop-a"), day));
    const b = await rows(await providerTradeBill(gateway.forMerchant("shop-b"), day));
    expect(a.map((r) => r.outTradeNo).sort()).toEqual([...ORDERS.a, SHARED].sort());
    expect(b.map((r) => r.outTradeNo).sort()).toEqual([...ORDERS.b, SHARED].sort());
    for (const no of ORDERS.b) expect(a.map((r) => r.outTradeNo)).not.toContain(no);
    for (const no of ORDERS.a) expect(b.map((r) => r.outTradeNo)).not.toContain(no);
    expect(a.find((r) => r.outTradeNo === SHARED)?.amountFen).toBe(1200);
    expect(b.find((r) => r.outTradeNo === SHARED)?.amountFen).toBe(3400);
  });

  it("each download was asked for with that merchant's app_auth_token, at that merchant's book", async () => {
    const before = { a: isv.merchant(TOKEN_A).calls().length, b: isv.merchant(TOKEN_B).calls().length };
    await (gateway.forMerchant("shop-b") as AlipayProvider).tradeBill({ billDate: day });
    expect(isv.merchant(TOKEN_A).calls().length).toBe(before.a);
    expect(
      isv
        .merchant(TOKEN_B)
        .calls()
        .slice(before.b)
        .map((c) => c.method),
    ).toEqual(["alipay.data.dataservice.bill.downloadurl.query"]);
  });
});
