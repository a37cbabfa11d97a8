// One backend instance that the crash test kills with SIGKILL. It refunds through the real
// RefundService, PostgresRefundLedger (PostgreSQL or a PGlite directory) and WechatPayProvider
// against the parent's WeChat simulator, prints a TRACE line after every ledger write, and, at the
// crash point it was given, prints HALT and stops making progress until it is killed.
// tsyringe needs the Reflect polyfill before it loads: this import stays first.
import "reflect-metadata";
import {
  type LedgerRefund,
  PaymentError,
  type RefundLedger,
  RefundService,
  RefundState,
} from "@paybridge/core";
import { migrate, PostgresRefundLedger } from "@paybridge/postgres";
import type { WechatPayV3ConfigInput } from "@paybridge/wechatpay";
import { type LedgerStore, openLedgerStore } from "../support/ledger-store.js";
import { WECHAT_MERCHANT_ID, wechatGateway } from "../support/wechat.js";
import { readyAndWaitForGo, workerInput } from "./worker-io.js";

/** Where the worker is when it is killed. */
export type CrashPoint =
  /** The refund is stored (1) and submit() never ran: nothing was counted or sent. */
  | "stored"
  /** The attempt is counted in the ledger (1, attempts 1); the worker halts before the HTTP call. */
  | "counted"
  /** The request is held open by the simulator (a TIMEOUT fault the parent queued): not refunded there. */
  | "timeout"
  /** The simulator refunded, then dropped the connection (RESPONSE_LOST); the worker recorded 2 and backs off. */
  | "lost"
  /** The simulator accepted and answered PROCESSING; the worker halts before recording 3. */
  | "accepted"
  /** The ledger recorded 3 (PROCESSING); the outcome is not known yet. */
  | "submitted"
  /** Many refunds at once; the parent kills the worker from the simulator, inside one acceptance. */
  | "burst";

export interface CrashWorkerInput {
  readonly store: LedgerStore;
  readonly config: WechatPayV3ConfigInput;
  readonly outTradeNo: string;
  readonly totalFen: number;
  readonly paidAt: string;
  /** Refunds made one after another before GO; each is accepted (3) before the crash phase. */
  readonly before: readonly { outRefundNo: string; fen: number }[];
  /** The refunds of the crash phase (one, or many at once for "burst"). */
  readonly crash: readonly { outRefundNo: string; fen: number }[];
  readonly point: CrashPoint;
}

/** What a TRACE line carries: a ledger write that committed. */
export interface CrashTrace {
  readonly op: "reserveRefund" | "beginAttempt" | "updateRefund";
  readonly outRefundNo: string;
  readonly state: number;
  readonly attempts: number;
}

const input = workerInput<CrashWorkerInput>();
const crashing = new Set(input.crash.map((r) => r.outRefundNo));
const { client, schema } = await openLedgerStore(input.store);
await migrate(client, { schema });
const ledger = haltingLedger(new PostgresRefundLedger(client, { schema }));
const lost = input.point === "lost";
const service = new RefundService({
  gateway: wechatGateway(input.config),
  ledger,
  rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
  // At "lost" the worker must still be backing off (not resending) when it is killed.
  retry: lost ? { baseDelayMs: 120_000, maxDelayMs: 120_000 } : { baseDelayMs: 20, maxDelayMs: 200 },
});
await service.recordOrder({
  outTradeNo: input.outTradeNo,
  merchantId: WECHAT_MERCHANT_ID,
  total: { fen: input.totalFen, currency: "CNY" },
  paidAt: new Date(input.paidAt),
});
for (const r of input.before) {
  const refund = await service.refund(refundInput(r));
  if (refund.state !== RefundState.SUBMITTED)
    throw new Error(`setup refund ${r.outRefundNo} is ${refund.state}`);
}
// Keeps the process alive while it is halted (a pending promise alone would let Node exit).
setInterval(() => {}, 60_000);
await readyAndWaitForGo();

if (input.point === "stored") {
  for (const r of input.crash) await service.request(refundInput(r), { approved: true });
  halt("stored");
} else {
  const outcomes = await Promise.all(
    input.crash.map((r) =>
      service.refund(refundInput(r)).then(
        (refund) => `${r.outRefundNo}:${refund.state}`,
        (error: unknown) => {
          if (!(error instanceof PaymentError)) throw error;
          return `${r.outRefundNo}:${error.code}`;
        },
      ),
    ),
  );
  // "submitted" halts here on purpose; anything else getting here means the crash point was missed.
  halt(input.point === "submitted" ? "submitted" : `finished ${outcomes.join(",")}`);
}

function refundInput(r: { outRefundNo: string; fen: number }) {
  return {
    outTradeNo: input.outTradeNo,
    outRefundNo: r.outRefundNo,
    amount: { fen: r.fen, currency: "CNY" as const },
  };
}

function halt(what: string): Promise<never> {
  process.stdout.write(`HALT ${what}\n`);
  return new Promise<never>(() => {});
}

function trace(op: CrashTrace["op"], refund: LedgerRefund): void {
  const line: CrashTrace = {
    op,
    outRefundNo: refund.outRefundNo,
    state: refund.state,
    attempts: refund.attempts,
  };
  process.stdout.write(`TRACE ${JSON.stringify(line)}\n`);
}

/**
 * The real ledger, with a TRACE line after each committed write and two places to halt: right
 * after the crashing refund's attempt is counted ("counted": by the reserve that stored it, or by
 * a later beginAttempt), and just before the provider's
 * acceptance of it is recorded ("accepted"; that update is never applied).
 */
function haltingLedger(inner: RefundLedger): RefundLedger {
  return {
    saveOrder: (order) => inner.saveOrder(order),
    getOrder: (no) => inner.getOrder(no),
    getRefund: (no) => inner.getRefund(no),
    listRefunds: (no) => inner.listRefunds(no),
    listByState: (states, limit) => inner.listByState(states, limit),
    listOutcomeUnknown: (limit) => inner.listOutcomeUnknown(limit),
    async reserveRefund(reserve, policy, now) {
      const outcome = await inner.reserveRefund(reserve, policy, now);
      trace("reserveRefund", outcome.refund);
      // RefundService.refund counts a new refund's first attempt in the reserve itself.
      if (input.point === "counted" && outcome.attemptBegun && crashing.has(reserve.outRefundNo))
        return halt("counted");
      return outcome;
    },
    async beginAttempt(no, minIntervalMs, now) {
      const outcome = await inner.beginAttempt(no, minIntervalMs, now);
      trace("beginAttempt", outcome.refund);
      if (input.point === "counted" && outcome.ok && crashing.has(no)) return halt("counted");
      return outcome;
    },
    async updateRefund(no, update, now) {
      if (input.point === "accepted" && crashing.has(no) && (update.state ?? 0) >= RefundState.SUBMITTED)
        return halt("accepted");
      const refund = await inner.updateRefund(no, update, now);
      trace("updateRefund", refund);
      return refund;
    },
  };
}
