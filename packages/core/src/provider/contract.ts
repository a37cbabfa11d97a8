import type { z } from "zod";
import type { Logger } from "../logger/logger.js";
import type { Money } from "../money/money.js";
import type { NotificationAck, NotificationEvent, RawNotification } from "../schemas/notification.js";
import type {
  ClosePaymentInput,
  CreatePaymentInput,
  CreatePaymentResult,
  createPaymentSchema,
  PaymentMethod,
  TradeQuery,
  TradeResult,
} from "../schemas/payment.js";
import type { ListRefundsQuery, RefundQuery, RefundRequest, RefundResult } from "../schemas/refund.js";
import type { Clock } from "./clock.js";
import type { RefundRules } from "./refund-rules.js";
import type { ServiceProviderContext } from "./service-provider.js";

/** A refund as a provider's field rules see it: what the refund service and `refund()` both know. */
export interface RefundFields {
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  readonly amount: Money;
  readonly reason?: string | undefined;
  readonly notifyUrl?: string | undefined;
}

/**
 * A provider's own field rules, on top of the core schemas (which keep only what every provider
 * shares). Each throws a ValidationError naming the field (under `root`) and the rule, and does no
 * I/O: the gateway and the refund service call them before anything is recorded or sent.
 */
export interface ProviderFieldRules {
  /** createPayment input, already parsed by the core createPaymentSchema. */
  payment(input: z.output<typeof createPaymentSchema>, root: string): void;
  refund(input: RefundFields, root: string): void;
  /** A merchant order number anywhere it is given (queries, close, listRefunds). */
  outTradeNo(value: string, field: string): void;
  /** A notify URL given outside a payment or refund (configuration). */
  notifyUrl(value: string, field: string): void;
}

/**
 * How a provider's merchant account takes payments. merchant: the merchant's own account (直连商户,
 * an Alipay app of its own); service_provider: a platform acting for sub-merchants (WeChat 服务商,
 * Alipay ISV). Absent `modes` means ["merchant"].
 */
export const PROVIDER_MODES = ["merchant", "service_provider"] as const;
export type ProviderMode = (typeof PROVIDER_MODES)[number];

export interface ProviderCapabilities {
  /**
   * The payment methods this provider takes; the gateway refuses any other before any network
   * call. "barcode" here means the provider runs in-person payments (createPayment with an
   * authCode) and implements `reversePayment`.
   */
  readonly methods: readonly PaymentMethod[];
  /** The account modes this provider supports; absent means ["merchant"]. */
  readonly modes?: readonly ProviderMode[];
  /** Whether the provider can list every refund of an order (CloudPay / v2 can; APIv3 and Alipay cannot). */
  readonly listRefunds: boolean;
  readonly partialRefund: boolean;
}

/** One merchant account: which provider, and that provider's configuration (keys included). */
export interface MerchantAccount<Config = unknown> {
  /** PayBridge's name for the account, unique in a gateway ("wx-shanghai", "alipay-main"). */
  readonly id: string;
  readonly provider: string;
  readonly config: Config;
  /** Used when an order names only its provider and the provider has several merchants. */
  readonly default?: boolean;
  /**
   * Set by the gateway for a sub-merchant of a service-provider account: that account's id. Its
   * `config` is then the sub-merchant's identity only; the keys are the service provider's.
   */
  readonly serviceProvider?: string;
}

/** What a provider instance receives besides its own configuration. Never another merchant's keys. */
export interface ProviderContext {
  readonly merchantId: string;
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * The contract every provider implements (one instance per merchant account). Every method
 * validates its input with the core schemas before any network call, and throws PaymentError
 * subclasses only.
 */
export interface PaymentProvider {
  readonly id: string;
  readonly merchantId: string;
  readonly capabilities: ProviderCapabilities;
  readonly refundRules: RefundRules;
  /**
   * The account whose rate budget this instance's calls spend, when it is not `merchantId`: WeChat
   * limits partner refunds per service-provider merchant ("同一服务商商户号下", 150 / 6 QPS,
   * https://pay.weixin.qq.com/doc/v3/partner/4012886219), so all its sub-merchants share one budget.
   */
  readonly rateLimitAccount?: string;
  /** The provider's own field rules; absent when the core schemas are all it needs. */
  readonly fieldRules?: ProviderFieldRules;
  createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult>;
  queryPayment(query: TradeQuery): Promise<TradeResult>;
  closePayment(input: ClosePaymentInput): Promise<void>;
  /**
   * In-person payments (capability "barcode"): reverses a payment whose outcome is not known
   * (WeChat 撤销, Alipay alipay.trade.cancel). The provider closes it if unpaid and refunds it in
   * full if paid. Resolves with the trade as it ends (1 closed, or 4 when a paid one was refunded);
   * throws a retryable PaymentError when the reversal's own outcome is unknown.
   */
  reversePayment?(input: ClosePaymentInput): Promise<TradeResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
  queryRefund(query: RefundQuery): Promise<RefundResult>;
  /** Every refund of an order, paging through the provider's answers. */
  listRefunds(query: ListRefundsQuery): Promise<RefundResult[]>;
  /** Verifies (signature, time window), decrypts and maps a notification; throws SignatureError otherwise. */
  parseNotification(raw: RawNotification): Promise<NotificationEvent>;
  /** The HTTP answer this provider expects after a notification was (or was not) durably handled. */
  acknowledge(ok: boolean): NotificationAck;
}

/** A provider class: a static id and config schema, constructed once per merchant account. */
export interface ProviderClass<Config = unknown> {
  readonly id: string;
  readonly configSchema: z.ZodType<Config>;
  /**
   * The provider's own rule for a refund notify URL (WeChat: https, at most 256 bytes, no query
   * string), checked by RefundService for every merchant when it is built. Optional: without it
   * only the shared https rule applies.
   */
  readonly refundNotifyUrlSchema?: z.ZodType<string>;
  new (config: Config, context: ProviderContext): PaymentProvider;
  /** Present when the provider serves sub-merchants of a service-provider account (see ServiceProviderAccount). */
  // biome-ignore lint/suspicious/noExplicitAny: a sub-merchant's config type is checked by subMerchantSchema at runtime.
  readonly serviceProvider?: ServiceProviderSupport<Config, any>;
}

/** Any provider class, whatever its config type; what registration accepts. */
// biome-ignore lint/suspicious/noExplicitAny: a class's config type is checked by its own configSchema at runtime.
export type AnyProviderClass = ProviderClass<any>;

/**
 * The service provider's keys, opened once per account: every sub-merchant's provider instance is
 * made from it, so a private key is parsed, and platform keys are fetched, once for all of them.
 */
export interface ServiceProviderSession<Sub = unknown> {
  subMerchant(sub: Sub, context: ProviderContext): PaymentProvider;
}

/** What a provider class that supports service-provider mode declares (its sub-merchant instances declare `capabilities.modes` ["service_provider"]). */
export interface ServiceProviderSupport<Config = unknown, Sub = unknown> {
  readonly subMerchantSchema: z.ZodType<Sub>;
  open(config: Config, context: ServiceProviderContext): ServiceProviderSession<Sub>;
}
