import { ValidationError } from "../errors/errors.js";
import type { Clock } from "../provider/clock.js";
import type { PaymentProvider } from "../provider/contract.js";
import { parseInput } from "../schemas/parse.js";
import type { TradeResult } from "../schemas/payment.js";
import {
  type CreatePaymentInput,
  type CreatePaymentResult,
  createPaymentSchema,
} from "../schemas/payment.js";
import { TradeState } from "../states/trade-state.js";
import type { PaymentLedger, TradeReportSource } from "./payment-ledger.js";

/**
 * How long after it was recorded an in-person payment without its own expiry counts as expired
 * for the recovery worker: past every provider's query-and-reverse loop (WeChat 45 s, Alipay
 * about 60 s), so the worker only ever reverses a payment whose loop was cut short (a crash, or a
 * reversal whose outcome stayed unknown).
 */
export const IN_PERSON_RECORD_EXPIRY_MS = 5 * 60_000;

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
  /**
   * Writes a final in-person outcome. A ledger that fails here does not fail the call: the
   * payment is recorded (state 0, with an expiry), the provider's answer is what the cashier acts
   * on, and the recovery worker's query records the same outcome later. Failing the call would
   * make the cashier scan the buyer's code again for a payment that already went through.
   */
  const record = async (trade: TradeResult, source: TradeReportSource): Promise<void> => {
    if (trade.state === TradeState.UNPAID) return;
    const paid = trade.state === TradeState.PAID || trade.state === TradeState.REFUND;
    try {
      await ledger.applyReport(
        trade.outTradeNo,
        {
          state: trade.state,
          rawStatus: trade.rawStatus,
          source,
          providerTradeNo: trade.providerTradeNo,
          paidFen: paid ? (trade.paidAmount ?? trade.amount)?.fen : undefined,
          paidAt: paid ? trade.paidAt : undefined,
        },
        clock(),
      );
    } catch {
      // Recorded at 0 already; see above.
    }
  };
  const recording: PaymentProvider = {
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
      const now = clock();
      const expiresAt =
        parsed.expiresAt ??
        (parsed.method === "barcode" ? new Date(now.getTime() + IN_PERSON_RECORD_EXPIRY_MS) : undefined);
      const { created } = await ledger.recordPayment(
        {
          outTradeNo: parsed.outTradeNo,
          provider: inner.id,
          merchantId: inner.merchantId,
          method: parsed.method,
          currency: parsed.amount.currency,
          amountFen: parsed.amount.fen,
          expiresAt,
        },
        now,
      );
      try {
        const result = await inner.createPayment(input);
        // An in-person payment ended inside the call: its final state goes in the ledger now.
        if (result.action.type === "in_person") await record(result.action.trade, "create");
        return result;
      } catch (error) {
        // A provider's own field rules (WeChat description, Alipay subject) fail before any
        // network call: the provider never saw the order, so the record goes too.
        if (created && error instanceof ValidationError) await ledger.discardUnsent(parsed.outTradeNo);
        throw error;
      }
    },
    ...(inner.reversePayment
      ? {
          reversePayment: async (input) => {
            const reverse = inner.reversePayment?.bind(inner);
            if (!reverse) throw new Error("unreachable: reversePayment vanished");
            const before = await ledger.getPayment(input.outTradeNo);
            const reported = await reverse(input);
            // Reversing a payment the ledger holds as paid refunds it in full (WeChat REVOKED,
            // Alipay action refund): that is 4, not a close; a forward-only ledger would keep 3.
            const trade =
              before?.state === TradeState.PAID && reported.state === TradeState.CLOSED
                ? { ...reported, state: TradeState.REFUND }
                : reported;
            await record(trade, "close");
            return trade;
          },
        }
      : {}),
    queryPayment: (query) => inner.queryPayment(query),
    closePayment: (input) => inner.closePayment(input),
    refund: (request) => inner.refund(request),
    queryRefund: (query) => inner.queryRefund(query),
    listRefunds: (query) => inner.listRefunds(query),
    parseNotification: (raw) => inner.parseNotification(raw),
    acknowledge: (ok) => inner.acknowledge(ok),
  };
  // A provider's own extra methods (bills, cancel, sensitive-field encryption) pass through
  // untouched, as through the capability guard: a gateway with a payment ledger still downloads
  // a merchant's bills.
  return new Proxy(recording, {
    get(target, key) {
      if (Reflect.has(target, key)) return Reflect.get(target, key);
      const value = Reflect.get(inner, key);
      return typeof value === "function" ? value.bind(inner) : value;
    },
  });
}
