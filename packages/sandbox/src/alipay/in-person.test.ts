import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../shared/clock.js";
import { call } from "./__fixtures__/signed-call.js";
import { type AlipaySandbox, startAlipaySandbox } from "./sandbox.js";

let sandbox: AlipaySandbox;
let clock: ManualClock;
let n = 0;

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 11, 2, 2, 0, 0));
  sandbox = await startAlipaySandbox({ clock });
});
afterAll(async () => {
  await sandbox.close();
});

function barPay(authCode: string, extra: object = {}) {
  n += 1;
  const outTradeNo = `BAR${n}`;
  return {
    outTradeNo,
    send: () =>
      call(sandbox, "alipay.trade.pay", {
        out_trade_no: outTradeNo,
        scene: "bar_code",
        auth_code: authCode,
        product_code: "FACE_TO_FACE_PAYMENT",
        total_amount: "12.80",
        subject: "门店-收银台",
        ...extra,
      }),
  };
}
const code = (tail: number) => `28${String(7634438256643940 + tail)}`;

describe("alipay.trade.pay (bar_code) and alipay.trade.cancel in the sandbox", () => {
  it("a buyer who pays at once: 10000 with gmt_payment, signed, TRADE_SUCCESS in the book", async () => {
    const sale = barPay(code(1));
    const { response, verified } = await sale.send();
    expect(verified).toBe(true);
    expect(response).toMatchObject({ code: "10000", out_trade_no: sale.outTradeNo, total_amount: "12.80" });
    expect(response.gmt_payment).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(sandbox.trade(sale.outTradeNo)?.status).toBe("TRADE_SUCCESS");
  });

  it("a buyer entering the password: 10003, WAIT_BUYER_PAY until the planned moment, then paid", async () => {
    const authCode = code(2);
    sandbox.planBuyer(authCode, { kind: "pays_after", afterMs: 12_000 });
    const sale = barPay(authCode);
    const first = await sale.send();
    expect(first.verified).toBe(true);
    expect(first.response).toMatchObject({ code: "10003", out_trade_no: sale.outTradeNo });
    clock.advance(11_999);
    const waiting = await call(sandbox, "alipay.trade.query", { out_trade_no: sale.outTradeNo });
    expect(waiting.response.trade_status).toBe("WAIT_BUYER_PAY");
    // A resend of the same order and code is the same payment, still waiting.
    expect((await sale.send()).response.code).toBe("10003");
    clock.advance(1);
    const paid = await call(sandbox, "alipay.trade.query", { out_trade_no: sale.outTradeNo });
    expect(paid.response.trade_status).toBe("TRADE_SUCCESS");
    expect(sandbox.trade(sale.outTradeNo)?.paidAt?.getTime()).toBe(clock.now().getTime());
    expect((await sale.send()).response.sub_code).toBe("ACQ.TRADE_HAS_SUCCESS");
  });

  it("a buyer who never pays: cancel closes the trade (action close), and it can no longer be paid", async () => {
    const authCode = code(3);
    sandbox.planBuyer(authCode, { kind: "never_pays" });
    const sale = barPay(authCode);
    expect((await sale.send()).response.code).toBe("10003");
    const cancelled = await call(sandbox, "alipay.trade.cancel", { out_trade_no: sale.outTradeNo });
    expect(cancelled.verified).toBe(true);
    expect(cancelled.response).toMatchObject({ code: "10000", action: "close", retry_flag: "N" });
    expect(sandbox.trade(sale.outTradeNo)).toMatchObject({ status: "TRADE_CLOSED", paidAt: undefined });
    await expect(sandbox.pay(sale.outTradeNo)).rejects.toThrow(/TRADE_STATUS_ERROR/);
  });

  it("cancel of an out_trade_no Alipay never created: 10000, retry_flag N, no action, nothing created", async () => {
    const cancelled = await call(sandbox, "alipay.trade.cancel", { out_trade_no: "NEVERCREATED1" });
    expect(cancelled.verified).toBe(true);
    expect(cancelled.response).toMatchObject({
      code: "10000",
      out_trade_no: "NEVERCREATED1",
      retry_flag: "N",
    });
    expect(cancelled.response).not.toHaveProperty("action");
    expect(cancelled.response).not.toHaveProperty("trade_no");
    expect(sandbox.trade("NEVERCREATED1")).toBeUndefined();
    const query = await call(sandbox, "alipay.trade.query", { out_trade_no: "NEVERCREATED1" });
    expect(query.response).toMatchObject({ code: "40004", sub_code: "ACQ.TRADE_NOT_EXIST" });
    // A trade_no Alipay never issued is a wrong number: still ACQ.TRADE_NOT_EXIST.
    const byTradeNo = await call(sandbox, "alipay.trade.cancel", {
      trade_no: "2026120222001499999999999999",
    });
    expect(byTradeNo.response).toMatchObject({ code: "40004", sub_code: "ACQ.TRADE_NOT_EXIST" });
  });

  it("cancel of a paid trade refunds it in full (action refund); a repeated cancel moves nothing", async () => {
    const sale = barPay(code(4));
    await sale.send();
    const cancelled = await call(sandbox, "alipay.trade.cancel", { out_trade_no: sale.outTradeNo });
    expect(cancelled.response).toMatchObject({ code: "10000", action: "refund" });
    const trade = sandbox.trade(sale.outTradeNo);
    expect(trade).toMatchObject({ status: "TRADE_CLOSED", refundedFen: 1280 });
    const again = await call(sandbox, "alipay.trade.cancel", { out_trade_no: sale.outTradeNo });
    expect(again.response.code).not.toBe("10000");
    expect(sandbox.trade(sale.outTradeNo)?.refundedFen).toBe(1280);
  });

  it("a buyer who gives up after the password: the trade stays WAIT_BUYER_PAY (Alipay has no failed state)", async () => {
    const authCode = code(5);
    sandbox.planBuyer(authCode, { kind: "fails_after", afterMs: 5_000 });
    const sale = barPay(authCode);
    expect((await sale.send()).response.code).toBe("10003");
    clock.advance(5_000);
    expect(sandbox.trade(sale.outTradeNo)).toMatchObject({ status: "WAIT_BUYER_PAY", failedAttempts: 1 });
  });

  it("a refused buyer: 40004 with the sub_code, signed, and no trade at all", async () => {
    const authCode = code(6);
    sandbox.planBuyer(authCode, { kind: "refused", subCode: "ACQ.BUYER_BALANCE_NOT_ENOUGH" });
    const sale = barPay(authCode);
    const { response, verified } = await sale.send();
    expect(verified).toBe(true);
    expect(response).toMatchObject({ code: "40004", sub_code: "ACQ.BUYER_BALANCE_NOT_ENOUGH" });
    expect(sandbox.trade(sale.outTradeNo)).toBeUndefined();
  });

  it("an unpaid trade past time_expire closes by itself before a later planned payment", async () => {
    const authCode = code(7);
    sandbox.planBuyer(authCode, { kind: "pays_after", afterMs: 120_000 });
    const expire = new Date(clock.now().getTime() + 8 * 3_600_000 + 60_000);
    const stamp = expire.toISOString().slice(0, 19).replace("T", " ");
    const sale = barPay(authCode, { time_expire: stamp });
    expect((await sale.send()).response.code).toBe("10003");
    clock.advance(120_000);
    expect(sandbox.trade(sale.outTradeNo)).toMatchObject({ status: "TRADE_CLOSED", paidAt: undefined });
  });

  it("refuses a code that is not an Alipay 付款码, another code under the same number, and a wrong scene", async () => {
    expect((await barPay("134567890123456789").send()).response.sub_code).toBe(
      "ACQ.PAYMENT_AUTH_CODE_INVALID",
    );
    const sale = barPay(code(8));
    await sale.send();
    const other = await call(sandbox, "alipay.trade.pay", {
      out_trade_no: sale.outTradeNo,
      scene: "bar_code",
      auth_code: code(9),
      total_amount: "12.80",
      subject: "门店-收银台",
    });
    expect(other.response.sub_code).toBe("ACQ.CONTEXT_INCONSISTENT");
    expect((await barPay(code(10), { scene: "qr" }).send()).response.sub_code).toBe("ACQ.INVALID_PARAMETER");
    expect(() => sandbox.planBuyer("123", { kind: "never_pays" })).toThrow(/not an Alipay 付款码/);
  });

  it("the control API plans a buyer over HTTP, checking the plan", async () => {
    const authCode = code(11);
    const ok = await fetch(`${sandbox.origin}/__sandbox/buyers/${authCode}/plan`, {
      method: "POST",
      body: JSON.stringify({ kind: "pays_after", afterMs: 3000 }),
    });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${sandbox.origin}/__sandbox/buyers/${authCode}/plan`, {
      method: "POST",
      body: JSON.stringify({ kind: "pays_after" }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/afterMs must be/);
    const sale = barPay(authCode);
    expect((await sale.send()).response.code).toBe("10003");
  });
});
