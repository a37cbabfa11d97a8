import type { PayBridgeEvent } from "./event.js";

/** An event taken for delivery; nobody else takes it until `leaseUntil`, unless it is completed or failed first. */
export interface ClaimedEvent {
  readonly event: PayBridgeEvent;
  /** Delivery attempts so far, this one included. */
  readonly attempts: number;
  readonly leaseUntil: Date;
}

export interface ClaimOptions {
  /** Only events of this order. */
  readonly outTradeNo?: string;
  readonly limit: number;
  readonly leaseMs: number;
  readonly now: Date;
}

export interface OutboxStats {
  readonly undelivered: number;
  readonly oldestUndeliveredAt: Date | undefined;
}

/**
 * The transactional outbox as the dispatcher sees it. Ledgers write events in the same
 * transaction as the change (PostgresPaymentLedger, PostgresRefundLedger, and the memory ledgers
 * given a MemoryOutbox); `append` is for changes made outside a ledger and is idempotent by event
 * id, so the same change appended twice is one event. `claim` returns only the oldest undelivered
 * event of each order (events of one order are delivered in order), and never one another
 * claimer holds. A new event is due at once on every dispatcher's clock, not from the writer's
 * `now`: an instance whose clock runs ahead would otherwise write events that the others leave
 * undelivered until the skew has passed. Only retries (`fail`'s `retryAt`) wait for a time.
 */
export interface Outbox {
  append(event: PayBridgeEvent, now: Date): Promise<void>;
  claim(options: ClaimOptions): Promise<ClaimedEvent[]>;
  /**
   * Claims one event by id, if it is undelivered, unleased and (unless `inOrder` is false) first
   * of its order.
   */
  claimEvent(
    id: string,
    leaseMs: number,
    now: Date,
    options?: { readonly inOrder?: boolean },
  ): Promise<ClaimedEvent | undefined>;
  complete(id: string, now: Date): Promise<void>;
  /** Gives the event back, to be claimed again from `retryAt`. */
  fail(id: string, error: string, retryAt: Date): Promise<void>;
  getEvent(id: string): Promise<{ event: PayBridgeEvent; deliveredAt: Date | undefined } | undefined>;
  stats(now: Date): Promise<OutboxStats>;
  /** Deletes delivered events delivered before `olderThan`; returns how many. */
  prune(olderThan: Date): Promise<number>;
}
