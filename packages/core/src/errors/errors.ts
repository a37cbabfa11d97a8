/**
 * One base class with a string `code`, category subclasses, one factory per provider
 * (modelled on stripe-node src/Error.ts). Callers branch on `retryClass`, never on message text.
 */

/** What the caller should do next. */
export type RetryClass =
  /** Retry with the same refund number and the same parameters, with backoff. */
  | "retry"
  /** Stop calling this merchant for a while (WeChat INVALID_REQ_TOO_MUCH: wait a minute). */
  | "throttle"
  /** Retrying cannot help; a person or different input is needed. */
  | "final";

export type ErrorCode =
  | "VALIDATION"
  | "INVALID_TRANSITION"
  | "INVALID_REQUEST"
  | "SIGNATURE"
  | "AUTHORIZATION"
  | "NOT_FOUND"
  | "INSUFFICIENT_FUNDS"
  | "ACCOUNT_ABNORMAL"
  | "TRADE_STATE"
  | "REFUND_RULE"
  | "RATE_LIMITED"
  | "PROVIDER_UNAVAILABLE"
  | "OUTCOME_UNKNOWN"
  | "CONFIGURATION"
  | "UNSUPPORTED"
  | "UNKNOWN_STATUS"
  | "AMOUNT_MISMATCH"
  | "MERCHANT_MISMATCH"
  | "ANSWER_MISMATCH"
  | "STORE_UNAVAILABLE"
  | "LIMITER_UNAVAILABLE"
  | "CONFLICT"
  | "PROVIDER";

export interface PaymentErrorOptions {
  readonly provider?: string | undefined;
  readonly providerCode?: string | undefined;
  readonly providerMessage?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly retryClass?: RetryClass | undefined;
  readonly cause?: unknown;
}

/**
 * The brand every PayBridge error carries, from a global symbol registry key, so it is the same
 * symbol in every copy of this package: the ESM and CommonJS builds loaded side by side, or two
 * installed versions. Its value lists the class names from the error's own class up to
 * PaymentError, which is what `instanceof` and `isPaymentError` compare across copies.
 */
export const PAYMENT_ERROR_BRAND: unique symbol = Symbol.for("paybridge.error");

/** The brand of an error class: its class name (each copy of a class has the same name). */
function brandOf(ctor: unknown): string | undefined {
  return typeof ctor === "function" ? (ctor as { name?: string }).name : undefined;
}

function brandsOf(value: unknown): readonly string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const brands = (value as { [PAYMENT_ERROR_BRAND]?: unknown })[PAYMENT_ERROR_BRAND];
  return Array.isArray(brands) && brands.every((b) => typeof b === "string") ? brands : undefined;
}

/** The ordinary prototype check first, then the brand of `ctor` among the value's brands. */
function isBrandedInstance(ctor: unknown, value: unknown): boolean {
  if (typeof ctor === "function" && Function.prototype[Symbol.hasInstance].call(ctor, value)) return true;
  const brand = brandOf(ctor);
  return brand !== undefined && (brandsOf(value)?.includes(brand) ?? false);
}

export class PaymentError extends Error {
  /**
   * `err instanceof PaymentError` (or any subclass) holds for an error thrown by another copy of
   * this package too: the ordinary prototype check first, then the brand. Without this, an error
   * from the CommonJS build fails `instanceof` against the ESM build's class.
   */
  static override [Symbol.hasInstance]<T>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ): value is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof, a subclass too.
    return isBrandedInstance(this, value);
  }

  declare readonly [PAYMENT_ERROR_BRAND]: readonly string[];
  override readonly name: string = "PaymentError";
  readonly code: ErrorCode;
  readonly provider: string | undefined;
  readonly providerCode: string | undefined;
  readonly providerMessage: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryClass: RetryClass;

  constructor(code: ErrorCode, message: string, options: PaymentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const brands: string[] = [];
    for (let c: unknown = new.target; c !== Error && typeof c === "function"; c = Object.getPrototypeOf(c)) {
      const brand = brandOf(c);
      if (brand) brands.push(brand);
      if (c === PaymentError) break;
    }
    // Not enumerable: toJSON and structured logs stay as they were.
    Object.defineProperty(this, PAYMENT_ERROR_BRAND, { value: Object.freeze(brands) });
    this.code = code;
    this.provider = options.provider;
    this.providerCode = options.providerCode;
    this.providerMessage = options.providerMessage;
    this.httpStatus = options.httpStatus;
    this.retryClass = options.retryClass ?? "final";
  }

  /** True when the same request (same refund number, same parameters) may be sent again. */
  get retryable(): boolean {
    return this.retryClass !== "final";
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      provider: this.provider,
      providerCode: this.providerCode,
      providerMessage: this.providerMessage,
      httpStatus: this.httpStatus,
      retryable: this.retryable,
      retryClass: this.retryClass,
    };
  }
}

