import {
  AccountAbnormalError,
  AuthorizationError,
  InsufficientFundsError,
  InvalidRequestError,
  NotFoundError,
  OutcomeUnknownError,
  type PaymentError,
  type PaymentErrorOptions,
  ProviderError,
  ProviderUnavailableError,
  RateLimitError,
  type RetryClass,
  SignatureError,
  TradeStateError,
} from "./errors.js";

/** The categories a provider error code can fall into; each builds one PaymentError subclass. */
export type ProviderErrorKind =
  | "invalid_request"
  | "signature"
  | "authorization"
  | "not_found"
  | "insufficient_funds"
  | "account_abnormal"
  | "trade_state"
  | "rate_limited"
  | "unavailable"
  | "outcome_unknown"
  | "provider";

export interface ProviderErrorRule {
  readonly kind: ProviderErrorKind;
  /** Overrides the category's default retry class. */
  readonly retry?: RetryClass;
  /** Why the code is classified this way, when it is not obvious. */
  readonly note?: string;
}

export type ProviderErrorTable = Readonly<Record<string, ProviderErrorRule>>;

export interface ProviderErrorInput {
  readonly code: string;
  readonly message?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly cause?: unknown;
}

const BUILDERS: Record<ProviderErrorKind, (message: string, options: PaymentErrorOptions) => PaymentError> = {
  invalid_request: (m, o) => new InvalidRequestError(m, o),
  signature: (m, o) => new SignatureError(m, o),
  authorization: (m, o) => new AuthorizationError(m, o),
  not_found: (m, o) => new NotFoundError(m, o),
  insufficient_funds: (m, o) => new InsufficientFundsError(m, o),
  account_abnormal: (m, o) => new AccountAbnormalError(m, o),
  trade_state: (m, o) => new TradeStateError(m, o),
  rate_limited: (m, o) => new RateLimitError(m, o),
  unavailable: (m, o) => new ProviderUnavailableError(m, o),
  outcome_unknown: (m, o) => new OutcomeUnknownError(m, o),
  provider: (m, o) => new ProviderError(m, o),
};

export type ProviderErrorFactory = (input: ProviderErrorInput) => PaymentError;

/**
 * Builds the one function a provider uses to turn an error answer into a PaymentError.
 * Unknown codes become a final ProviderError that keeps the code: retrying an error nobody has
 * classified could refund twice, so the safe default is to stop and surface it.
 */
export function createProviderErrorFactory(
  provider: string,
  table: ProviderErrorTable,
): ProviderErrorFactory {
  return ({ code, message, httpStatus, cause }) => {
    const rule = table[code];
    const kind = rule?.kind ?? "provider";
    const text = `${provider} ${code}${message ? `: ${message}` : ""}`;
    const options: PaymentErrorOptions = {
      provider,
      providerCode: code,
      providerMessage: message,
      httpStatus,
      cause,
      ...(rule?.retry ? { retryClass: rule.retry } : {}),
    };
    return BUILDERS[kind](text, options);
  };
}
