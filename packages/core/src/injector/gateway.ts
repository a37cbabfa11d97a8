import { inject, injectAll, injectable } from "tsyringe";
import type { z } from "zod";
import { ConfigurationError } from "../errors/errors.js";
import { concealSecrets, concealWith } from "../logger/conceal.js";
import { type Logger, silentLogger } from "../logger/logger.js";
import { redactingLogger, SecretRegistry } from "../logger/redact.js";
import type { PaymentLedger } from "../payments/payment-ledger.js";
import { recordingProvider } from "../payments/recording-provider.js";
import { type Clock, systemClock } from "../provider/clock.js";
import type {
  AnyProviderClass,
  MerchantAccount,
  PaymentProvider,
  ServiceProviderSession,
} from "../provider/contract.js";
import type { ServiceProviderAccount } from "../provider/service-provider.js";
import { parseInput } from "../schemas/parse.js";
import { capabilityGuard } from "./capability-guard.js";
import type { OrderRoute, Router } from "./routing.js";
import { TOKENS } from "./tokens.js";

/**
 * Picks the provider and merchant account for each order. Each merchant account gets its own
 * provider instance, built with that account's configuration only: two merchants never share keys.
 */
@injectable()
export class PaymentGateway {
  private readonly classes = new Map<string, AnyProviderClass>();
  private readonly accounts = new Map<string, MerchantAccount>();
  /**
   * Indexes kept beside `accounts` so routing never walks every merchant: the account list handed
   * to a router (rebuilt only when an account is added) and each provider's accounts.
   */
  private merchantList: readonly MerchantAccount[] | undefined;
  private readonly byProvider = new Map<string, MerchantAccount[]>();
  /** Each provider's first account marked default. */
  private readonly markedDefault = new Map<string, MerchantAccount>();
  /**
   * The account an order naming only its provider goes to: the provider's sole account, else its
   * first marked default. Kept up to date as accounts are added, so such an order costs one lookup
   * whether the provider has one merchant or a thousand.
   */
  private readonly defaultByProvider = new Map<string, MerchantAccount>();
  private readonly instances = new Map<string, PaymentProvider>();
  /** Service-provider accounts by id, with their parsed configuration (keys included). */
  private readonly serviceProviderAccounts = new Map<string, ServiceProviderAccount>();
  /** One opened session per service-provider account, shared by all its sub-merchants. */
  private readonly sessions = new Map<string, ServiceProviderSession>();
  private readonly secrets = new SecretRegistry();
  private readonly logger: Logger;
  private paymentLedger: PaymentLedger | undefined;

  constructor(
    @injectAll(TOKENS.ProviderClass, { isOptional: true }) classes: AnyProviderClass[] | undefined,
    @injectAll(TOKENS.MerchantAccount, { isOptional: true }) accounts: MerchantAccount[] | undefined,
    @inject(TOKENS.Router, { isOptional: true }) private readonly router: Router | undefined,
    @inject(TOKENS.Logger, { isOptional: true }) logger: Logger | undefined,
    @inject(TOKENS.Clock, { isOptional: true }) private readonly clock: Clock = systemClock,
    @inject(TOKENS.PaymentLedger, { isOptional: true }) payments?: PaymentLedger,
    @injectAll(TOKENS.ServiceProviderAccount, { isOptional: true })
    serviceProviders?: ServiceProviderAccount[] | undefined,
  ) {
    this.paymentLedger = payments;
    this.logger = redactingLogger(logger ?? silentLogger, this.secrets);
    for (const cls of classes ?? []) this.addProvider(cls);
    for (const account of accounts ?? []) this.addMerchant(account);
    for (const account of serviceProviders ?? []) this.addServiceProvider(account);
    // Printed (util.inspect, JSON.stringify) as its providers and redacted merchants only: the
    // provider instances it caches hold keys, and so do the accounts' configurations.
    concealWith(this, () => ({ providers: this.providerIds, merchants: this.merchants }));
  }

  addProvider(cls: AnyProviderClass): void {
    const existing = this.classes.get(cls.id);
    if (existing && existing !== cls) {
      throw new ConfigurationError(`two provider classes claim the id "${cls.id}"`);
    }
    this.classes.set(cls.id, cls);
  }

