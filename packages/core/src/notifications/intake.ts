import {
  AmountMismatchError,
  AnswerMismatchError,
  ConfigurationError,
  MerchantMismatchError,
  NotFoundError,
  PaymentError,
  TradeStateError,
} from "../errors/errors.js";
import type { EventDispatcher } from "../events/dispatcher.js";
import type { Outbox } from "../events/outbox.js";
import type { PaymentGateway } from "../injector/gateway.js";
import { type Logger, silentLogger } from "../logger/logger.js";
import type { PaymentLedger } from "../payments/payment-ledger.js";
import { type Clock, systemClock } from "../provider/clock.js";
import type { PaymentProvider } from "../provider/contract.js";
import type { RefundLedger } from "../refunds/ledger.js";
import { ledgerOrderFromTrade } from "../refunds/ledger-order.js";
import type {
  NotificationAck,
  NotificationEvent,
  NotifiedTrade,
  RawNotification,
} from "../schemas/notification.js";
import type { TradeResult } from "../schemas/payment.js";
import type { RefundResult } from "../schemas/refund.js";
import { RefundState } from "../states/refund-state.js";
import { TradeState } from "../states/trade-state.js";
import { MemoryNotificationInbox, type NotificationInbox } from "./inbox.js";
import { type AppliedSubject, NotificationEvents } from "./notification-events.js";
import type { ExpectedOrder, OrderLookup } from "./order-book.js";

export interface NotificationIntakeOptions {
  readonly gateway: PaymentGateway;
  readonly ledger: RefundLedger;
  /**
   * The payment ledger createPayment recorded into (default: the gateway's). Paid amounts and
   * merchants are checked against it, so no `orders` lookup is needed for payments made through
   * PayBridge, and each trade notification moves the recorded payment forward.
   */
  readonly payments?: PaymentLedger;
  /**
   * The merchant's order book, for orders created outside PayBridge; asked first. Paid amounts
   * are checked against it (then the payment ledger, then the refund ledger).
   */
  readonly orders?: OrderLookup;
  readonly inbox?: NotificationInbox;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Where events go when the ledgers keep none of their own (default: the payment ledger's,
   * then the refund ledger's, then one in memory).
   */
  readonly outbox?: Outbox;
  /** Delivers the order's events to the app's handlers after each applied notification. */
  readonly events?: EventDispatcher;
  /**
   * Legacy hook, now a thin wrapper over the outbox: the change a notification made is delivered
   * to it once (at least once across crashes), after the change is durable and before the
   * provider is answered; a throw answers failure and the event is delivered again on the
   * provider's retry. Prefer `events` (an EventDispatcher with handlers by event type), which
   * also receives changes made by queries, closes and the refund engine. Not both.
   */
  readonly onEvent?: (event: NotificationEvent) => Promise<void> | void;
}

export type IntakeOutcome =
  | { readonly outcome: "applied"; readonly event: NotificationEvent; readonly ack: NotificationAck }
  | { readonly outcome: "duplicate"; readonly event: NotificationEvent; readonly ack: NotificationAck }
  | { readonly outcome: "rejected"; readonly error: PaymentError; readonly ack: NotificationAck };

/**
 * The answer to a notification sent to a merchant id this gateway does not hold. No provider can
 * shape it, so it is plain HTTP: 404, and a body that does not echo the caller's path back.
 */
export const UNKNOWN_MERCHANT_ACK: NotificationAck = {
  status: 404,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: "unknown notification endpoint",
};

/**
 * The one way notifications enter PayBridge: verified by the merchant's provider, deduplicated,
 * checked against the order, applied to the ledger forward only, and acknowledged only after the
 * write is durable. Anything else answers failure, so the provider sends it again.
 */
export class NotificationIntake {
  private readonly inbox: NotificationInbox;
  private readonly clock: Clock;
  /** The intake's logger, redacted with every secret the gateway's merchants hold; adapters log through it. */
  readonly logger: Logger;
  private readonly payments: PaymentLedger | undefined;
  private readonly events: NotificationEvents;

  constructor(private readonly options: NotificationIntakeOptions) {
    this.payments = options.payments ?? options.gateway.payments;
    this.inbox = options.inbox ?? new MemoryNotificationInbox();
    this.clock = options.clock ?? systemClock;
    this.logger = options.gateway
      .redacting(options.logger ?? silentLogger)
      .child({ component: "notifications" });
    this.events = new NotificationEvents(
      {
        outbox: options.outbox ?? this.payments?.outbox ?? options.ledger.outbox,
        events: options.events,
        onEvent: options.onEvent,
      },
      this.clock,
    );
  }

