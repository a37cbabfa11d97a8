import { AmountMismatchError, MerchantMismatchError, TradeStateError } from "../errors/errors.js";
import { type PayBridgeEvent, tradeEvent } from "../events/event.js";
import { describeTradeState, TradeState } from "../states/trade-state.js";
import { mergeTradeState } from "../states/transitions.js";
import type { LedgerPayment, NewPayment, PaymentChange, TradeReport } from "./payment-ledger.js";

/** The row a new payment starts as: unpaid, with no provider status yet. */
export function newPaymentRecord(input: NewPayment, now: Date): LedgerPayment {
  return {
    outTradeNo: input.outTradeNo,
    provider: input.provider,
    merchantId: input.merchantId,
    method: input.method,
    currency: input.currency,
    amountFen: input.amountFen,
    expiresAt: input.expiresAt,
    state: TradeState.UNPAID,
    rawStatus: undefined,
    providerTradeNo: undefined,
    paidFen: undefined,
    paidAt: undefined,
    paidAfterCloseAt: undefined,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A repeated createPayment of a recorded order number is allowed only with the same merchant,
 * amount and currency (the provider treats it as the same order), and only while it is unpaid.
 */
export function checkRepeat(existing: LedgerPayment, input: NewPayment): void {
  if (existing.merchantId !== input.merchantId) {
    throw new MerchantMismatchError(`outTradeNo ${input.outTradeNo}`, existing.merchantId, input.merchantId, {
      provider: existing.provider,
    });
  }
  if (existing.amountFen !== input.amountFen || existing.currency !== input.currency) {
    throw new AmountMismatchError(
      `outTradeNo ${input.outTradeNo} is recorded at ${existing.amountFen} ${existing.currency}, not ${input.amountFen} ${input.currency}`,
      { provider: existing.provider },
    );
  }
  if (existing.state !== TradeState.UNPAID) {
    throw new TradeStateError(
      `outTradeNo ${input.outTradeNo} is ${describeTradeState(existing.state)}; a new payment needs a new order number`,
    );
  }
}

/**
 * Merges a provider report into a payment forward only (DESIGN "Unified states"): a stale or
 * duplicate report changes nothing. The one move past a final state is CLOSED -> PAID/REFUND: the
 * buyer paid while or after PayBridge closed the order, the provider holds the money, and losing
 * that fact would lose a payment; it is flagged `paidAfterClose` so the late-payment policy runs.
 */
export function mergeReport(current: LedgerPayment, report: TradeReport, now: Date): PaymentChange {
  const paidReport = report.state === TradeState.PAID || report.state === TradeState.REFUND;
  const paidAfterClose = current.state === TradeState.CLOSED && paidReport;
  const state = paidAfterClose ? report.state : mergeTradeState(current.state, report.state);
  const changed = state !== current.state;
  if (!changed) {
    return { payment: current, previous: current, changed: false, paidAfterClose: false };
  }
  const payment: LedgerPayment = {
    ...current,
    state,
    rawStatus: report.rawStatus,
    providerTradeNo: report.providerTradeNo ?? current.providerTradeNo,
    paidFen: paidReport ? (report.paidFen ?? current.amountFen) : current.paidFen,
    paidAt: paidReport ? (report.paidAt ?? now) : current.paidAt,
    paidAfterCloseAt: paidAfterClose ? now : current.paidAfterCloseAt,
    updatedAt: now,
  };
  return { payment, previous: current, changed: true, paidAfterClose };
}

/** The events a change writes: the state reached, and trade.paid_after_close for a late payment. */
export function paymentEvents(change: PaymentChange, now: Date): PayBridgeEvent[] {
  if (!change.changed) return [];
  const p = change.payment;
  const subject = {
    outTradeNo: p.outTradeNo,
    provider: p.provider,
    merchantId: p.merchantId,
    state: p.state,
    rawStatus: p.rawStatus,
    amount: { fen: p.amountFen, currency: p.currency },
  };
  const events = [tradeEvent(subject, now)];
  if (change.paidAfterClose) events.push(tradeEvent(subject, now, "trade.paid_after_close"));
  return events.filter((e): e is PayBridgeEvent => e !== undefined);
}
