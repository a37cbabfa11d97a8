/**
 * `@paybridge/core/provider-kit`: what a provider implementation needs beyond the contract types
 * on the root entry: the input schemas and parseInput / parseAnswer, the error-table factory,
 * capability checks, concealing secrets from logs, form bodies, the in-person loop and Beijing time.
 */
export {
  assertEcho,
  type CategoryError,
  type CategoryErrorClass,
  categoryError,
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
  type FormBody,
  type FormFields,
  formBodyFrom,
} from "./notifications/form-body.js";
export {
  assertMethodSupported,
  supportsMethod,
  supportsMode,
  withPaymentRule,
} from "./provider/capabilities.js";
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
  type BeijingTimeField,
  beijingDayRange,
  formatBeijingCompact,
  formatBeijingDashed,
  formatBeijingRfc3339,
  isBeijingDay,
  parseBeijingCompact,
  parseBeijingDashed,
} from "./time/beijing-time.js";
