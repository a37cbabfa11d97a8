import type { Logger } from "../logger/logger.js";
import type { Clock } from "./clock.js";

/**
 * A service-provider account (WeChat 服务商, Alipay ISV / third-party application): one set of
 * keys, held once, taking payments for many sub-merchants. Each sub-merchant is routed like a
 * merchant account (its `id` is a merchant id in the gateway), but never gets keys of its own: its
 * configuration only says which sub-merchant it is (WeChat sub_mchid / sub_appid, Alipay
 * app_auth_token).
 */
// ServiceProviderSession and ServiceProviderSupport, which name PaymentProvider, live in
// contract.ts beside the provider class that declares them: this file imports nothing from the
// contract, so the two never import each other.
export interface ServiceProviderAccount<Config = unknown> {
  /** PayBridge's name for the service-provider account; unique among merchants and service providers. */
  readonly id: string;
  readonly provider: string;
  /** The provider's ordinary configuration (keys included), checked by its configSchema. */
  readonly config: Config;
  readonly subMerchants: readonly SubMerchantAccount[];
}

export interface SubMerchantAccount {
  /** The merchant id orders of this sub-merchant are routed by, unique in the gateway. */
  readonly id: string;
  /** Which sub-merchant it is, checked by the provider class's `serviceProvider.subMerchantSchema`. */
  readonly config: unknown;
  /** Used when an order names only its provider and the provider has several merchants. */
  readonly default?: boolean;
}

/** What a service-provider session receives: never any merchant's configuration. */
export interface ServiceProviderContext {
  readonly serviceProviderId: string;
  readonly logger: Logger;
  readonly clock: Clock;
}