  /** The gateway whose merchants this intake answers for (what the NestJS module provides as PaymentGateway). */
  get gateway(): PaymentGateway {
    return this.options.gateway;
  }

  /** The outbox this intake's events are in (what a dispatcher or the recovery worker reads). */
  get outbox(): Outbox {
    return this.events.outbox;
  }

  /**
   * `merchantId` comes from the notify URL the merchant configured: the adapters route
   * `POST <prefix>/:merchantId` (e.g. /notify/wx-main for merchant "wx-main"), so it is whatever an unauthenticated caller put in the path. This method never rejects: every
   * failure, an unknown merchant included, becomes a "rejected" outcome with the answer to send.
   */
  async handle(merchantId: string, raw: RawNotification): Promise<IntakeOutcome> {
    let provider: PaymentProvider;
    try {
      provider = this.options.gateway.forMerchant(merchantId);
    } catch (e) {
      const error =
        e instanceof PaymentError
          ? e
          : new ConfigurationError(`no merchant account for this notification: ${String(e)}`, { cause: e });
      // The id is attacker-chosen: logged as data (truncated), never interpolated into the message.
      this.logger.warn(
        { merchantId: merchantId.slice(0, 64), code: error.code },
        "notification for an unknown merchant",
      );
      return { outcome: "rejected", error, ack: UNKNOWN_MERCHANT_ACK };
    }
    let event: NotificationEvent | undefined;
    try {
      event = await provider.parseNotification(raw);
      const keys = dedupeKeys(event);
      if ((await Promise.all(keys.map((k) => this.inbox.has(k)))).some(Boolean)) {
        this.logger.info({ id: event.id, eventType: event.eventType }, "duplicate notification");
        return { outcome: "duplicate", event, ack: provider.acknowledge(true) };
      }
      const applied =
        event.kind === "trade"
          ? await this.applyTrade(merchantId, event.trade)
          : await this.applyRefund(merchantId, event.refund);
      await this.events.afterApply(event, applied);
      const now = this.clock();
      for (const key of keys) await this.inbox.remember(key, now);
      this.logger.info({ id: event.id, eventType: event.eventType }, "notification applied");
      return { outcome: "applied", event, ack: provider.acknowledge(true) };
    } catch (e) {
      const error =
        e instanceof PaymentError
          ? e
          : new PaymentError("PROVIDER", `notification handling failed: ${String(e)}`, {
              provider: provider.id,
              cause: e,
            });
      this.logger.warn(
        { err: error, id: event?.id, merchantId },
        "notification refused; the provider will retry",
      );
      return { outcome: "rejected", error, ack: provider.acknowledge(false) };
    }
  }

  private async expected(outTradeNo: string): Promise<ExpectedOrder | undefined> {
    const fromBook = await this.options.orders?.(outTradeNo);
    if (fromBook) return fromBook;
    const recorded = await this.payments?.getPayment(outTradeNo);
    if (recorded) {
      return {
        outTradeNo,
        provider: recorded.provider,
        merchantId: recorded.merchantId,
        amount: { fen: recorded.amountFen, currency: recorded.currency },
      };
    }
    const fromLedger = await this.options.ledger.getOrder(outTradeNo);
    if (!fromLedger) return undefined;
    return {
      outTradeNo,
      provider: fromLedger.provider,
      merchantId: fromLedger.merchantId,
      amount: { fen: fromLedger.totalFen, currency: fromLedger.currency },
    };
  }

  private async applyTrade(merchantId: string, trade: NotifiedTrade): Promise<AppliedSubject> {
    const order = await this.expected(trade.outTradeNo);
    const provider = { provider: trade.provider };
    if (!order) throw new NotFoundError(`notification for unknown order ${trade.outTradeNo}`, provider);
    if (order.merchantId !== merchantId) {
      throw new MerchantMismatchError(`order ${trade.outTradeNo}`, order.merchantId, merchantId, provider);
    }
    if (trade.amount.fen !== order.amount.fen || trade.amount.currency !== order.amount.currency) {
      throw new AmountMismatchError(
        `order ${trade.outTradeNo} is ${order.amount.fen} ${order.amount.currency} but the notification says ${trade.amount.fen} ${trade.amount.currency}`,
        provider,
      );
    }
    // Only paid trades enter the refund ledger; unpaid, closed and failed ones are the order book's.
    // The refund ledger is written first, so whatever reacts to the payment can refund it at once.
    if (trade.state === TradeState.PAID || trade.state === TradeState.REFUND) {
      await this.options.ledger.saveOrder(
        ledgerOrderFromTrade(trade, { provider: order.provider, merchantId }, this.clock()),
      );
    }
    const state = (await this.recordTrade(order, trade)) ?? trade.state;
    return {
      kind: "trade",
      subject: { ...order, state, rawStatus: trade.rawStatus },
      ledgerWritesEvents: this.payments?.outbox !== undefined,
    };
  }

