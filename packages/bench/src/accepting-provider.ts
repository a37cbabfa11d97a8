import {
  cny,
  type NotificationAck,
  type NotificationEvent,
  type PaymentProvider,
  type RefundRequest,
  type RefundResult,
  RefundState,
  UnsupportedOperationError,
} from "@paybridge/core";
import { type ProviderContext, type RefundRules } from "@paybridge/core/provider-kit";
import { z } from "zod";

/** What the provider was asked to pay out, per order: the over-refund count is read from here. */
export class PayoutBook {
  private readonly accepted = new Map<string, { outRefundNo: string; fen: number }[]>();

  record(outTradeNo: string, outRefundNo: string, fen: number): void {
    const list = this.accepted.get(outTradeNo) ?? [];
    list.push({ outRefundNo, fen });
    this.accepted.set(outTradeNo, list);
  }

  get payouts(): number {
    let n = 0;
    for (const list of this.accepted.values()) n += list.length;
    return n;
  }

  /** Refunds paid out past an order's total, or a refund number paid out twice. Must be 0. */
  overRefunds(totals: ReadonlyMap<string, number>): number {
    let over = 0;
    for (const [outTradeNo, list] of this.accepted) {
      const total = totals.get(outTradeNo) ?? 0;
      let sum = 0;
      const numbers = new Set<string>();
      for (const p of list) {
        sum += p.fen;
        if (sum > total || numbers.has(p.outRefundNo)) over += 1;
        numbers.add(p.outRefundNo);
      }
    }
    return over;
  }
}

const configSchema = z.strictObject({
  book: z.custom<PayoutBook>((v) => v instanceof PayoutBook),
  /** A key the gateway must keep out of logs, as a real merchant's APIv3 key (many-merchants bench). */
  apiV3Key: z.string().optional(),
});

/**
 * A provider that pays out every refund it is sent, at once, with no check of its own and no
 * network: the refund engine and its ledger are then both the only guard against over-refunds and
 * the only cost measured. Its rules leave the sum rule to bind (no count cap, no interval, no rate limit).
 */
export class AcceptingProvider implements PaymentProvider {
  static readonly id = "bench-accepting";
  static readonly configSchema = configSchema;
  readonly id = AcceptingProvider.id;
  readonly merchantId: string;
  readonly capabilities = { methods: ["native"] as const, listRefunds: false, partialRefund: true };
  readonly refundRules: RefundRules = {
    windowDays: 365,
    maxRefundsPerOrder: undefined,
    minIntervalMs: 0,
    rateLimit: { successPerSecond: 1_000_000, failurePerSecond: 1_000_000 },
  };
  private readonly book: PayoutBook;
  /** The logger the gateway gave this merchant's provider (redacting, bound to the merchant). */
  readonly logger: ProviderContext["logger"];

  constructor(config: z.input<typeof configSchema>, context: ProviderContext) {
    this.book = configSchema.parse(config).book;
    this.merchantId = context.merchantId;
    this.logger = context.logger;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    this.book.record(request.outTradeNo, request.outRefundNo, request.amount.fen);
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: request.outTradeNo,
      outRefundNo: request.outRefundNo,
      state: RefundState.SUCCESS,
      rawStatus: "SUCCESS",
      amount: cny(request.amount.fen),
    };
  }

  private unsupported(): never {
    throw new UnsupportedOperationError("the bench provider only refunds", { provider: this.id });
  }
  createPayment(): never {
    return this.unsupported();
  }
  queryPayment(): never {
    return this.unsupported();
  }
  closePayment(): never {
    return this.unsupported();
  }
  queryRefund(): never {
    return this.unsupported();
  }
  listRefunds(): never {
    return this.unsupported();
  }
  parseNotification(): Promise<NotificationEvent> {
    return this.unsupported();
  }
  acknowledge(ok: boolean): NotificationAck {
    return { status: ok ? 200 : 500, headers: {}, body: "" };
  }
}
