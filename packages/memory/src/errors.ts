import { createProviderErrorFactory, type PaymentError } from "@paybridge/core/provider-kit";
import { MemoryNetworkError } from "./network.js";

/** The memory provider's id: what merchant accounts name and every error and result carries. */
export const MEMORY_PROVIDER_ID = "memory";

/** The network's error codes, each classified once; an unlisted code is a final ProviderError. */
export const toPaymentError = createProviderErrorFactory(MEMORY_PROVIDER_ID, {
  NOT_FOUND: { kind: "not_found" },
  PARAM_ERROR: { kind: "invalid_request" },
  TRADE_STATE: { kind: "trade_state" },
  REFUND_EXCEEDED: { kind: "invalid_request", note: "refunds would exceed what was paid" },
});

/** Runs a network call and turns its errors into PaymentErrors, as a real transport would. */
export async function call<T>(fn: () => T): Promise<T> {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MemoryNetworkError)
      throw toPaymentError({ code: e.code, message: e.message, cause: e }) as PaymentError;
    throw e;
  }
}