  /** Adds a merchant account; its configuration is validated by its provider's schema now, not at first use. */
  addMerchant(account: MerchantAccount): void {
    const cls = this.classes.get(account.provider);
    if (!cls) {
      throw new ConfigurationError(
        `merchant "${account.id}" names provider "${account.provider}", which is not registered (registered: ${[...this.classes.keys()].join(", ") || "none"})`,
      );
    }
    if (this.accounts.has(account.id))
      throw new ConfigurationError(`merchant "${account.id}" is added twice`);
    this.secrets.addFromConfig(account.config);
    const config = parseInput(cls.configSchema, account.config, `merchants.${account.id}.config`);
    // The account and its config print with their secrets redacted (util.inspect, JSON.stringify).
    this.putAccount(
      account.id,
      concealSecrets({
        ...account,
        config: typeof config === "object" && config !== null ? concealSecrets(config) : config,
      }),
    );
  }

  /**
   * Adds a service-provider account: its configuration is checked by its provider's schema and held
   * once; each sub-merchant becomes a merchant account (routable by its id like any other) whose
   * configuration is its sub-merchant identity only, checked by the class's subMerchantSchema.
   */
  addServiceProvider(account: ServiceProviderAccount): void {
    const cls = this.classes.get(account.provider);
    if (!cls) {
      throw new ConfigurationError(
        `service provider "${account.id}" names provider "${account.provider}", which is not registered (registered: ${[...this.classes.keys()].join(", ") || "none"})`,
      );
    }
    const support = cls.serviceProvider;
    if (!support) {
      throw new ConfigurationError(
        `service provider "${account.id}": provider "${account.provider}" has no service-provider mode`,
      );
    }
    if (this.serviceProviderAccounts.has(account.id) || this.accounts.has(account.id)) {
      throw new ConfigurationError(`service provider "${account.id}" is added twice or names a merchant`);
    }
    const root = `serviceProviders.${account.id}`;
    this.secrets.addFromConfig(account.config);
    const config = parseInput(cls.configSchema, account.config, `${root}.config`);
    const subs = account.subMerchants.map((sub) => {
      if (this.accounts.has(sub.id) || this.serviceProviderAccounts.has(sub.id) || sub.id === account.id) {
        throw new ConfigurationError(`sub-merchant "${sub.id}" of "${account.id}" is added twice`);
      }
      this.secrets.addFromConfig(sub.config);
      return {
        id: sub.id,
        provider: account.provider,
        config: parseInput(support.subMerchantSchema, sub.config, `${root}.subMerchants.${sub.id}`),
        serviceProvider: account.id,
        ...(sub.default !== undefined ? { default: sub.default } : {}),
      };
    });
    const seen = new Set<string>();
    for (const sub of subs) {
      if (seen.has(sub.id)) throw new ConfigurationError(`sub-merchant "${sub.id}" is added twice`);
      seen.add(sub.id);
    }
    this.serviceProviderAccounts.set(account.id, {
      id: account.id,
      provider: account.provider,
      config,
      subMerchants: [],
    });
    for (const sub of subs) {
      this.putAccount(
        sub.id,
        concealSecrets({
          ...sub,
          config:
            typeof sub.config === "object" && sub.config !== null ? concealSecrets(sub.config) : sub.config,
        }),
      );
    }
  }

  /** The sub-merchant accounts of service provider `id` (empty for an unknown id). */
  subMerchantsOf(id: string): readonly MerchantAccount[] {
    return this.merchants.filter((m) => m.serviceProvider === id);
  }

  /**
   * `logger` wrapped so that no secret of any merchant this gateway holds (nor any PEM private key)
   * is written through it. Every PayBridge component that logs wraps its logger with this.
   */
  redacting(logger: Logger): Logger {
    return redactingLogger(logger, this.secrets);
  }

  /**
   * The payment ledger createPayment records into (set by createPayBridgeContainer({ payments })
   * or here, before the first forOrder / forMerchant call), or undefined when payments are not recorded.
   */
  get payments(): PaymentLedger | undefined {
    return this.paymentLedger;
  }

  usePaymentLedger(ledger: PaymentLedger): void {
    if (this.instances.size > 0) {
      throw new ConfigurationError("usePaymentLedger must be called before the first provider is used");
    }
    this.paymentLedger = ledger;
  }

  /** The provider's own refund notify URL rule, when its class declares one. */
  refundNotifyUrlSchema(providerId: string): z.ZodType<string> | undefined {
    return this.classes.get(providerId)?.refundNotifyUrlSchema;
  }

