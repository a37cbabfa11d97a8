import { createProviderErrorFactory, type PaymentError } from "@paybridge/core";
import { MemoryNetworkError } from "./network.js";

const toPaymentError = createProviderErrorFactory("memory", {
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
