/**
 * Remembers which notifications were handled, so a provider's retries and replays are answered
 * without touching the ledger again. Written only after the change is durable: a crash before
 * that leaves the key unrecorded and the provider's retry applies the (idempotent) change again.
 */
export interface NotificationInbox {
  has(key: string): Promise<boolean>;
  remember(key: string, at: Date): Promise<void>;
  /**
   * Forgets keys received before `olderThan` and returns how many (the recovery worker's prune
   * job). Optional: an inbox that bounds itself (the memory one) may leave it out.
   */
  prune?(olderThan: Date): Promise<number>;
}

/** One process, in memory, bounded so a long-running server does not grow without end. */
export class MemoryNotificationInbox implements NotificationInbox {
  private readonly keys = new Map<string, Date>();
  constructor(private readonly capacity = 100_000) {}

  async has(key: string): Promise<boolean> {
    return this.keys.has(key);
  }

  async remember(key: string, at: Date): Promise<void> {
    this.keys.set(key, at);
    // Maps iterate in insertion order: the first key is the oldest.
    while (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next().value;
      if (oldest === undefined) break;
      this.keys.delete(oldest);
    }
  }

  async prune(olderThan: Date): Promise<number> {
    let n = 0;
    for (const [key, at] of this.keys) {
      if (at.getTime() < olderThan.getTime()) {
        this.keys.delete(key);
        n += 1;
      }
    }
    return n;
  }
}