/** An error of one category: a PaymentError whose `code` is the category's. */
export interface CategoryError<C extends ErrorCode = ErrorCode> extends PaymentError {
  readonly code: C;
}

/** The class of a category error: `new NotFoundError(message, options)`, `instanceof`, subclassing. */
export interface CategoryErrorClass<C extends ErrorCode = ErrorCode> {
  new (message: string, options?: PaymentErrorOptions): CategoryError<C>;
  readonly prototype: CategoryError<C>;
}

/**
 * Builds the class of an error category that adds nothing to PaymentError but its name, code and
 * default retry class (stripe-node's src/Error.ts builds its empty subclasses the same way). The
 * class's `name` is set, so the brand (and `instanceof` across copies of the package) holds for it
 * as for a hand-written class; a subclass of it (RefundOutcomeUnknownError) sets its own name.
 */
export function categoryError<C extends ErrorCode>(
  name: string,
  code: C,
  defaultRetry: RetryClass = "final",
): CategoryErrorClass<C> {
  const cls = class extends PaymentError {
    override readonly name: string = name;
    declare readonly code: C;
    constructor(message: string, options: PaymentErrorOptions = {}) {
      super(code, message, { retryClass: defaultRetry, ...options });
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}

/** Bad input, rejected before any network call. `field` is the dotted path of the offending field. */
export class ValidationError extends PaymentError {
  override readonly name = "ValidationError";
  readonly field: string;
  readonly issues: readonly { readonly path: string; readonly message: string }[];
  constructor(
    field: string,
    message: string,
    issues: readonly { path: string; message: string }[] = [{ path: field, message }],
  ) {
    super("VALIDATION", message);
    this.field = field;
    this.issues = issues;
  }
}

export class InvalidTransitionError extends PaymentError {
  override readonly name = "InvalidTransitionError";
  constructor(
    readonly kind: "trade" | "refund",
    readonly from: number,
    readonly to: number,
    message: string,
  ) {
    super("INVALID_TRANSITION", message);
  }
}

/** The provider refused the request as malformed (PARAM_ERROR, INVALID_TRANSACTIONID, ...). */
export const InvalidRequestError = categoryError("InvalidRequestError", "INVALID_REQUEST");
export type InvalidRequestError = CategoryError<"INVALID_REQUEST">;

/** A signature did not verify: a forged, tampered or expired message, or the wrong key configured. */
export const SignatureError = categoryError("SignatureError", "SIGNATURE");
export type SignatureError = CategoryError<"SIGNATURE">;

export const AuthorizationError = categoryError("AuthorizationError", "AUTHORIZATION");
export type AuthorizationError = CategoryError<"AUTHORIZATION">;

export const NotFoundError = categoryError("NotFoundError", "NOT_FOUND");
export type NotFoundError = CategoryError<"NOT_FOUND">;

/** The merchant's balance cannot cover the refund (WeChat NOTENOUGH / NOT_ENOUGH, Alipay SELLER_BALANCE). */
export const InsufficientFundsError = categoryError("InsufficientFundsError", "INSUFFICIENT_FUNDS");
export type InsufficientFundsError = CategoryError<"INSUFFICIENT_FUNDS">;

export const AccountAbnormalError = categoryError("AccountAbnormalError", "ACCOUNT_ABNORMAL");
export type AccountAbnormalError = CategoryError<"ACCOUNT_ABNORMAL">;

/** The trade is in a state that forbids the call (TRADE_OVERDUE, ACQ.TRADE_HAS_FINISHED, ORDERPAID). */
export const TradeStateError = categoryError("TradeStateError", "TRADE_STATE");
export type TradeStateError = CategoryError<"TRADE_STATE">;

/** A refund rule (window, count, sum, interval) was violated; raised locally before any call. */
export class RefundRuleError extends PaymentError {
  override readonly name = "RefundRuleError";
  constructor(
    readonly rule: "window" | "count" | "sum" | "interval" | "amount" | "state" | "duplicate",
    message: string,
    options: PaymentErrorOptions = {},
  ) {
    super("REFUND_RULE", message, options);
  }
}

export class RateLimitError extends PaymentError {
  override readonly name = "RateLimitError";
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: PaymentErrorOptions & { retryAfterMs?: number } = {}) {
    super("RATE_LIMITED", message, { retryClass: "retry", ...options });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The provider failed on its side (SYSTEMERROR, SYSTEM_ERROR, BIZERR_NEED_RETRY, HTTP 5xx). */
export const ProviderUnavailableError = categoryError(
  "ProviderUnavailableError",
  "PROVIDER_UNAVAILABLE",
  "retry",
);
export type ProviderUnavailableError = CategoryError<"PROVIDER_UNAVAILABLE">;

/**
 * The request may or may not have taken effect (timeout, connection reset, lost response).
 * Query before deciding; resubmit only with the same refund number.
 */
export const OutcomeUnknownError = categoryError("OutcomeUnknownError", "OUTCOME_UNKNOWN", "retry");
export type OutcomeUnknownError = CategoryError<"OUTCOME_UNKNOWN">;

export const ConfigurationError = categoryError("ConfigurationError", "CONFIGURATION");
export type ConfigurationError = CategoryError<"CONFIGURATION">;

export const UnsupportedOperationError = categoryError("UnsupportedOperationError", "UNSUPPORTED");
export type UnsupportedOperationError = CategoryError<"UNSUPPORTED">;

/** A provider sent a status value PayBridge has no mapping for; never mapped to a silent default. */
export class UnknownStatusError extends PaymentError {
  override readonly name = "UnknownStatusError";
  constructor(
    readonly field: string,
    readonly value: unknown,
    options: PaymentErrorOptions = {},
  ) {
    super("UNKNOWN_STATUS", `unknown ${field} ${JSON.stringify(value)}`, options);
  }
}

/** An amount echoed by a provider (query, notification) differs from the local order. */
export const AmountMismatchError = categoryError("AmountMismatchError", "AMOUNT_MISMATCH");
export type AmountMismatchError = CategoryError<"AMOUNT_MISMATCH">;

/**
 * An order, refund or payment belongs to another merchant account than the one it came for: a
 * notification arriving at merchant B's URL for merchant A's order, or a repeated createPayment
 * of an order number recorded for another merchant. Nothing of it is applied. `subject` names
 * the order or refund; `expected` is the merchant it is recorded for, `actual` the one it came for.
 */
export class MerchantMismatchError extends PaymentError {
  override readonly name = "MerchantMismatchError";
  constructor(
    readonly subject: string,
    readonly expected: string,
    readonly actual: string,
    options: PaymentErrorOptions = {},
  ) {
    super("MERCHANT_MISMATCH", `${subject} belongs to merchant ${expected}, not ${actual}`, options);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), subject: this.subject, expected: this.expected, actual: this.actual };
  }
}

/**
 * A provider's answer is not about what was asked: an identifier it echoes (out_trade_no,
 * out_refund_no / out_request_no, mchid, appid, app_id) differs from the request's. The answer is
 * never taken for the asked-for object. Final, and says nothing about the asked-for refund number,
 * so a refund it ends stays open with its outcome unknown (the refund invariant).
 */
export class AnswerMismatchError extends PaymentError {
  override readonly name = "AnswerMismatchError";
  constructor(
    /** The answer's field, as the provider spells it (out_trade_no, out_request_no, mchid). */
    readonly field: string,
    readonly asked: string,
    readonly answered: unknown,
    options: PaymentErrorOptions & { readonly operation?: string } = {},
  ) {
    super(
      "ANSWER_MISMATCH",
      `${options.provider ?? "the provider"} answered ${options.operation ?? "a call"} with ${field} ${JSON.stringify(answered)}, not the ${JSON.stringify(asked)} asked for: the answer is not about what was asked`,
      options,
    );
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field, asked: this.asked, answered: this.answered };
  }
}

