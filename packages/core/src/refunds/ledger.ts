import type { Outbox } from "../events/outbox.js";
import type { RefundState } from "../states/refund-state.js";
import type { LedgerOrder, LedgerRefund, NewLedgerOrder, ReserveRefundInput } from "./ledger-records.js";
import type { RefundPolicy } from "./policy.js";
import type { CloseEvidence } from "./refund-invariant.js";

// The records live in ledger-records.ts so that policy.ts and refund-invariant.ts, which this port
// takes, read them without importing the port back (no import cycle).
export type { LedgerOrder, LedgerRefund, NewLedgerOrder, ReserveRefundInput } from "./ledger-records.js";

export interface ReserveOutcome {
  readonly refund: LedgerRefund;
  /**
   * The order as the reserve read it under its lock. A ledger sets it so that the caller needs no
   * read of its own before or after the reserve; a ledger that leaves it unset costs one getOrder.
   */
  readonly order?: LedgerOrder | undefined;
  /** False when the refund number already existed with the same order and amount (an idempotent repeat). */
  readonly created: boolean;
  /**
   * True when the refund was created with its first attempt counted (`markFirstAttempt`): it is
   * to be sent now. Unset or false otherwise; the caller then goes through `beginAttempt`.
   */
  readonly attemptBegun?: boolean | undefined;
}

/** How an update's state is applied: the merchant's own moves are checked, provider reports are merged. */
export type RefundUpdateMode =
  /** Merchant workflow (approve, reject, close on a final error): an impossible move throws. */
  | "transition"
  /** A state reported by the provider: a move backwards is stale and ignored (docs/states.md). */
  | "merge";

export interface RefundUpdate {
  readonly mode: RefundUpdateMode;
  readonly state?: RefundState | undefined;
  /** When set, the update applies only if the refund is in one of these states (otherwise it throws RefundRuleError "state"). */
  readonly expectStates?: readonly RefundState[] | undefined;
  readonly rawStatus?: string | undefined;
  readonly providerRefundId?: string | undefined;
  readonly successAt?: Date | undefined;
  /** A message to keep, or null to clear the last error. */
  readonly lastError?: string | null | undefined;
  /**
   * Required for every move to 6: why the provider cannot hold this refund (refund-invariant.ts).
   * A move to 6 without it, or with evidence that does not fit, throws InvalidTransitionError.
   */
  readonly close?: CloseEvidence | undefined;
  readonly outcomeUnknown?: boolean | undefined;
  readonly recoveryFailures?: number | undefined;
  /** When to try again, or null to clear. */
  readonly retryAt?: Date | null | undefined;
  /**
   * The record the caller decided this update from (the refund it just reserved, began or read).
   * A ledger may then write the update in one statement, on the condition that the stored refund
   * still equals it, instead of locking and reading it first; when it differs, the update is
   * applied to the stored refund as without it. Never changes the result, only its cost.
   */
  readonly basis?: LedgerRefund | undefined;
}

/** A reserve's policy: fixed, or decided from the order the reserve locked (see reserveRefund). */
export type ReservePolicy = RefundPolicy | ((order: LedgerOrder) => RefundPolicy);

/** The policy a reserve applies to `order`. */
export function policyForOrder(policy: ReservePolicy, order: LedgerOrder): RefundPolicy {
  return typeof policy === "function" ? policy(order) : policy;
}

export type BeginAttemptOutcome =
  | { readonly ok: true; readonly refund: LedgerRefund }
  /** Another refund of the same order was submitted less than the minimum interval ago. */
  | { readonly ok: false; readonly waitMs: number; readonly refund: LedgerRefund };

/**
 * The refund ledger port. Implementations: MemoryRefundLedger (core, one process) and
 * PostgresRefundLedger (@paybridge/postgres, many processes). Each operation is atomic; the
 * critical one is `reserveRefund`, which checks the policy against every refund of the order and
 * inserts the new one while the order is locked, so two instances can never both pass the sum check.
 */
export interface RefundLedger {
  /** Set when the ledger writes each refund state change's event in the change's own transaction. */
  readonly outbox?: Outbox | undefined;
  /** Records a paid order, or updates the trade state and paid amount of a known one. */
  saveOrder(order: NewLedgerOrder): Promise<LedgerOrder>;
  getOrder(outTradeNo: string): Promise<LedgerOrder | undefined>;
  /**
   * In one transaction with the order locked: returns the existing refund for a repeated
   * `outRefundNo` (same order and amount), or checks `policy` and stores the new refund.
   * `policy` may be a function of the locked order (the engine takes the order's provider from
   * it, and checks the provider's field rules there: what it throws rolls the reserve back), so
   * the order is read once, under the lock. Throws RefundRuleError for a broken rule and
   * NotFoundError for an unknown order.
   */
  reserveRefund(input: ReserveRefundInput, policy: ReservePolicy, now: Date): Promise<ReserveOutcome>;
  /**
   * Before each submission, with the order locked: checks that no other refund of the order was
   * sent less than `minIntervalMs` ago (a refund already sent once is a resubmission and never
   * waits), then counts the attempt and stamps `submittedAt`. The refund must be at 1 or 2.
   */
  beginAttempt(outRefundNo: string, minIntervalMs: number, now: Date): Promise<BeginAttemptOutcome>;
  updateRefund(outRefundNo: string, update: RefundUpdate, now: Date): Promise<LedgerRefund>;
  getRefund(outRefundNo: string): Promise<LedgerRefund | undefined>;
  listRefunds(outTradeNo: string): Promise<LedgerRefund[]>;
  /** Refunds in the given states, oldest first; what `resumePending()` walks after a crash. */
  listByState(states: readonly RefundState[], limit: number): Promise<LedgerRefund[]>;
  /** Open refunds whose outcome at the provider is unknown, oldest first: what a merchant alerts on. */
  listOutcomeUnknown(limit: number): Promise<LedgerRefund[]>;
}
