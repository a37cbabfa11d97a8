import {
  LimiterUnavailableError,
  type RateLimiter,
  type RefundLedger,
  StoreUnavailableError,
} from "@paybridge/core";

/**
 * A real refund ledger whose next `n` writes fail with StoreUnavailableError before reaching it, as
 * when PostgreSQL restarts or the pool cannot connect: the write does not happen. Reads pass.
 * A fault injector for the property test, not a stand-in: every write that passes is the real one.
 */
export class OutageLedger implements RefundLedger {
  private failing = 0;
  failures = 0;
  constructor(private readonly inner: RefundLedger) {}

  get outbox() {
    return this.inner.outbox;
  }
  failWrites(n: number): void {
    this.failing += n;
  }
  heal(): void {
    this.failing = 0;
  }
  private write<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.failing > 0) {
      this.failing -= 1;
      this.failures += 1;
      return Promise.reject(
        new StoreUnavailableError(`ledger ${what}: connection terminated (injected outage)`),
      );
    }
    return fn();
  }
  saveOrder: RefundLedger["saveOrder"] = (o) => this.write("saveOrder", () => this.inner.saveOrder(o));
  reserveRefund: RefundLedger["reserveRefund"] = (i, p, n) =>
    this.write("reserveRefund", () => this.inner.reserveRefund(i, p, n));
  beginAttempt: RefundLedger["beginAttempt"] = (r, m, n) =>
    this.write("beginAttempt", () => this.inner.beginAttempt(r, m, n));
  updateRefund: RefundLedger["updateRefund"] = (r, u, n) =>
    this.write("updateRefund", () => this.inner.updateRefund(r, u, n));
  getOrder: RefundLedger["getOrder"] = (o) => this.inner.getOrder(o);
  getRefund: RefundLedger["getRefund"] = (r) => this.inner.getRefund(r);
  listRefunds: RefundLedger["listRefunds"] = (o) => this.inner.listRefunds(o);
  listByState: RefundLedger["listByState"] = (s, l) => this.inner.listByState(s, l);
  listOutcomeUnknown: RefundLedger["listOutcomeUnknown"] = (l) => this.inner.listOutcomeUnknown(l);
}

/** A real rate limiter whose next `n` grants fail with LimiterUnavailableError (Redis down). */
export class OutageLimiter implements RateLimiter {
  private failing = 0;
  failures = 0;
  constructor(private readonly inner: RateLimiter) {}

  failAcquires(n: number): void {
    this.failing += n;
  }
  heal(): void {
    this.failing = 0;
  }
  acquire: RateLimiter["acquire"] = (key, limits, maxWaitMs) => {
    if (this.failing > 0) {
      this.failing -= 1;
      this.failures += 1;
      return Promise.reject(new LimiterUnavailableError(`limiter: no answer from Redis (injected outage)`));
    }
    return this.inner.acquire(key, limits, maxWaitMs);
  };
  complete: RateLimiter["complete"] = (permit, outcome) => this.inner.complete(permit, outcome);
  pause: RateLimiter["pause"] = (key, ms) => this.inner.pause(key, ms);
}