  get providerIds(): string[] {
    return [...this.classes.keys()];
  }

  /** Every merchant account, in the order added (one frozen list, rebuilt only when an account is added). */
  get merchants(): readonly MerchantAccount[] {
    this.merchantList ??= Object.freeze([...this.accounts.values()]);
    return this.merchantList;
  }

  /**
   * The merchant account that serves `order`: its own merchantId, then the router, then the
   * provider's default. Constant time in the number of merchants (map lookups; a router gets the
   * prebuilt list).
   */
  merchantFor(order: OrderRoute): MerchantAccount {
    const id =
      order.merchantId ??
      (this.router ? this.router(order, this.merchants) : undefined) ??
      this.defaultMerchantId(order);
    const account = this.accounts.get(id);
    if (!account)
      throw new ConfigurationError(`no merchant account "${id}" for order ${order.outTradeNo ?? ""}`);
    if (order.provider && account.provider !== order.provider) {
      throw new ConfigurationError(
        `order ${order.outTradeNo ?? ""} is for provider "${order.provider}" but merchant "${id}" is "${account.provider}"`,
      );
    }
    return account;
  }

  /** The provider instance for `order`, created on first use and reused afterwards. */
  forOrder(order: OrderRoute): PaymentProvider {
    return this.forMerchant(this.merchantFor(order).id);
  }

  forMerchant(merchantId: string): PaymentProvider {
    const cached = this.instances.get(merchantId);
    if (cached) return cached;
    const account = this.accounts.get(merchantId);
    if (!account) throw new ConfigurationError(`no merchant account "${merchantId}"`);
    const cls = this.classes.get(account.provider);
    if (!cls) throw new ConfigurationError(`provider "${account.provider}" is not registered`);
    const context = {
      merchantId,
      clock: this.clock,
      logger: this.logger.child({ provider: cls.id, merchant: merchantId }),
    };
    const created = account.serviceProvider
      ? this.session(account.serviceProvider).subMerchant(account.config, context)
      : new cls(account.config, context);
    const recorded = this.paymentLedger
      ? recordingProvider(created, this.paymentLedger, this.clock)
      : created;
    // A method the provider does not declare is refused here, before anything is recorded or sent.
    const instance = capabilityGuard(recorded);
    this.instances.set(merchantId, instance);
    return instance;
  }

  /** The service provider's session, opened on its first sub-merchant's first use. */
  private session(serviceProviderId: string): ServiceProviderSession {
    const cached = this.sessions.get(serviceProviderId);
    if (cached) return cached;
    const account = this.serviceProviderAccounts.get(serviceProviderId);
    const support = account ? this.classes.get(account.provider)?.serviceProvider : undefined;
    if (!account || !support) throw new ConfigurationError(`no service provider "${serviceProviderId}"`);
    const opened = support.open(account.config, {
      serviceProviderId,
      clock: this.clock,
      logger: this.logger.child({ provider: account.provider, serviceProvider: serviceProviderId }),
    });
    this.sessions.set(serviceProviderId, opened);
    return opened;
  }

  private putAccount(id: string, account: MerchantAccount): void {
    this.accounts.set(id, account);
    this.merchantList = undefined;
    const list = this.byProvider.get(account.provider) ?? [];
    list.push(account);
    this.byProvider.set(account.provider, list);
    if (account.default && !this.markedDefault.has(account.provider))
      this.markedDefault.set(account.provider, account);
    const chosen = list.length === 1 ? list[0] : this.markedDefault.get(account.provider);
    if (chosen) this.defaultByProvider.set(account.provider, chosen);
    else this.defaultByProvider.delete(account.provider);
  }

  private defaultMerchantId(order: OrderRoute): string {
    if (!order.provider) {
      throw new ConfigurationError(
        `cannot route order ${order.outTradeNo ?? ""}: it names no merchant or provider and no router chose one`,
      );
    }
    const chosen = this.defaultByProvider.get(order.provider);
    if (!chosen) {
      const candidates = this.byProvider.get(order.provider) ?? [];
      throw new ConfigurationError(
        candidates.length === 0
          ? `no merchant account for provider "${order.provider}"`
          : `provider "${order.provider}" has ${candidates.length} merchants and none is marked default`,
      );
    }
    return chosen.id;
  }
}
