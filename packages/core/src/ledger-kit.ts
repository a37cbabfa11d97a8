/**
 * `@paybridge/core/ledger-kit`: what a store implementation needs (refund and payment ledgers,
 * outbox, notification inbox, rate limiter): the records, the refund rules a ledger applies inside
 * its transaction, the events it writes, and the errors, states and money it speaks.
 *
 * Nothing here loads zod, tsyringe or reflect-metadata (the import graph is walked in
 * packages/e2e/test/cold-import.test.ts): a store such as `@paybridge/postgres` then imports in
 * about the time its driver does. The one schema check a ledger makes, `checkLedgerOrder`, loads
 * its schema on the first call.
 */
export {
  AmountMismatchError,
  ConfigurationError,
  ConflictError,
  isPaymentError,
  LimiterUnavailableError,
  MerchantMismatchError,
  NotFoundError,
  PaymentError,
  RateLimitError,
  RefundRuleError,
  StoreUnavailableError,
  TradeStateError,
  UnknownStatusError,
  ValidationError,
} from "./errors/errors.js";
export {
  EVENT_TYPES,
  type EventType,
  eventId,
  type PayBridgeEvent,
  type RefundSubject,
  refundEvent,
  refundEventType,
  type TradeSubject,
  tradeEvent,
  tradeEventType,
} from "./events/event.js";
export type {
  ClaimedEvent,
  ClaimOptions,
  Outbox,
  OutboxStats,
} from "./events/outbox.js";
export {
  type Logger,
  type LogLevel,
  silentLogger,
} from "./logger/logger.js";
export {
  REDACTED,
  redactingLogger,
  SecretRegistry,
} from "./logger/redact.js";
export {
  assertFen,
  CURRENCIES,
  type Currency,
  isCurrency,
  type Money,
} from "./money/money.js";
export type { NotificationInbox } from "./notifications/inbox.js";
export type {
  LedgerPayment,
  NewPayment,
  PaymentChange,
  PaymentLedger,
  PaymentListQuery,
  RecordOutcome,
  TradeReport,
  TradeReportSource,
  UnpaidQuery,
} from "./payments/payment-ledger.js";
export {
  PAYMENT_METHODS,
  type PaymentMethod,
} from "./payments/payment-method.js";
export {
  checkRepeat,
  mergeReport,
  newPaymentRecord,
  paymentEvents,
} from "./payments/payment-record.js";
export {
  type Clock,
  systemClock,
} from "./provider/clock.js";
export {
  type BeginAttemptOutcome,
  policyForOrder,
  type RefundLedger,
  type RefundUpdate,
  type RefundUpdateMode,
  type ReserveOutcome,
  type ReservePolicy,
} from "./refunds/ledger.js";
export { ledgerOrderFromTrade } from "./refunds/ledger-order.js";
export {
  checkLedgerOrder,
  mergeKnownOrder,
  newOrderRecord,
  sameOrder,
} from "./refunds/ledger-order-rules.js";
export type {
  LedgerOrder,
  LedgerRefund,
  NewLedgerOrder,
  ReserveRefundInput,
} from "./refunds/ledger-records.js";
export { MemoryRateLimiter, type MemoryRateLimiterOptions } from "./refunds/memory-rate-limiter.js";
export {
  decideReserve,
  decideReserveFromTotals,
  holdsMoney,
  isWithdrawn,
  newReservedRefund,
  policyFromRules,
  type RefundPolicy,
  type RefundTotals,
  type ReserveDecision,
  refundTotals,
  submitWaitAfter,
  submitWaitMs,
} from "./refunds/policy.js";
export {
  type CallOutcome,
  paceLimit,
  RATE_PACE_MS,
  RATE_WINDOW_MS,
  type RateLimiter,
  type RateLimits,
  type RatePermit,
  waitForPermit,
} from "./refunds/rate-limiter.js";
export {
  applyRefundUpdate,
  tradeStateAfterRefund,
  tradeStateAfterRefundState,
} from "./refunds/record-update.js";
export {
  assertMayClose,
  type CloseEvidence,
  closeRefusedBecause,
  isRefusalOfRefund,
} from "./refunds/refund-invariant.js";
export {
  ManualTime,
  realSleep,
  type Sleep,
} from "./refunds/time.js";
export {
  describeRefundState,
  isRefundState,
  REFUND_STATE_INFO,
  REFUND_STATES,
  RefundState,
} from "./states/refund-state.js";
export {
  describeTradeState,
  isTradeState,
  type StateInfo,
  TRADE_STATE_INFO,
  TRADE_STATES,
  TradeState,
} from "./states/trade-state.js";
export {
  canTransitionRefund,
  canTransitionTrade,
  FINAL_REFUND_STATES,
  FINAL_TRADE_STATES,
  mergeRefundState,
  mergeTradeState,
  REFUND_TRANSITIONS,
  TRADE_TRANSITIONS,
  transitionRefund,
  transitionTrade,
} from "./states/transitions.js";
