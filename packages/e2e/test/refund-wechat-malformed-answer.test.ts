// Money rule of issue 21 item 1: WeChat Pay APIv3 answers a refund with a signed answer PayBridge
// cannot read (a field it relies on removed, or of the wrong type). WeChat recorded the refund:
// the answer must leave the refund open with its outcome unknown (UnexpectedAnswerError is an
// OutcomeUnknownError), its amount held, never closed and never submitted again under a new
// number; once answers are sane the refund query books it (state 4), and the simulator's book
// shows the buyer paid exactly once.
import {
  MemoryRefundLedger,
  OutcomeUnknownError,
  type PaymentGateway,
  RefundService,
  RefundState,
  UnexpectedAnswerError,
} from "@paybridge/core";
import { ManualClock, startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  paidWechatOrder,
  WECHAT_MERCHANT_ID,
  wechatConfig,
  wechatGateway,
  wechatServiceProviderGateway,
} from "./support/wechat.js";

type Rewrite = { readonly remove?: readonly string[]; readonly set?: Readonly<Record<string, unknown>> };

/** Where the refund is made: a direct merchant or a 服务商's sub-merchant, with a way to get a paid order. */
interface Scene {
  readonly sandbox: WechatSandbox;
  readonly gateway: PaymentGateway;
  readonly merchantId: string;
  /** The mchid whose book holds the order (the sub-merchant's for a partner order). */
  readonly mchid: string;
  paidOrder(fen: number): Promise<string>;
}

const REWRITES = [
  ["amount.refund removed", { remove: ["amount.refund"] }, "amount.refund"],
  ["amount.refund a string", { set: { "amount.refund": "600" } }, "amount.refund"],
  ["refund_id of the wrong type", { set: { refund_id: 50300000 } }, "refund_id"],
  ["status removed", { remove: ["status"] }, "status"],
] as const;

async function malformedThenRecovered(s: Scene, rewrite: Rewrite, field: string): Promise<void> {
  const { sandbox, gateway } = s;
  const clock = () => sandbox.engine.now();
  const sleep = async (ms: number) => sandbox.control.advance(Math.max(0, Math.ceil(ms)));
  const ledger = new MemoryRefundLedger();
  const make = (maxAttempts?: number) =>
    new RefundService({
      gateway,
      ledger,
      clock,
      sleep,
      random: () => 0.5,
      ...(maxAttempts ? { retry: { maxAttempts } } : {}),
    });
  // One attempt: the call itself ends on the malformed answer (retries would resubmit the same
  // number and read the next, sane answer; that path is the recovery below).
  const service = make(1);
  const outTradeNo = await s.paidOrder(1000);
  await service.recordOrder({
    outTradeNo,
    merchantId: s.merchantId,
    total: { fen: 1000, currency: "CNY" },
    paidAt: clock(),
  });

  // The refund answer goes out signed (it verifies) but without the shape the page gives it.
  sandbox.control.rewriteAnswer({ operation: "refund", ...rewrite });
  const first = {
    outTradeNo,
    outRefundNo: `${outTradeNo}R1`,
    amount: { fen: 600, currency: "CNY" as const },
  };
  const error = await service.refund(first).then(
    () => undefined,
    (e: unknown) => e,
  );
  // The answer's own error reaches the caller: an OutcomeUnknownError (retryable, query before
  // deciding) naming the field, not a final refusal.
  expect(error).toBeInstanceOf(UnexpectedAnswerError);
  expect(error).toBeInstanceOf(OutcomeUnknownError);
  expect(error).toMatchObject({
    field,
    provider: "wechatpay",
    method: "POST /v3/refund/domestic/refunds",
    retryable: true,
  });
  // WeChat holds the refund; PayBridge keeps it open, outcome unknown, and its 600 fen held.
  expect(sandbox.engine.refundsOf(outTradeNo, s.mchid).map((r) => [r.outRefundNo, r.refundFen])).toEqual([
    [first.outRefundNo, 600],
  ]);
  expect(await service.getRefund(first.outRefundNo)).toMatchObject({
    state: RefundState.NOT_SUBMITTED,
    outcomeUnknown: true,
  });
  await expect(service.refund({ ...first, outRefundNo: `${outTradeNo}R2` })).rejects.toMatchObject({
    rule: "sum",
  });

  // While the query's answer is malformed too, recovery learns nothing and the refund stays open.
  await sleep(10 * 60_000);
  sandbox.control.rewriteAnswer({ operation: "query_refund", ...rewrite });
  const blind = await make(1).resumePending({ force: true });
  expect(blind.failed).toHaveLength(1);
  expect(blind.failed[0]?.error).toBeInstanceOf(UnexpectedAnswerError);
  expect(blind.failed[0]?.error).toMatchObject({
    field,
    method: "GET /v3/refund/domestic/refunds/{out_refund_no}",
  });
  expect(await service.getRefund(first.outRefundNo)).toMatchObject({ outcomeUnknown: true });
  expect((await service.getRefund(first.outRefundNo))?.state).not.toBe(RefundState.CLOSED);

  // Answers are sane again: the query books WeChat's SUCCESS.
  expect((await make().resumePending({ force: true })).failed).toEqual([]);
  const booked = await service.getRefund(first.outRefundNo);
  expect(booked).toMatchObject({ state: RefundState.SUCCESS, outcomeUnknown: false });

  // The simulator's book: one refund, SUCCESS, 600 fen; the buyer was paid exactly once.
  const book = sandbox.engine.refundsOf(outTradeNo, s.mchid);
  expect(book.map((r) => [r.outRefundNo, r.status, r.refundFen])).toEqual([
    [first.outRefundNo, "SUCCESS", 600],
  ]);
  expect(book.reduce((sum, r) => sum + r.refundFen, 0)).toBe(600);
}

