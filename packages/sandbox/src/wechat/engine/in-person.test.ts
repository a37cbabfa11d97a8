import { describe, expect, it } from "vitest";
import { ManualClock } from "../../shared/clock.js";
import { WechatMerchantEngine } from "./engine.js";
import { WechatEngineError } from "./errors.js";
import { AUTO_REVOKE_MS } from "./in-person.js";

const MCH = "1900000001";
const APPID = "wx0000000000000001";

function setup() {
  const clock = new ManualClock();
  const engine = new WechatMerchantEngine({ clock });
  engine.addMerchant({ mchid: MCH, appids: [APPID] });
  let n = 0;
  const scan = (authCode: string, totalFen = 800) => {
    n += 1;
    return engine.codePay(MCH, {
      appid: APPID,
      outTradeNo: `POS${n.toString().padStart(6, "0")}`,
      description: "counter",
      totalFen,
      authCode,
    });
  };
  return { clock, engine, scan };
}

const code = (tail: number) => `1345678901234${tail.toString().padStart(5, "0")}`;

function caught(fn: () => unknown): WechatEngineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WechatEngineError) return e;
    throw e;
  }
  throw new Error("expected a WechatEngineError");
}

describe("wechat in-person payments (codepay / reverse)", () => {
  it("pays at once by default, as MICROPAY", () => {
    const { scan } = setup();
    const order = scan(code(1));
    expect(order.tradeState).toBe("SUCCESS");
    expect(order.tradeType).toBe("MICROPAY");
    expect(order.transactionId).toBeTruthy();
  });

  it("keeps a buyer entering a password USERPAYING until the plan decides", () => {
    const { engine, clock, scan } = setup();
    engine.planBuyer(code(2), { kind: "pays_after", afterMs: 12_000 });
    const order = scan(code(2));
    expect(order.tradeState).toBe("USERPAYING");
    clock.advance(11_000);
    expect(engine.getOrder(MCH, { outTradeNo: order.outTradeNo }).tradeState).toBe("USERPAYING");
    clock.advance(1_000);
    expect(engine.getOrder(MCH, { outTradeNo: order.outTradeNo }).tradeState).toBe("SUCCESS");
  });

  it("fails a buyer planned to fail (PAYERROR) and refuses a refused one without an order", () => {
    const { engine, clock, scan } = setup();
    engine.planBuyer(code(3), { kind: "fails_after", afterMs: 5_000 });
    const order = scan(code(3));
    clock.advance(5_000);
    expect(engine.getOrder(MCH, { outTradeNo: order.outTradeNo }).tradeState).toBe("PAYERROR");
    engine.planBuyer(code(4), { kind: "refused", code: "NOT_ENOUGH" });
    const e = caught(() => scan(code(4)));
    expect(e.code).toBe("NOT_ENOUGH");
    expect(engine.listOrders().filter((o) => o.inPerson?.authCode === code(4))).toHaveLength(0);
  });

  it("revokes an order still unpaid 45 s after creation by itself", () => {
    const { engine, clock, scan } = setup();
    engine.planBuyer(code(5), { kind: "never_pays" });
    const order = scan(code(5));
    clock.advance(AUTO_REVOKE_MS);
    expect(engine.getOrder(MCH, { outTradeNo: order.outTradeNo }).tradeState).toBe("REVOKED");
  });

  it("reverse closes an unpaid order, refunds a paid one in full, and repeats change nothing", () => {
    const { engine, scan } = setup();
    engine.planBuyer(code(6), { kind: "never_pays" });
    const unpaid = scan(code(6));
    expect(engine.reverse(MCH, unpaid.outTradeNo).tradeState).toBe("REVOKED");
    expect(engine.peekOrder(unpaid.outTradeNo)?.inPerson?.refundedByReversalAt).toBeUndefined();
    const paid = scan(code(7));
    const reversed = engine.reverse(MCH, paid.outTradeNo);
    expect(reversed.tradeState).toBe("REVOKED");
    expect(reversed.inPerson?.refundedByReversalAt).toBeInstanceOf(Date);
    expect(engine.reverse(MCH, paid.outTradeNo).tradeState).toBe("REVOKED");
    // A reversed order can be neither paid nor refunded afterwards.
    expect(caught(() => engine.pay(unpaid.outTradeNo)).code).toBe("INVALID_REQUEST");
    expect(
      caught(() =>
        engine.refund(MCH, { outTradeNo: paid.outTradeNo, outRefundNo: "R1", refundFen: 1, totalFen: 800 }),
      ).code,
    ).toBe("RESOURCE_NOT_EXISTS");
  });

  it("refuses to reverse a refunded order (the money would go back twice) or another channel's", () => {
    const { engine, clock, scan } = setup();
    const paid = scan(code(8));
    engine.refund(MCH, { outTradeNo: paid.outTradeNo, outRefundNo: "R8", refundFen: 100, totalFen: 800 });
    expect(caught(() => engine.reverse(MCH, paid.outTradeNo)).message).toMatch(/退款/);
    const native = engine.createOrder(MCH, {
      appid: APPID,
      outTradeNo: "NATIVE0001",
      description: "qr",
      totalFen: 100,
      notifyUrl: "https://shop.example.com/n",
      channel: "native",
    });
    expect(caught(() => engine.reverse(MCH, native.outTradeNo)).code).toBe("INVALID_REQUEST");
    clock.advance(1);
  });

  it("answers the same number and code with the same order, and refuses another code", () => {
    const { engine, scan } = setup();
    const first = scan(code(9));
    const again = engine.codePay(MCH, {
      appid: APPID,
      outTradeNo: first.outTradeNo,
      description: "counter",
      totalFen: 800,
      authCode: code(9),
    });
    expect(again.transactionId).toBe(first.transactionId);
    const other = caught(() =>
      engine.codePay(MCH, {
        appid: APPID,
        outTradeNo: first.outTradeNo,
        description: "counter",
        totalFen: 800,
        authCode: code(10),
      }),
    );
    expect(other.code).toBe("OUT_TRADE_NO_USED");
    expect(caught(() => scan("2834567890123456")).code).toBe("PARAM_ERROR");
  });
});
