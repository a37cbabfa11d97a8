import type { z } from "zod";
import type { Logger } from "../logger/logger.js";
import type { Clock } from "./clock.js";
import type { PaymentProvider, ProviderContext } from "./contract.js";

/**
 * A service-provider account (WeChat 服务商, Alipay ISV / third-party application): one set of
 * keys, held once, taking payments for many sub-merchants. Each sub-merchant is routed like a
 * merchant account (its `id` is a merchant id in the gateway), but never gets keys of its own: its
 * configuration only says which sub-merchant it is (WeChat sub_mchid / sub_appid, Alipay
 * app_auth_token).
 */
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