let sequence = 0;
const fresh = () => {
  sequence += 1;
  return `PMAL${Date.now().toString(36)}${process.pid.toString(36)}${sequence}`.slice(0, 32);
};

describe("a malformed refund answer leaves the WeChat refund open, then it recovers by query", () => {
  let sandbox: WechatSandbox;
  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      clock: new ManualClock(Date.now()),
      merchants: [{ keyMode: "public_key" }],
      rateLimits: false,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it.each(REWRITES)(
    "%s: open and unknown, then 4 by query, 600 fen paid once",
    async (_name, rewrite, field) => {
      await malformedThenRecovered(
        {
          sandbox,
          gateway: wechatGateway(wechatConfig(sandbox.merchant(), sandbox.origin)),
          merchantId: WECHAT_MERCHANT_ID,
          mchid: sandbox.merchant().mchid,
          paidOrder: async (fen) => {
            const outTradeNo = fresh();
            paidWechatOrder(sandbox, outTradeNo, fen);
            return outTradeNo;
          },
        },
        rewrite,
        field,
      );
    },
  );
});

describe("the same for a 服务商's sub-merchant (partner refund, same answer schema)", () => {
  const SP = "1900400001";
  const SUB = "1900400011";
  let sandbox: WechatSandbox;
  let gateway: PaymentGateway;
  beforeAll(async () => {
    sandbox = await startWechatSandbox({
      allowLoopbackHttpNotify: true,
      clock: new ManualClock(Date.now()),
      rateLimits: false,
      notify: { deliver: false },
      serviceProviders: [
        { mchid: SP, appid: "wxsp0000000000004", keyMode: "public_key", subMerchants: [{ mchid: SUB }] },
      ],
    });
    gateway = wechatServiceProviderGateway(sandbox, SP, [{ id: "shop-a", config: { subMchid: SUB } }]);
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it.each(REWRITES.slice(0, 2))(
    "%s: open and unknown, then 4 by query, 600 fen paid once",
    async (_name, rewrite, field) => {
      await malformedThenRecovered(
        {
          sandbox,
          gateway,
          merchantId: "shop-a",
          mchid: SUB,
          paidOrder: async (fen) => {
            const outTradeNo = fresh();
            await gateway.forMerchant("shop-a").createPayment({
              outTradeNo,
              description: "malformed answer e2e",
              amount: { fen, currency: "CNY" },
              method: "native",
              notifyUrl: `${sandbox.origin}/sandbox/notify-sink`,
            });
            sandbox.control.pay(outTradeNo, { mchid: SUB });
            return outTradeNo;
          },
        },
        rewrite,
        field,
      );
    },
  );
});
