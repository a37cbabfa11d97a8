/** tsyringe injection tokens. Symbols from the global registry, so two copies of core still agree. */
export const TOKENS = {
  ProviderClass: Symbol.for("paybridge.ProviderClass"),
  MerchantAccount: Symbol.for("paybridge.MerchantAccount"),
  Router: Symbol.for("paybridge.Router"),
  Logger: Symbol.for("paybridge.Logger"),
  Clock: Symbol.for("paybridge.Clock"),
  PaymentLedger: Symbol.for("paybridge.PaymentLedger"),
  ServiceProviderAccount: Symbol.for("paybridge.ServiceProviderAccount"),
} as const;
