import { ValidationError } from "../errors/errors.js";
import type { Clock } from "../provider/clock.js";
import type { PaymentProvider } from "../provider/contract.js";
import { parseInput } from "../schemas/parse.js";
import {
  type CreatePaymentInput,
  type CreatePaymentResult,
  createPaymentSchema,
} from "../schemas/payment.js";
import type { PaymentLedger } from "./payment-ledger.js";

/**
 * A provider whose createPayment first records the payment in the payment ledger (state 0, with
 * order, merchant, method, amount and expiry), then calls the provider. A crash or a lost answer
 * after the record leaves an unpaid payment that the recovery worker queries and closes; a
 * payment the provider took is therefore never unknown to PayBridge. Bad input is rejected before
 * anything is written. Every other method is the provider's own.
 */
export function recordingProvider(
  inner: PaymentProvider,
  ledger: PaymentLedger,
  clock: Clock,
): PaymentProvider {
  const rules = inner.fieldRules;
  return {
    // The provider's own field rules pass through (the refund service checks them before storing).
    ...(rules ? { fieldRules: rules } : {}),
    get id() {
      return inner.id;
    },
    get merchantId() {
      return inner.merchantId;
    },
    get capabilities() {
      return inner.capabilities;
    },
    get refundRules() {
      return inner.refundRules;
    },
    async createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult> {
      const parsed = parseInput(createPaymentSchema, input, "payment");
      // The provider's own field rules too, so bad input never leaves a record behind.
      inner.fieldRules?.payment(parsed, "payment");
      const { created } = await ledger.recordPayment(
        {
          outTradeNo: parsed.outTradeNo,
          provider: inner.id,
          merchantId: inner.merchantId,
          method: parsed.method,
          currency: parsed.amount.currency,
          amountFen: parsed.amount.fen,
          expiresAt: parsed.expiresAt,
        },
        clock(),
      );
      try {
        return await inner.createPayment(input);
      } catch (error) {
        // A provider's own field rules (WeChat description, Alipay subject) fail before any
        // network call: the provider never saw the order, so the record goes too.
        if (created && error instanceof ValidationError) await ledger.discardUnsent(parsed.outTradeNo);
        throw error;
      }
    },
    queryPayment: (query) => inner.queryPayment(query),
    closePayment: (input) => inner.closePayment(input),
    refund: (request) => inner.refund(request),
    queryRefund: (query) => inner.queryRefund(query),
    listRefunds: (query) => inner.listRefunds(query),
    parseNotification: (raw) => inner.parseNotification(raw),
    acknowledge: (ok) => inner.acknowledge(ok),
  };
}