  /** Moves the payment ledger's row forward; an order known only to the `orders` lookup is recorded first. */
  private async recordTrade(
    order: ExpectedOrder,
    trade: TradeResult,
  ): Promise<TradeResult["state"] | undefined> {
    const payments = this.payments;
    if (!payments) return undefined;
    const now = this.clock();
    if (!(await payments.getPayment(trade.outTradeNo))) {
      // A concurrent duplicate may record (and move) it first: a TradeStateError then means "already there".
      await payments
        .recordPayment(
          {
            outTradeNo: trade.outTradeNo,
            provider: order.provider,
            merchantId: order.merchantId,
            currency: order.amount.currency,
            amountFen: order.amount.fen,
          },
          now,
        )
        .catch((e: unknown) => {
          if (!(e instanceof TradeStateError)) throw e;
        });
    }
    const change = await payments.applyReport(
      trade.outTradeNo,
      {
        state: trade.state,
        rawStatus: trade.rawStatus,
        source: "notification",
        providerTradeNo: trade.providerTradeNo,
        paidFen: trade.paidAmount?.fen,
        paidAt: trade.paidAt,
      },
      now,
    );
    return change.payment.state;
  }

  private async applyRefund(merchantId: string, refund: RefundResult): Promise<AppliedSubject> {
    const stored = await this.options.ledger.getRefund(refund.outRefundNo);
    // A refund PayBridge did not issue (made by hand on the merchant platform) is not ours to book.
    const provider = { provider: refund.provider };
    if (!stored) throw new NotFoundError(`notification for unknown refund ${refund.outRefundNo}`, provider);
    if (stored.merchantId !== merchantId) {
      throw new MerchantMismatchError(
        `refund ${refund.outRefundNo}`,
        stored.merchantId,
        merchantId,
        provider,
      );
    }
    if (stored.outTradeNo !== refund.outTradeNo) {
      throw new AnswerMismatchError("outTradeNo", stored.outTradeNo, refund.outTradeNo, {
        ...provider,
        operation: `the notification of refund ${refund.outRefundNo}`,
      });
    }
    if (stored.amountFen !== refund.amount.fen || stored.currency !== refund.amount.currency) {
      throw new AmountMismatchError(
        `refund ${refund.outRefundNo} is ${stored.amountFen} ${stored.currency} but the notification says ${refund.amount.fen} ${refund.amount.currency}`,
        provider,
      );
    }
    const saved = await this.options.ledger.updateRefund(
      refund.outRefundNo,
      {
        mode: "merge",
        state: refund.state,
        rawStatus: refund.rawStatus,
        providerRefundId: refund.providerRefundId,
        successAt: refund.successAt,
        // A verified notification naming this refund number is the provider's word on it.
        close:
          refund.state === RefundState.CLOSED
            ? { kind: "provider_closed", rawStatus: refund.rawStatus }
            : undefined,
      },
      this.clock(),
    );
    return {
      kind: "refund",
      subject: {
        outTradeNo: saved.outTradeNo,
        outRefundNo: saved.outRefundNo,
        provider: saved.provider,
        merchantId: saved.merchantId,
        state: saved.state,
        rawStatus: saved.rawStatus,
        amount: { fen: saved.amountFen, currency: saved.currency },
      },
      ledgerWritesEvents: this.options.ledger.outbox !== undefined,
    };
  }
}

/** A notification is a duplicate if its id was seen, or if the same object already reached the same state. */
function dedupeKeys(event: NotificationEvent): string[] {
  const subject =
    event.kind === "trade"
      ? `trade:${event.trade.outTradeNo}:${event.trade.state}`
      : `refund:${event.refund.outRefundNo}:${event.refund.state}`;
  return [`id:${event.provider}:${event.id}`, `state:${event.provider}:${event.merchantId}:${subject}`];
}
