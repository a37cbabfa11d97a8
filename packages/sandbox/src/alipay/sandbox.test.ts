import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./__fixtures__/signed-call.js";
import { type AlipaySandbox, startAlipaySandbox } from "./sandbox.js";

describe("alipay sandbox over HTTP", () => {
  let sandbox: AlipaySandbox;
  let certs: AlipaySandbox;
  beforeAll(async () => {
    sandbox = await startAlipaySandbox();
    certs = await startAlipaySandbox({ keyMode: "certificate" });
  });
  afterAll(async () => {
    await sandbox.close();
    await certs.close();
  });

  it("answers signed JSON and refuses a bad request signature with isv.invalid-signature", async () => {
    const ok = await call(sandbox, "alipay.trade.precreate", {
      out_trade_no: "S1",
      total_amount: "1.00",
      subject: "x",
    });
    expect(ok.verified).toBe(true);
    expect(ok.response).toMatchObject({ code: "10000", out_trade_no: "S1" });
    const other = await startAlipaySandbox();
    const bad = await call(sandbox, "alipay.trade.query", { out_trade_no: "S1" }, other.appKeys.privateKey);
    await other.close();
    expect(bad.response).toMatchObject({ code: "40002", sub_code: "isv.invalid-signature" });
    expect(bad.verified).toBe(true);
  });

  it("checks amounts and methods", async () => {
    const three = await call(sandbox, "alipay.trade.precreate", {
      out_trade_no: "S2",
      total_amount: "1.001",
      subject: "x",
    });
    expect(three.response.sub_code).toBe("ACQ.INVALID_PARAMETER");
    const unknown = await call(sandbox, "alipay.trade.nothing", {});
    expect(unknown.response.sub_code).toBe("isv.invalid-method");
  });

  it("certificate mode: SNs are required and checked", async () => {
    const ok = await call(certs, "alipay.trade.precreate", {
      out_trade_no: "C1",
      total_amount: "1.00",
      subject: "x",
    });
    expect(ok.verified).toBe(true);
    expect(ok.response.code).toBe("10000");
    const plain = await call({ ...certs, certificates: undefined } as AlipaySandbox, "alipay.trade.query", {
      out_trade_no: "C1",
    });
    expect(plain.response.sub_code).toBe("isv.missing-app-cert-sn");
  });

  it("control API: pay, faults, clock, state", async () => {
    await call(sandbox, "alipay.trade.precreate", { out_trade_no: "S3", total_amount: "2.00", subject: "x" });
    const paid = await fetch(`${sandbox.origin}/__sandbox/trades/S3/pay`, { method: "POST" });
    expect(await paid.json()).toMatchObject({ trade_status: "TRADE_SUCCESS" });
    await fetch(`${sandbox.origin}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "system_error" }),
    });
    expect((await call(sandbox, "alipay.trade.query", { out_trade_no: "S3" })).response.sub_code).toBe(
      "ACQ.SYSTEM_ERROR",
    );
    const before = sandbox.now().getTime();
    await fetch(`${sandbox.origin}/__sandbox/clock/advance`, {
      method: "POST",
      body: JSON.stringify({ ms: 3_600_000 }),
    });
    expect(sandbox.now().getTime() - before).toBeGreaterThanOrEqual(3_600_000);
    const state = (await (await fetch(`${sandbox.origin}/__sandbox/state`)).json()) as {
      requestCount: number;
      trades: unknown[];
    };
    expect(state.requestCount).toBe(sandbox.requestCount());
    expect(state.trades.length).toBeGreaterThanOrEqual(2);
  });
});