/**
 * Throws AnswerMismatchError unless the answer echoes `asked` in `field`. An absent echo is a
 * mismatch too when `required` (the page says the field is always returned).
 */
export function assertEcho(
  field: string,
  asked: string,
  answered: unknown,
  options: PaymentErrorOptions & { readonly operation?: string; readonly required?: boolean } = {},
): void {
  if (answered === asked) return;
  if (answered === undefined && options.required === false) return;
  throw new AnswerMismatchError(field, asked, answered, options);
}

/** A provider error code with no better category; final unless the provider's table says otherwise. */
export const ProviderError = categoryError("ProviderError", "PROVIDER");
export type ProviderError = CategoryError<"PROVIDER">;

/**
 * The ledger (PostgreSQL, PGlite) could not be read or written: connection lost, timeout,
 * server restarting, a deadlock that kept recurring. Retryable unless the database refused the
 * statement itself (a missing table, say: `retryable` is then false). Nothing is sent to a
 * provider while the ledger cannot record it. `sqlState` is the server's SQLSTATE when it sent
 * one (57P01 admin_shutdown, 57014 statement timeout, 55P03 lock timeout, 40P01 deadlock, ...);
 * `cause` is the driver's own error.
 */
export class StoreUnavailableError extends PaymentError {
  override readonly name = "StoreUnavailableError";
  readonly sqlState: string | undefined;
  constructor(
    message: string,
    options: PaymentErrorOptions & { readonly sqlState?: string | undefined } = {},
  ) {
    super("STORE_UNAVAILABLE", message, { retryClass: "retry", ...options });
    this.sqlState = options.sqlState;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), sqlState: this.sqlState };
  }
}

