import { type Logger, silentLogger } from "../logger/logger.js";
import { type Clock, systemClock } from "../provider/clock.js";
import type { EventType, PayBridgeEvent } from "./event.js";
import type { ClaimedEvent, Outbox } from "./outbox.js";

export type EventHandler = (event: PayBridgeEvent) => Promise<void> | void;

export interface EventDispatcherOptions {
  readonly outbox: Outbox;
  /** Handlers by event type; "*" receives every event (after the type's own handler). */
  readonly handlers: Partial<Record<EventType | "*", EventHandler>>;
  /** How long a claimed event is held before another dispatcher may deliver it again. Default 60 s. */
  readonly leaseMs?: number;
  /** Retry delay after a handler threw: attempts x this, at most 10 minutes. Default 5 s. */
  readonly retryDelayMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface DispatchReport {
  readonly delivered: number;
  readonly failed: number;
}

/**
 * Delivers outbox events to the app's handlers: at least once, in order per order (the outbox
 * hands out only the oldest undelivered event of each order), each with its stable id. A handler
 * that throws leaves its event undelivered and its order waits; the event is retried with backoff.
 * An event is marked delivered only after its handler returned, so a crash in between delivers it
 * again: make handlers idempotent by the event id (docs/recovery.md shows the pattern).
 */
export class EventDispatcher {
  private readonly leaseMs: number;
  private readonly retryDelayMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: EventDispatcherOptions) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.retryDelayMs = options.retryDelayMs ?? 5000;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger).child({ component: "events" });
  }

  get outbox(): Outbox {
    return this.options.outbox;
  }

  /**
   * Delivers what is due, batch after batch, until nothing is left to claim or `maxEvents` were
   * handled. `outTradeNo` limits it to one order (what the notification intake does after a change).
   */
  async dispatchPending(
    options: { outTradeNo?: string; batch?: number; maxEvents?: number; handler?: EventHandler } = {},
  ): Promise<DispatchReport> {
    let delivered = 0;
    let failed = 0;
    const max = options.maxEvents ?? 10_000;
    while (delivered + failed < max) {
      const claimed = await this.options.outbox.claim({
        ...(options.outTradeNo !== undefined ? { outTradeNo: options.outTradeNo } : {}),
        limit: Math.min(options.batch ?? 50, max - delivered - failed),
        leaseMs: this.leaseMs,
        now: this.clock(),
      });
      if (claimed.length === 0) break;
      // Heads of different orders: independent, delivered concurrently.
      const results = await Promise.all(claimed.map((c) => this.deliver(c, options.handler)));
      for (const ok of results) ok ? delivered++ : failed++;
      // A failed head blocks its order; stop when nothing moved, or the same heads come back.
      if (results.some((ok) => !ok)) break;
    }
    return { delivered, failed };
  }

  /** Delivers one claimed event; true when its handlers returned and it is marked delivered. */
  async deliver(claimed: ClaimedEvent, handler?: EventHandler): Promise<boolean> {
    const { event } = claimed;
    try {
      if (handler) await handler(event);
      else {
        await this.options.handlers[event.type]?.(event);
        await this.options.handlers["*"]?.(event);
      }
      await this.options.outbox.complete(event.id, this.clock());
      return true;
    } catch (error) {
      const delay = Math.min(claimed.attempts * this.retryDelayMs, 600_000);
      await this.options.outbox.fail(event.id, String(error), new Date(this.clock().getTime() + delay));
      this.logger.warn(
        { err: error, id: event.id, attempts: claimed.attempts },
        "event handler failed; will retry",
      );
      return false;
    }
  }
}
