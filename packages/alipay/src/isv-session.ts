import { type PaymentProvider } from "@paybridge/core";
import {
  type ProviderContext,
  parseInput,
  type ServiceProviderContext,
  type ServiceProviderSession,
} from "@paybridge/core/provider-kit";
import { AlipayGatewayClient } from "./client.js";
import { type AlipayConfig, type AlipayConfigInput, alipayConfigSchema } from "./config.js";
import type { AlipaySubMerchant } from "./isv-config.js";

/** Builds one sub-merchant's provider (AlipayProvider with its binding; passed in, so this file never imports the provider). */
export type AlipaySubMerchantFactory = (
  config: AlipayConfig,
  context: ProviderContext,
  binding: AlipayIsvBinding,
) => PaymentProvider;

/** What an ISV's sub-merchant instance is built with: the ISV's one client, and which merchant it acts for. */
export interface AlipayIsvBinding {
  readonly client: AlipayGatewayClient;
  readonly subMerchant: AlipaySubMerchant;
}

/**
 * An ISV's (third-party) app opened once: its keys and Alipay's (and, in certificate mode, the
 * certificate store with its downloads) held once for every merchant that authorised it. Each
 * sub-merchant instance calls through it with its own app_auth_token
 * (https://opendocs.alipay.com/isv/10467/xldcyq): pay, query, close, cancel, refund, refund query
 * and bills alike.
 */
export class AlipayIsvSession implements ServiceProviderSession<AlipaySubMerchant> {
  private readonly config: AlipayConfig;
  private readonly client: AlipayGatewayClient;

  constructor(
    config: AlipayConfigInput,
    context: ServiceProviderContext,
    private readonly make: AlipaySubMerchantFactory,
  ) {
    this.config = parseInput(alipayConfigSchema, config, "config");
    this.client = new AlipayGatewayClient(this.config, context.clock);
  }

  subMerchant(sub: AlipaySubMerchant, context: ProviderContext): PaymentProvider {
    return this.make(this.config, context, { client: this.client, subMerchant: sub });
  }
}
