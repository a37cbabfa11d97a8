import { type DependencyContainer, container as rootContainer } from "tsyringe";
import type { Logger } from "../logger/logger.js";
import type { PaymentLedger } from "../payments/payment-ledger.js";
import type { Clock } from "../provider/clock.js";
import type { AnyProviderClass, MerchantAccount } from "../provider/contract.js";
import type { ServiceProviderAccount } from "../provider/service-provider.js";
import { PaymentGateway } from "./gateway.js";
import type { Router } from "./routing.js";
import { TOKENS } from "./tokens.js";

export interface PayBridgeContainerOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly router?: Router;
  /** When given, every createPayment through the gateway is recorded in it before the provider is called. */
  readonly payments?: PaymentLedger;
}

/** A child of tsyringe's root container holding one PayBridge setup; several can live in one process. */
export function createPayBridgeContainer(options: PayBridgeContainerOptions = {}): DependencyContainer {
  const c = rootContainer.createChildContainer();
  if (options.logger) c.register(TOKENS.Logger, { useValue: options.logger });
  if (options.clock) c.register(TOKENS.Clock, { useValue: options.clock });
  if (options.router) c.register(TOKENS.Router, { useValue: options.router });
  if (options.payments) c.register(TOKENS.PaymentLedger, { useValue: options.payments });
  return c;
}

/** The one registration call a provider package needs. */
export function registerProvider(container: DependencyContainer, cls: AnyProviderClass): void {
  container.register(TOKENS.ProviderClass, { useValue: cls });
}

export function registerMerchant(container: DependencyContainer, account: MerchantAccount): void {
  container.register(TOKENS.MerchantAccount, { useValue: account });
}

/** A service-provider account and its sub-merchants (see ServiceProviderAccount). */
export function registerServiceProvider(
  container: DependencyContainer,
  account: ServiceProviderAccount,
): void {
  container.register(TOKENS.ServiceProviderAccount, { useValue: account });
}

export function resolveGateway(container: DependencyContainer): PaymentGateway {
  return container.resolve(PaymentGateway);
}
