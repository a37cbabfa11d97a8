/**
 * At most `max` calls run at once; the others wait their turn, first come first served, before
 * they start. The shop puts its calls to each provider account through one of these: a provider
 * client's timeout (Alipay's 5 s, WeChat Pay's 10 s) runs from the moment its request starts, so
 * under a burst (200 checkouts at once) a call that has started must not wait behind every other
 * checkout's calls on the same event loop. The wait happens here instead, before the timer starts:
 * a saturated shop answers later, but does not lose calls to a timeout.
 */
export class CallLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`CallLimit max must be a positive integer, not ${max}`);
    }
  }

  /** Calls running now. */
  get running(): number {
    return this.active;
  }

  /** Calls waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    // A finishing call hands its turn over without lowering the count (see release).
    else await new Promise<void>((turn) => this.waiting.push(turn));
    try {
      return await call();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

/** One CallLimit per provider account (merchant id), made on first use. */
export class ProviderCallLimits {
  private readonly limits = new Map<string, CallLimit>();

  constructor(readonly maxPerMerchant: number) {}

  forMerchant(merchantId: string): CallLimit {
    let limit = this.limits.get(merchantId);
    if (!limit) {
      limit = new CallLimit(this.maxPerMerchant);
      this.limits.set(merchantId, limit);
    }
    return limit;
  }
}
