import { NotFoundError, OutcomeUnknownError, PaymentError } from "../errors/errors.js";
import type { Money } from "../money/money.js";
import type { Clock } from "../provider/clock.js";
import { waitOnClock } from "../provider/wait.js";
import type { TradeResult } from "../schemas/payment.js";
import { TradeState } from "../states/trade-state.js";

/**
 * The waits a provider's page prescribes for an in-person payment whose buyer must confirm on the
 * phone (enter a password): query every `queryIntervalMs` until `queryLimitMs` after the payment
 * was sent, then reverse (never sooner than `reverseNotBeforeMs` after it), retrying a reversal
 * whose outcome is unknown `reverseAttempts` times, `reverseRetryMs` apart.
 */
export interface InPersonSchedule {
  readonly queryIntervalMs: number;
  readonly queryLimitMs: number;
  readonly reverseNotBeforeMs: number;
  readonly reverseAttempts: number;
  readonly reverseRetryMs: number;
}

/** What the provider's pay call said: the trade is settled (paid, or final), or the buyer is still paying. */
export type InPersonPayAnswer =
  | { readonly kind: "settled"; readonly trade: TradeResult }
  | { readonly kind: "paying"; readonly rawStatus: string };

/** The three provider calls the loop drives, each already validated and bound to one order. */
export interface InPersonOperations {
  /** Which order, for the result of a refused payment. */
  readonly order: {
    readonly provider: string;
    readonly merchantId: string;
    readonly outTradeNo: string;
    readonly amount: Money;
  };
  /** Sends the payment (WeChat codepay, Alipay alipay.trade.pay). Throws on an error answer. */
  pay(): Promise<InPersonPayAnswer>;
  /** Queries the order; NotFoundError while the provider has no trade under the number. */
  query(): Promise<TradeResult>;
  /** Reverses (WeChat 撤销, Alipay cancel); resolves with the trade as it ends (1, or 4 for a refunded payment). */
  reverse(): Promise<TradeResult>;
}

/** What happened on the way, for logs and tests. */
export interface InPersonTrace {
  queries: number;
  reversals: number;
}

export interface InPersonRun {
  /** Counts filled in as the loop runs. */
  readonly trace?: InPersonTrace;
  /**
   * How a wait of `ms` on the clock is taken; default `waitOnClock(clock, ms)`. A test with a
   * virtual clock moves it by exactly `ms` instead, so the schedule is checked to the millisecond.
   */
  readonly wait?: (ms: number) => Promise<void>;
}

/**
 * Runs one in-person payment to a final state: 3 paid (or 4), 1 closed after a reversal, or 2 when
 * the provider refused the payment outright. It never returns 0: a buyer still paying when the
 * query limit is reached is reversed. When the reversal's own outcome stays unknown after every
 * attempt it throws OutcomeUnknownError, and the payment stays recorded unpaid for the recovery
 * worker, which queries it (both providers close an unpaid in-person trade on their own) and
 * reverses it again; money the provider holds is never taken for released.
 */
export async function runInPersonPayment(
  ops: InPersonOperations,
  schedule: InPersonSchedule,
  clock: Clock,
  run: InPersonRun = {},
): Promise<TradeResult> {
  const trace = run.trace ?? { queries: 0, reversals: 0 };
  const wait = run.wait ?? ((ms: number) => waitOnClock(clock, ms));
  const started = clock().getTime();
  try {
    const answer = await ops.pay();
    if (answer.kind === "settled" && answer.trade.state !== TradeState.UNPAID) return answer.trade;
  } catch (error) {
    // A final refusal the provider stated in a verified answer (code expired, balance too low,
    // risk control) moved no money: the payment failed (2). Anything else is unknown and queried:
    // a timeout, a system error, a lost answer, and also an answer PayBridge cannot trust (a bad
    // signature, an unknown status, ids that do not match), which says nothing about the money.
    if (isRefusal(error)) return refused(ops, error);
  }
  for (;;) {
    const left = schedule.queryLimitMs - (clock().getTime() - started);
    if (left <= 0) break;
    await wait(Math.min(schedule.queryIntervalMs, left));
    const trade = await queryQuietly(ops, trace);
    if (trade === undefined || trade.state === TradeState.UNPAID) continue;
    // Paid (3 / 4) or closed by the provider itself (1): settled. A failed one (2) is reversed so
    // that it can never be paid after all (the closed-loop rule: every order ends paid, closed or
    // reversed).
    if (trade.state !== TradeState.FAILED) return trade;
    break;
  }
  const notBefore = schedule.reverseNotBeforeMs - (clock().getTime() - started);
  if (notBefore > 0) await wait(notBefore);
  return reverseUntilKnown(ops, schedule, wait, trace);
}

async function reverseUntilKnown(
  ops: InPersonOperations,
  schedule: InPersonSchedule,
  wait: (ms: number) => Promise<void>,
  trace: InPersonTrace,
): Promise<TradeResult> {
  let last: unknown;
  for (let attempt = 1; attempt <= schedule.reverseAttempts; attempt += 1) {
    trace.reversals += 1;
    try {
      return await ops.reverse();
    } catch (error) {
      last = error;
      if (error instanceof PaymentError && !error.retryable) {
        // Refused for good (the trade is already final at the provider, or past the reversal
        // window): the provider's own query decides what it is.
        const trade = await queryQuietly(ops, trace);
        if (trade !== undefined && trade.state !== TradeState.UNPAID) return trade;
        throw error;
      }
    }
    if (attempt < schedule.reverseAttempts) await wait(schedule.reverseRetryMs);
  }
  throw new OutcomeUnknownError(
    `in-person payment ${ops.order.outTradeNo}: the reversal's outcome is still unknown after ${schedule.reverseAttempts} attempts; it stays recorded unpaid for the recovery worker`,
    { provider: ops.order.provider, cause: last },
  );
}

async function queryQuietly(ops: InPersonOperations, trace: InPersonTrace): Promise<TradeResult | undefined> {
  trace.queries += 1;
  try {
    return await ops.query();
  } catch {
    // A failed or lost query says nothing about the payment; the next one (or the reversal) will.
    return undefined;
  }
}

/** The error kinds that only a provider's own, verified refusal produces. */
const REFUSALS: ReadonlySet<string> = new Set([
  "INVALID_REQUEST",
  "AUTHORIZATION",
  "INSUFFICIENT_FUNDS",
  "ACCOUNT_ABNORMAL",
  "PROVIDER",
]);

function isRefusal(error: unknown): error is PaymentError {
  return (
    error instanceof PaymentError &&
    !error.retryable &&
    !(error instanceof NotFoundError) &&
    REFUSALS.has(error.code)
  );
}

function refused(ops: InPersonOperations, error: PaymentError): TradeResult {
  return {
    provider: ops.order.provider,
    merchantId: ops.order.merchantId,
    outTradeNo: ops.order.outTradeNo,
    state: TradeState.FAILED,
    rawStatus: error.providerCode ?? error.code,
    amount: ops.order.amount,
  };
}
