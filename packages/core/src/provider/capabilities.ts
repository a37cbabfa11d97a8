import { ValidationError } from "../errors/errors.js";
import type { PaymentMethod } from "../schemas/payment.js";
import type { PaymentProvider, ProviderFieldRules, ProviderMode } from "./contract.js";

/** Whether `provider` declares `method` among its capabilities. */
export function supportsMethod(
  provider: Pick<PaymentProvider, "capabilities">,
  method: PaymentMethod,
): boolean {
  return provider.capabilities.methods.includes(method);
}

/** Whether `provider` declares `mode`; a provider that declares no modes is a merchant-mode provider. */
export function supportsMode(provider: Pick<PaymentProvider, "capabilities">, mode: ProviderMode): boolean {
  return (provider.capabilities.modes ?? ["merchant"]).includes(mode);
}

/**
 * Throws a ValidationError naming `field` when `provider` does not take `method`: raised before
 * anything is recorded or sent, so an unsupported method never reaches the network.
 */
export function assertMethodSupported(
  provider: Pick<PaymentProvider, "capabilities" | "id" | "merchantId">,
  method: PaymentMethod,
  field = "payment.method",
): void {
  if (supportsMethod(provider, method)) return;
  const supported = provider.capabilities.methods.join(", ");
  throw new ValidationError(
    field,
    `${field}: ${method} is not supported by provider ${provider.id} (merchant ${provider.merchantId}); it supports ${supported}`,
  );
}

/**
 * `rules` with one more payment rule run after its own: how a provider adds its method rules
 * ("page is an Alipay method") to its field rules, so the gateway's capability guard, which runs
 * the field rules first, reports the provider's own reason.
 */
export function withPaymentRule(
  rules: ProviderFieldRules,
  extra: (input: Parameters<ProviderFieldRules["payment"]>[0], root: string) => void,
): ProviderFieldRules {
  return {
    ...rules,
    payment(input, root) {
      rules.payment(input, root);
      extra(input, root);
    },
  };
}
