import type { AddressInfo } from "node:net";
import {
  buildApp,
  type DemoLedger,
  formatReport,
  runScenario,
  startWorld,
  type World,
} from "@paybridge/checkout-demo";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The README's demo command runs this scenario (on the memory ledger, its default; --ledger=pglite
// books on PostgresRefundLedger over PGlite); here its outcome is asserted state by state, on both.
describe.each<DemoLedger>(["memory", "pglite"])("checkout demo scenario on the %s ledger", (ledger) => {
  let world: World;
  let app: FastifyInstance;
  let rows: Awaited<ReturnType<typeof runScenario>>;
  const steps: string[] = [];

  beforeAll(async () => {
    // Reserve a port first: the simulators must know the shop's notify origin before it listens.
    const probe = (await import("node:net")).createServer();
    const port = await new Promise<number>((r) =>
      probe.listen(0, "127.0.0.1", () => r((probe.address() as AddressInfo).port)),
    );
    await new Promise((r) => probe.close(r));
    const origin = `http://127.0.0.1:${port}`;
    world = await startWorld({ notifyOrigin: origin, ledger });
    app = await buildApp(world);
    await app.listen({ host: "127.0.0.1", port });
    rows = await runScenario(world, origin, { step: (s) => steps.push(s) });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  it("pays two orders per provider and ends every one in trade state 4 with the providers' raw status", () => {
    expect(rows.map((r) => r.merchantId)).toEqual(["wx-main", "wx-main", "ali-main", "ali-main"]);
    expect(rows.map((r) => r.trade.state)).toEqual([4, 4, 4, 4]);
    // WeChat says REFUND; Alipay keeps TRADE_SUCCESS after a partial refund and closes a fully refunded trade.
    expect(rows.map((r) => r.trade.rawStatus)).toEqual(["REFUND", "REFUND", "TRADE_CLOSED", "TRADE_SUCCESS"]);
  });

  it("retries the refund that met SYSTEM_ERROR with the same number, once, and rejects the over-refund", () => {
    const [w1] = rows;
    expect(w1?.refunds.map((r) => [r.amountYuan, r.refund.state, r.attempts])).toEqual([
      ["30.00", 4, 1],
      ["20.00", 4, 2],
    ]);
    expect(steps.find((s) => s.includes("over-refund"))).toMatch(/REFUND_RULE: .*over the 10000 fen paid/);
  });

  it("shows the abnormal refund as 5 and lists more than ten refunds of one order through paging", () => {
    const w2 = rows[1];
    expect(w2?.refunds).toHaveLength(13);
    expect(w2?.refunds[0]?.refund).toMatchObject({ state: 5, rawStatus: "ABNORMAL" });
    expect(w2?.refunds.slice(1).every((r) => r.refund.state === 4)).toBe(true);
    expect(steps).toContainEqual(expect.stringMatching(/13 refunds listed through CloudPay/));
  });

  it("prints a table naming each unified state", () => {
    const table = formatReport(rows);
    expect(table).toContain("4 REFUND 转入退款");
    expect(table).toContain("5 ABNORMAL 退款异常");
    expect(table).toContain("(2 attempts)");
  });
});
