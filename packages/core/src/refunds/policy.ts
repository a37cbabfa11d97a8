import { RefundRuleError } from "../errors/errors.js";
import type { RefundRules } from "../provider/refund-rules.js";
import { RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";
import type { LedgerOrder, LedgerRefund, ReserveRefundInput } from "./ledger-records.js";

const DAY_MS = 86_400_000;

/** The rules a ledger checks inside its reserve transaction. */
export interface RefundPolicy {
  readonly windowDays: number;
  readonly maxRefundsPerOrder: number | undefined;
  readonly minIntervalMs: number;
  /** What refunds may add up to (RefundRules.refundableBase): the order total, or what was paid (default). */
  readonly refundableBase?: "total" | "paid" | undefined;
}

export function policyFromRules(rules: RefundRules): RefundPolicy {
  return {
    windowDays: rules.windowDays,
    maxRefundsPerOrder: rules.maxRefundsPerOrder,
    minIntervalMs: rules.minIntervalMs,
    ...(rules.refundableBase !== undefined ? { refundableBase: rules.refundableBase } : {}),
  };
}

/**
 * A refund the merchant rejected before it was ever sent (0 -> 6 with no attempt) never reached
 * the provider: it holds no money and does not count toward the provider's 50-refund limit.
 */
export function isWithdrawn(r: LedgerRefund): boolean {
  return r.state === RefundState.CLOSED && r.attempts === 0;
}

/**
 * Money a refund holds against the order: every state but CLOSED. Pending (0), approved (1),
 * not submitted (2), in flight (3), succeeded (4) and abnormal (5, may still succeed) all count,
 * so two refunds in flight can never together pass the sum check.
 */
export function holdsMoney(r: LedgerRefund): boolean {
  return r.state !== RefundState.CLOSED;
}

export type ReserveDecision =
  | { readonly kind: "existing"; readonly refund: LedgerRefund }
  | { readonly kind: "insert" };

/**
 * What the reserve decision needs from an order's refunds, and all it needs: a ledger can compute
 * these three figures where its refunds live (SQL aggregates in @paybridge/postgres), so the 50th
 * refund of an order costs what the first does. `refundTotals` is the definition.
 */
export interface RefundTotals {
  /** Refunds that count toward the provider's per-order limit: all but the withdrawn (isWithdrawn). */
  readonly counted: number;
  /** Fen held against the order: the amounts of every refund that holds money (holdsMoney). */
  readonly heldFen: number;
  /** The latest `submittedAt ?? createdAt` among the counted refunds, or undefined when there is none. */
  readonly lastAt: Date | undefined;
}

/** The totals of an order's refunds, from the refunds themselves. */
export function refundTotals(refunds: readonly LedgerRefund[]): RefundTotals {
  let counted = 0;
  let heldFen = 0;
  let last: number | undefined;
  for (const r of refunds) {
    if (holdsMoney(r)) heldFen += r.amountFen;
    if (isWithdrawn(r)) continue;
    counted += 1;
    const t = (r.submittedAt ?? r.createdAt).getTime();
    if (last === undefined || t > last) last = t;
  }
  return { counted, heldFen, lastAt: last === undefined ? undefined : new Date(last) };
}

/**
 * The reserve decision, shared by every ledger so the rules are written once. Called with the
 * order locked and every refund of that order in hand. Throws RefundRuleError naming the rule.
 */
export function decideReserve(
  order: LedgerOrder,
  refunds: readonly LedgerRefund[],
  existing: LedgerRefund | undefined,
  input: ReserveRefundInput,
  policy: RefundPolicy,
  now: Date,
): ReserveDecision {
  return decideReserveFromTotals(order, refundTotals(refunds), existing, input, policy, now);
}

/** `decideReserve` on the order's refund totals (see RefundTotals), with the order locked. */
export function decideReserveFromTotals(
  order: LedgerOrder,
  totals: RefundTotals,
  existing: LedgerRefund | undefined,
  input: ReserveRefundInput,
  policy: RefundPolicy,
  now: Date,
): ReserveDecision {
  if (existing) {
    if (existing.outTradeNo !== input.outTradeNo) {
      throw new RefundRuleError(
        "duplicate",
        `refund number ${input.outRefundNo} already belongs to order ${existing.outTradeNo}, not ${input.outTradeNo}`,
      );
    }
    if (existing.amountFen !== input.amountFen || existing.currency !== input.currency) {
      throw new RefundRuleError(
        "duplicate",
        `refund number ${input.outRefundNo} already exists for ${existing.amountFen} fen; a retry must repeat the same amount, not ${input.amountFen} fen`,
      );
    }
    return { kind: "existing", refund: existing };
  }
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
    throw new RefundRuleError(
      "amount",
      `refund amount must be a positive integer of fen, got ${input.amountFen}`,
    );
  }
  if (input.currency !== order.currency) {
    throw new RefundRuleError(
      "amount",
      `refund currency ${input.currency} differs from the order's ${order.currency}`,
    );
  }
  if (order.tradeState !== TradeState.PAID && order.tradeState !== TradeState.REFUND) {
    throw new RefundRuleError(
      "state",
      `order ${order.outTradeNo} is in trade state ${order.tradeState}; only a paid order (3 or 4) can be refunded`,
    );
  }
  const ageMs = now.getTime() - order.paidAt.getTime();
  if (ageMs > policy.windowDays * DAY_MS) {
    throw new RefundRuleError(
      "window",
      `order ${order.outTradeNo} was paid ${Math.floor(ageMs / DAY_MS)} days ago; refunds are accepted for ${policy.windowDays} days`,
    );
  }
  const { counted, heldFen: held } = totals;
  if (policy.maxRefundsPerOrder !== undefined && counted >= policy.maxRefundsPerOrder) {
    throw new RefundRuleError(
      "count",
      `order ${order.outTradeNo} already has ${counted} refunds; at most ${policy.maxRefundsPerOrder} are allowed`,
    );
  }
  const cap = policy.refundableBase === "total" ? order.totalFen : order.paidFen;
  if (held + input.amountFen > cap) {
    const what = cap === order.paidFen ? "paid" : "of the order's total";
    throw new RefundRuleError(
      "sum",
      `refunding ${input.amountFen} fen would bring order ${order.outTradeNo} to ${held + input.amountFen} fen refunded or pending, over the ${cap} fen ${what}`,
    );
  }
  const last = totals.lastAt?.getTime();
  if (policy.minIntervalMs > 0 && last !== undefined && now.getTime() - last < policy.minIntervalMs) {
    const waitMs = policy.minIntervalMs - (now.getTime() - last);
    throw new RefundRuleError(
      "interval",
      `order ${order.outTradeNo} had a refund ${now.getTime() - last} ms ago; partial refunds must be ${policy.minIntervalMs} ms apart (retry in ${waitMs} ms)`,
      { retryClass: "retry" },
    );
  }
  return { kind: "insert" };
}

