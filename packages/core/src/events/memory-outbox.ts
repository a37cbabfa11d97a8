import type { PayBridgeEvent } from "./event.js";
import type { ClaimedEvent, ClaimOptions, Outbox, OutboxStats } from "./outbox.js";

interface Row {
  readonly seq: number;
  readonly event: PayBridgeEvent;
  createdAt: Date;
  deliveredAt: Date | undefined;
  leaseUntil: Date | undefined;
  /** Undefined until a failed attempt sets a retry time: a new event is due at once. */
  nextAttemptAt: Date | undefined;
  attempts: number;
  lastError: string | undefined;
}

/**
 * The outbox in one process (the default with the memory ledgers). Each method runs synchronously
 * between awaits, so claims are atomic in one Node process.
 */
export class MemoryOutbox implements Outbox {
  private readonly rows = new Map<string, Row>();
  private seq = 0;

  async append(event: PayBridgeEvent, now: Date): Promise<void> {
    this.appendNow(event, now);
  }

  /** Synchronous append, for memory ledgers that must write the event in the same step as the change. */
  appendNow(event: PayBridgeEvent, now: Date): void {
    if (this.rows.has(event.id)) return;
    this.seq += 1;
    this.rows.set(event.id, {
      seq: this.seq,
      event,
      createdAt: now,
      deliveredAt: undefined,
      leaseUntil: undefined,
      nextAttemptAt: undefined,
      attempts: 0,
      lastError: undefined,
    });
  }

  async claim(options: ClaimOptions): Promise<ClaimedEvent[]> {
    const out: ClaimedEvent[] = [];
    for (const row of this.heads()) {
      if (out.length >= options.limit) break;
      if (options.outTradeNo !== undefined && row.event.outTradeNo !== options.outTradeNo) continue;
      const claimed = this.take(row, options.leaseMs, options.now);
      if (claimed) out.push(claimed);
    }
    return out;
  }

  async claimEvent(
    id: string,
    leaseMs: number,
    now: Date,
    options: { readonly inOrder?: boolean } = {},
  ): Promise<ClaimedEvent | undefined> {
    const row = this.rows.get(id);
    if (!row) return undefined;
    if (options.inOrder !== false && !this.heads().includes(row)) return undefined;
    return this.take(row, leaseMs, now);
  }

  async complete(id: string, now: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row && !row.deliveredAt) {
      row.deliveredAt = now;
      row.leaseUntil = undefined;
    }
  }

  async fail(id: string, error: string, retryAt: Date): Promise<void> {
    const row = this.rows.get(id);
    if (row && !row.deliveredAt) {
      row.leaseUntil = undefined;
      row.nextAttemptAt = retryAt;
      row.lastError = error;
    }
  }

  async getEvent(id: string) {
    const row = this.rows.get(id);
    return row ? { event: row.event, deliveredAt: row.deliveredAt } : undefined;
  }

  async stats(_now: Date): Promise<OutboxStats> {
    const open = [...this.rows.values()].filter((r) => !r.deliveredAt);
    const oldest = open.reduce<Date | undefined>(
      (min, r) => (!min || r.createdAt < min ? r.createdAt : min),
      undefined,
    );
    return { undelivered: open.length, oldestUndeliveredAt: oldest };
  }

  async prune(olderThan: Date): Promise<number> {
    let n = 0;
    for (const [id, row] of this.rows) {
      if (row.deliveredAt && row.deliveredAt < olderThan) {
        this.rows.delete(id);
        n += 1;
      }
    }
    return n;
  }

  /** The oldest undelivered event of each order, in write order. */
  private heads(): Row[] {
    const seen = new Set<string>();
    const heads: Row[] = [];
    for (const row of [...this.rows.values()].sort((a, b) => a.seq - b.seq)) {
      if (row.deliveredAt || seen.has(row.event.outTradeNo)) continue;
      seen.add(row.event.outTradeNo);
      heads.push(row);
    }
    return heads;
  }

  private take(row: Row, leaseMs: number, now: Date): ClaimedEvent | undefined {
    if (row.deliveredAt || (row.nextAttemptAt !== undefined && row.nextAttemptAt > now)) return undefined;
    if (row.leaseUntil && row.leaseUntil > now) return undefined;
    row.leaseUntil = new Date(now.getTime() + leaseMs);
    row.attempts += 1;
    return { event: row.event, attempts: row.attempts, leaseUntil: row.leaseUntil };
  }
}
