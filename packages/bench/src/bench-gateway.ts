import {
  type AnyProviderClass,
  createPayBridgeContainer,
  type PaymentGateway,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";

/**
 * A PaymentGateway holding one merchant account, as a backend builds it: the candidate side of an
 * overhead benchmark gets its provider from here (forOrder per operation), so routing, the
 * capability guard and the gateway's redacting logger are all counted.
 */
export function benchGateway(cls: AnyProviderClass, merchantId: string, config: unknown): PaymentGateway {
  const container = createPayBridgeContainer();
  registerProvider(container, cls);
  registerMerchant(container, { id: merchantId, provider: cls.id, config });
  return resolveGateway(container);
}