/**
 * The submission-time interval check: the wait before `refund` may be sent, given when the
 * order's other refunds were last sent. Resubmitting the same refund number is not a new
 * refund, so it never waits on itself.
 */
export function submitWaitMs(
  refund: LedgerRefund,
  siblings: readonly LedgerRefund[],
  minIntervalMs: number,
  now: Date,
): number {
  let last: number | undefined;
  for (const r of siblings) {
    if (r.outRefundNo === refund.outRefundNo || !r.submittedAt) continue;
    const t = r.submittedAt.getTime();
    if (last === undefined || t > last) last = t;
  }
  return submitWaitAfter(refund, last === undefined ? undefined : new Date(last), minIntervalMs, now);
}

/**
 * `submitWaitMs` given only when another refund of the order was last sent (a ledger can take
 * that maximum in SQL): 0 for a refund sent before, or when no other was sent within the interval.
 */
export function submitWaitAfter(
  refund: LedgerRefund,
  lastOtherSubmittedAt: Date | undefined,
  minIntervalMs: number,
  now: Date,
): number {
  if (minIntervalMs <= 0 || refund.submittedAt || !lastOtherSubmittedAt) return 0;
  return Math.max(0, minIntervalMs - (now.getTime() - lastOtherSubmittedAt.getTime()));
}

/**
 * The refund row a reserve inserts once its decision is "create", the same in every ledger: with
 * `markFirstAttempt` on a confirmed refund, the first attempt is booked in the same write
 * (attempts 1, submittedAt now), so a crash after the reserve still counts it as sent.
 */
export function newReservedRefund(
  order: LedgerOrder,
  input: ReserveRefundInput,
  now: Date,
): { readonly refund: LedgerRefund; readonly attemptBegun: boolean } {
  const attemptBegun = input.markFirstAttempt === true && input.initialState === RefundState.CONFIRMED;
  const refund: LedgerRefund = {
    outRefundNo: input.outRefundNo,
    outTradeNo: input.outTradeNo,
    provider: order.provider,
    merchantId: order.merchantId,
    currency: input.currency,
    amountFen: input.amountFen,
    state: input.initialState,
    rawStatus: undefined,
    providerRefundId: undefined,
    reason: input.reason,
    attempts: attemptBegun ? 1 : 0,
    createdAt: now,
    updatedAt: now,
    submittedAt: attemptBegun ? now : undefined,
    successAt: undefined,
    lastError: undefined,
    outcomeUnknown: false,
    recoveryFailures: 0,
    retryAt: undefined,
  };
  return { refund, attemptBegun };
}