/**
 * The shared rate limiter (Redis) did not answer in time. Retryable. The call it guards was
 * not made: no slot was granted, so nothing was sent.
 */
export const LimiterUnavailableError = categoryError(
  "LimiterUnavailableError",
  "LIMITER_UNAVAILABLE",
  "retry",
);
export type LimiterUnavailableError = CategoryError<"LIMITER_UNAVAILABLE">;

/** A record the ledger already holds would change in a way that is not allowed; `field` names what. */
export class ConflictError extends PaymentError {
  override readonly name = "ConflictError";
  constructor(
    readonly field: string,
    message: string,
    options: PaymentErrorOptions = {},
  ) {
    super("CONFLICT", message, options);
  }
}

/**
 * The marker of a refund left open because its outcome at the provider is not known: a query
 * failed, or the provider refused the call for a reason that says nothing about this refund
 * number (signature, authorization, unknown merchant, an unmapped code). The refund stays at 2
 * with `outcomeUnknown` set in the ledger, and `resumePending()` asks the provider again with
 * backoff. `reason` is the error that left it open. It never means "refund again".
 */
export class RefundOutcomeUnknownError extends OutcomeUnknownError {
  override readonly name = "RefundOutcomeUnknownError";
  constructor(
    readonly outRefundNo: string,
    readonly reason: PaymentError,
  ) {
    super(
      `refund ${outRefundNo} is left open with its outcome unknown (${reason.providerCode ?? reason.code}: ${reason.message}); resumePending() asks the provider again, do not refund it under a new number`,
      {
        provider: reason.provider,
        providerCode: reason.providerCode,
        providerMessage: reason.providerMessage,
        httpStatus: reason.httpStatus,
        cause: reason,
      },
    );
  }
}

/**
 * True for any PayBridge error, whichever copy of the package threw it (ESM or CommonJS build, or
 * another installed version): checks the `Symbol.for("paybridge.error")` brand, not the prototype.
 */
export function isPaymentError(value: unknown): value is PaymentError {
  return brandsOf(value)?.includes("PaymentError") ?? false;
}
