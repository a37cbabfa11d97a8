/**
 * `@paybridge/core/provider-kit`: what a provider implementation needs: the contract values (the
 * error classes, trade and refund states, money, the clock and Beijing time, also on the root
 * entry), the input schemas and parseInput / parseAnswer, the error-table factory, capability
 * checks, concealing secrets from logs, form bodies and the in-person loop.
 *
 * Nothing here loads tsyringe, reflect-metadata or the container (the import graph is walked in
 * packages/e2e/test/cold-import.test.ts): a provider package that takes its values from here
 * imports in the time of its SDK, zod and its own modules, not the root entry's 60-odd files
 * (docs/performance.md, "Cold import").
 */
export {
  AccountAbnormalError,
  AmountMismatchError,
  AnswerMismatchError,
  AuthorizationError,
  assertEcho,
  type CategoryError,
  type CategoryErrorClass,
  ConfigurationError,
  ConflictError,
  categoryError,
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
  createProviderErrorFactory,
  type ProviderErrorFactory,
  type ProviderErrorInput,
  type ProviderErrorKind,
  type ProviderErrorRule,
  type ProviderErrorTable,
} from "./errors/factory.js";
export {
  type AnswerIssue,
  answerIssues,
  type ParseAnswerInput,
  parseAnswer,
  UnexpectedAnswerError,
} from "./errors/unexpected-answer.js";
export {
  type InPersonOperations,
  type InPersonPayAnswer,
  type InPersonRun,
  type InPersonSchedule,
  type InPersonTrace,
  runInPersonPayment,
} from "./in-person/in-person-loop.js";
export {
  concealProvider,
  concealSecrets,
  concealWith,
  INSPECT_CUSTOM,
} from "./logger/conceal.js";
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
export {
  type FormBody,
  type FormFields,
  formBodyFrom,
} from "./notifications/form-body.js";
export {
  PAYMENT_METHODS,
  type PaymentMethod,
} from "./payments/payment-method.js";
export {
  assertMethodSupported,
  supportsMethod,
  supportsMode,
  withPaymentRule,
} from "./provider/capabilities.js";
export {
  type Clock,
  systemClock,
} from "./provider/clock.js";
export type {
  ProviderContext,
  ProviderFieldRules,
  RefundFields,
  ServiceProviderSession,
  ServiceProviderSupport,
} from "./provider/contract.js";
export type { RefundRules } from "./provider/refund-rules.js";
export type { ServiceProviderContext } from "./provider/service-provider.js";
export { waitOnClock } from "./provider/wait.js";
export {
  currencySchema,
  httpsOrLoopbackUrlSchema,
  merchantIdSchema,
  moneySchema,
  notifyUrlSchema,
  outRefundNoSchema,
  outTradeNoSchema,
  positiveMoneySchema,
  providerIdSchema,
  proxyUrlSchema,
} from "./schemas/common.js";
export { type FastPath, fastPathOf, isPlainRecord, withFastPath } from "./schemas/fast-path.js";
export { keySourceSchema } from "./schemas/key-source.js";
export { rawNotificationSchema } from "./schemas/notification.js";
export { parseInput } from "./schemas/parse.js";
export {
  authCodeSchema,
  closePaymentSchema,
  createPaymentSchema,
  payerSchema,
  paymentMethodSchema,
  storeSchema,
  tradeQuerySchema,
  tradeResultSchema,
  tradeStateSchema,
} from "./schemas/payment.js";
export {
  listRefundsSchema,
  refundGoodsSchema,
  refundQuerySchema,
  refundRequestSchema,
  refundResultSchema,
  refundStateSchema,
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
  type BeijingTimeField,
  beijingDayRange,
  formatBeijingCompact,
  formatBeijingDashed,
  formatBeijingRfc3339,
  isBeijingDay,
  parseBeijingCompact,
  parseBeijingDashed,
} from "./time/beijing-time.js";
