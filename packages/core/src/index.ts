// tsyringe needs the Reflect metadata API before any decorated class loads; core is every entry point's first import.
import "reflect-metadata";

// What an application uses: a named list, so a name is public on purpose. What a store or a
// provider implementation needs lives on "@paybridge/core/ledger-kit" and "/provider-kit"; the
// framework adapters on "/express", "/fastify", "/koa" and "/nestjs"; test suites on "/testkit".
export {
  AccountAbnormalError,
  AmountMismatchError,
  AnswerMismatchError,
  AuthorizationError,
  ConfigurationError,
  ConflictError,
  type ErrorCode,
  InsufficientFundsError,
  InvalidRequestError,
  InvalidTransitionError,
  isPaymentError,
  LimiterUnavailableError,
  MerchantMismatchError,
  NotFoundError,
  OutcomeUnknownError,
  PAYMENT_ERROR_BRAND,
  PaymentError,
  type PaymentErrorOptions,
  ProviderError,
  ProviderUnavailableError,
  RateLimitError,
  RefundOutcomeUnknownError,
  RefundRuleError,
  type RetryClass,
  SignatureError,
  StoreUnavailableError,
  TradeStateError,
  UnknownStatusError,
  UnsupportedOperationError,
  ValidationError,
} from "./errors/errors.js";
export {
  type AnswerIssue,
  UnexpectedAnswerError,
} from "./errors/unexpected-answer.js";
export {
  type DispatchReport,
  EventDispatcher,
  type EventDispatcherOptions,
  type EventHandler,
} from "./events/dispatcher.js";
export {
  EVENT_TYPES,
  type EventType,
  type PayBridgeEvent,
  type RefundSubject,
  type TradeSubject,
} from "./events/event.js";
export { MemoryOutbox } from "./events/memory-outbox.js";
export type {
  ClaimedEvent,
  ClaimOptions,
  Outbox,
  OutboxStats,
} from "./events/outbox.js";
export {
  createPayBridgeContainer,
  type PayBridgeContainerOptions,
  registerMerchant,
  registerProvider,
  registerServiceProvider,
  resolveGateway,
} from "./injector/container.js";
export { PaymentGateway } from "./injector/gateway.js";
export {
  type BuyerClient,
  detectClient,
  type OrderRoute,
  type Router,
  routeByClient,
} from "./injector/routing.js";
export { TOKENS } from "./injector/tokens.js";
export {
  type Logger,
  type LogLevel,
  MemoryLogger,
  silentLogger,
} from "./logger/logger.js";
export {
  REDACTED,
  redactingLogger,
  SecretRegistry,
} from "./logger/redact.js";
export {
  addMoney,
  assertFen,
  CURRENCIES,
  type Currency,
  cny,
  compareMoney,
  fenToYuan,
  formatMoney,
  isCurrency,
  type Money,
  money,
  subtractMoney,
  sumMoney,
  yuanToFen,
} from "./money/money.js";
export { DEFAULT_NOTIFICATION_BODY_LIMIT } from "./notifications/body-limit.js";
export {
  MemoryNotificationInbox,
  type NotificationInbox,
} from "./notifications/inbox.js";
export {
  type IntakeOutcome,
  NotificationIntake,
  type NotificationIntakeOptions,
  UNKNOWN_MERCHANT_ACK,
} from "./notifications/intake.js";
export type {
  ExpectedOrder,
  OrderLookup,
} from "./notifications/order-book.js";
export { MemoryPaymentLedger } from "./payments/memory-payment-ledger.js";
export type {
  LedgerPayment,
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
  type Clock,
  systemClock,
} from "./provider/clock.js";
export {
  type AnyProviderClass,
  type MerchantAccount,
  type PaymentProvider,
  PROVIDER_MODES,
  type ProviderCapabilities,
  type ProviderClass,
  type ProviderMode,
  type ServiceProviderSupport,
} from "./provider/contract.js";
export type {
  ServiceProviderAccount,
  SubMerchantAccount,
} from "./provider/service-provider.js";
export type { RefundLedger } from "./refunds/ledger.js";
export type {
  LedgerOrder,
  LedgerRefund,
} from "./refunds/ledger-records.js";
export { MemoryRefundLedger } from "./refunds/memory-ledger.js";
export {
  MemoryRateLimiter,
  type MemoryRateLimiterOptions,
} from "./refunds/memory-rate-limiter.js";
export type {
  RateLimiter,
  RateLimits,
} from "./refunds/rate-limiter.js";
export type { RecordOrderInput } from "./refunds/record-order-input.js";
export type { RefundInput } from "./refunds/refund-input.js";
export {
  DEFAULT_RATE_LIMITS,
  type RefundRuleOverrides,
  type RefundServiceOptions,
} from "./refunds/refund-options.js";
export type {
  ResumeOptions,
  ResumeReport,
} from "./refunds/refund-recovery.js";
export { RefundService } from "./refunds/refund-service.js";
export {
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from "./refunds/retry.js";
export type { KeySource } from "./schemas/key-source.js";
export type {
  NotificationAck,
  NotificationEvent,
  NotifiedTrade,
  RawNotification,
} from "./schemas/notification.js";
export type {
  ClosePaymentInput,
  CreatePaymentInput,
  CreatePaymentResult,
  PaymentAction,
  TradeQuery,
  TradeResult,
} from "./schemas/payment.js";
export type {
  ListRefundsQuery,
  RefundQuery,
  RefundRequest,
  RefundResult,
} from "./schemas/refund.js";
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
export {
  beijingDayRange,
  isBeijingDay,
} from "./time/beijing-time.js";
