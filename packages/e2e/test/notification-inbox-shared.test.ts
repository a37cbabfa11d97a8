import {
  cny,
  type ExpectedOrder,
  type IntakeOutcome,
  MemoryNotificationInbox,
  type NotificationInbox,
  NotificationIntake,
  RefundService,
  RefundState,
  TradeState,
} from "@paybridge/core";
import {
  connectPostgres,
  createScratchSchema,
  DEFAULT_SCHEMA,
  migrate,
  openPglite,
  PostgresNotificationInbox,
  PostgresRefundLedger,
  type SqlClient,
} from "@paybridge/postgres";
import type { SentNotification, WechatSandbox } from "@paybridge/sandbox";
import { startWechatSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paidWechatOrder, WECHAT_MERCHANT_ID, wechatConfig, wechatGateway } from "./support/wechat.js";

// Two backend instances behind one load balancer: WeChat's retry of a notification (or a replay)
// can reach the instance that did not apply it. With the inbox in the shared database, that
// instance answers it as a duplicate, with the success answer WeChat needs to stop retrying.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl)
  console.log(
    "DATABASE_URL is not set: 'two intake instances share one notification inbox' runs on embedded PGlite (one process, two instances on one connection)",
  );

interface Instance {
  readonly intake: NotificationIntake;
  readonly ledger: PostgresRefundLedger;
  /** Notifications this instance applied (its onEvent calls). */
  readonly applied: string[];
}

describe("two NotificationIntake instances share one PostgresNotificationInbox", () => {
  let sandbox: WechatSandbox;
  const clients: SqlClient[] = [];
  let schema = DEFAULT_SCHEMA;
  let dropSchema = async () => {};
  const book = new Map<string, ExpectedOrder>();

  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      allowLoopbackHttpNotify: true,
      merchants: [{ keyMode: "public_key" }],
      refundIntervalMs: 0,
      refundDelayMs: 3_600_000,
    });
    if (databaseUrl) {
      // Two pools: each instance has its own connections to the server.
      clients.push(connectPostgres(databaseUrl, { max: 2 }), connectPostgres(databaseUrl, { max: 2 }));
      const scratch = await createScratchSchema(clients[0] as SqlClient, "pb_e2e_inbox");
      schema = scratch.schema;
      dropSchema = scratch.drop;
    } else {
      const db = await openPglite();
      await migrate(db);
      clients.push(db, db);
    }
  });
  afterAll(async () => {
    await dropSchema();
    for (const c of new Set(clients)) await c.close();
    await sandbox?.close();
  });

  function instance(
    db: SqlClient,
    inbox: NotificationInbox = new PostgresNotificationInbox(db, { schema }),
  ): Instance {
    const ledger = new PostgresRefundLedger(db, { schema });
    const applied: string[] = [];
    const intake = new NotificationIntake({
      gateway: wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin)),
      ledger,
      inbox,
      orders: async (no) => book.get(no),
      onEvent: (e) => {
        applied.push(`${e.eventType}:${e.kind === "trade" ? e.trade.outTradeNo : e.refund.outRefundNo}`);
      },
    });
    return { intake, ledger, applied };
  }

  const deliver = (to: Instance, sent: SentNotification): Promise<IntakeOutcome> =>
    to.intake.handle(WECHAT_MERCHANT_ID, { headers: sent.headers, body: sent.body });

  it("a notification applied by one instance is a duplicate, answered with success, at the other", async () => {
    const [dbA, dbB] = clients as [SqlClient, SqlClient];
    const a = instance(dbA);
    const b = instance(dbB);
    const outTradeNo = `INBOX${Date.now().toString(36)}${process.pid}`;
    book.set(outTradeNo, {
      outTradeNo,
      provider: "wechatpay",
      merchantId: WECHAT_MERCHANT_ID,
      amount: cny(1200),
    });
    paidWechatOrder(sandbox, outTradeNo, 1200);
    const paid = await sandbox.control.nextNotification(outTradeNo, "trade", 5000);

    // Instance A applies the paid notification.
    const first = await deliver(a, paid);
    expect(first.outcome).toBe("applied");
    expect(first.ack.status).toBeLessThan(300);
    expect(await b.ledger.getOrder(outTradeNo)).toMatchObject({ tradeState: TradeState.PAID, paidFen: 1200 });

    // WeChat's retry reaches instance B: a duplicate, acknowledged so WeChat stops, not applied again.
    const replay = await deliver(b, paid);
    expect(replay.outcome).toBe("duplicate");
    expect(replay.ack).toEqual(first.ack);
    expect(a.applied).toEqual([`TRANSACTION.SUCCESS:${outTradeNo}`]);
    expect(b.applied).toEqual([]);

    // The control: an instance with only its own memory inbox would apply the replay again.
    const isolated = instance(dbB, new MemoryNotificationInbox());
    expect((await deliver(isolated, paid)).outcome).toBe("applied");

    // The other way round, with a refund: B applies REFUND.SUCCESS, A's copy of it is the duplicate.
    const refunds = new RefundService({
      gateway: wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin)),
      ledger: a.ledger,
    });
    const refund = await refunds.refund({ outTradeNo, outRefundNo: `${outTradeNo}R1`, amount: cny(500) });
    expect(refund.state).toBe(RefundState.SUBMITTED);
    sandbox.control.advance(2 * 3_600_000);
    const settled = await sandbox.control.nextNotification(outTradeNo, "refund", 5000);
    const refundFirst = await deliver(b, settled);
    expect(refundFirst.outcome).toBe("applied");
    expect((await a.ledger.getRefund(refund.outRefundNo))?.state).toBe(RefundState.SUCCESS);
    const refundReplay = await deliver(a, settled);
    expect(refundReplay.outcome).toBe("duplicate");
    expect(refundReplay.ack.status).toBeLessThan(300);
    expect(b.applied).toEqual([`REFUND.SUCCESS:${refund.outRefundNo}`]);
    expect(a.applied).toEqual([`TRANSACTION.SUCCESS:${outTradeNo}`]);
  });
});
