import { assertMethodSupported } from "../provider/capabilities.js";
import type { PaymentProvider } from "../provider/contract.js";
import { parseInput } from "../schemas/parse.js";
import { type CreatePaymentInput, createPaymentSchema } from "../schemas/payment.js";

/**
 * `provider` with createPayment refusing a method the provider does not declare in its
 * capabilities, before anything is recorded or sent. Everything else (a provider's own extra
 * methods: bills, cancel, sensitive-field encryption) passes through untouched.
 */
export function capabilityGuard(provider: PaymentProvider): PaymentProvider {
  const createPayment = async (input: CreatePaymentInput) => {
    // The core schema and the provider's own field rules first (they may refuse the method with
    // the provider's own reason), then the declared capabilities.
    const parsed = parseInput(createPaymentSchema, input, "payment");
    provider.fieldRules?.payment(parsed, "payment");
    assertMethodSupported(provider, parsed.method);
    return provider.createPayment(input);
  };
  // Each method bound once, not on every read: a backend reads provider.refund on every call.
  const bound = new Map<PropertyKey, { readonly method: unknown; readonly bound: unknown }>();
  return new Proxy(provider, {
    get(target, key) {
      if (key === "createPayment") return createPayment;
      // Read on the target itself: a getter or method may use the class's private fields.
      const value = Reflect.get(target, key);
      if (typeof value !== "function") return value;
      const held = bound.get(key);
      if (held !== undefined && held.method === value) return held.bound;
      const fresh = value.bind(target);
      bound.set(key, { method: value, bound: fresh });
      return fresh;
    },
  });
}
