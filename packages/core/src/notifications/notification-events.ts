import { ConfigurationError } from "../errors/errors.js";
import type { EventDispatcher } from "../events/dispatcher.js";
import { type RefundSubject, refundEvent, type TradeSubject, tradeEvent } from "../events/event.js";
import { MemoryOutbox } from "../events/memory-outbox.js";
import type { Outbox } from "../events/outbox.js";
import type { Clock } from "../provider/clock.js";
import type { NotificationEvent } from "../schemas/notification.js";

export type AppliedSubject =
  | { readonly kind: "trade"; readonly subject: TradeSubject; readonly ledgerWritesEvents: boolean }
  | { readonly kind: "refund"; readonly subject: RefundSubject; readonly ledgerWritesEvents: boolean };

/**
 * The intake's side of the outbox. A ledger with an outbox wrote the change's event in the
 * change's own transaction; for a ledger without one (the memory defaults) the event is appended
 * here, idempotently by its stable id, so concurrent duplicates still make one event. Then the
 * order's pending events are delivered in order to the app's dispatcher, or the change's own
 * event to the legacy `onEvent` hook, a thin wrapper over one outbox claim: eight concurrent
 * deliveries of one notification make one event, one claim, one onEvent call.
 */
export class NotificationEvents {
  readonly outbox: Outbox;

  constructor(
    private readonly options: {
      readonly outbox: Outbox | undefined;
      readonly events: EventDispatcher | undefined;
      readonly onEvent: ((event: NotificationEvent) => Promise<void> | void) | undefined;
    },
    private readonly clock: Clock,
  ) {
    if (options.events && options.onEvent) {
      throw new ConfigurationError(
        "NotificationIntake: give `events` (an EventDispatcher) or the legacy `onEvent`, not both",
      );
    }
    this.outbox = options.events?.outbox ?? options.outbox ?? new MemoryOutbox();
  }

  /** After the change is durable: make sure its event exists, then deliver it. Throws if a handler threw. */
  async afterApply(notification: NotificationEvent, applied: AppliedSubject): Promise<void> {
    const now = this.clock();
    const event =
      applied.kind === "trade" ? tradeEvent(applied.subject, now) : refundEvent(applied.subject, now);
    if (event && !applied.ledgerWritesEvents) await this.outbox.append(event, now);
    if (this.options.events) {
      const outTradeNo = applied.subject.outTradeNo;
      const report = await this.options.events.dispatchPending({ outTradeNo });
      if (report.failed > 0)
        throw new Error(`an event handler failed for order ${outTradeNo}; it is retried`);
      return;
    }
    const onEvent = this.options.onEvent;
    if (!onEvent || !event) return;
    // The legacy hook sees what it always saw: the notifications' own changes, each once. Other
    // events (queries, the refund engine's submissions) stay in the outbox for an EventDispatcher.
    const claimed = await this.outbox.claimEvent(event.id, LEGACY_LEASE_MS, now, { inOrder: false });
    if (!claimed) return;
    try {
      await onEvent(notification);
    } catch (error) {
      // Given back at once: the provider's retry of this notification delivers it again.
      await this.outbox.fail(event.id, String(error), now);
      throw error;
    }
    await this.outbox.complete(event.id, this.clock());
  }
}

/** Long enough for a fulfilment hook; a crashed instance's claim expires after it. */
const LEGACY_LEASE_MS = 5 * 60_000;
