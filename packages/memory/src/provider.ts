import type {
  ClosePaymentInput,
  CreatePaymentInput,
  CreatePaymentResult,
  ListRefundsQuery,
  NotificationAck,
  NotificationEvent,
  PaymentProvider,
  RawNotification,
  RefundQuery,
  RefundRequest,
  RefundResult,
  TradeQuery,
  TradeResult,
} from "@paybridge/core";
import {
  closePaymentSchema,
  createPaymentSchema,
  listRefundsSchema,
  type ProviderContext,
  parseInput,
  type RefundRules,
  rawNotificationSchema,
  refundQuerySchema,
  refundRequestSchema,
  tradeQuerySchema,
  UnsupportedOperationError,
} from "@paybridge/core/provider-kit";
import { configSchema, type MemoryProviderConfig } from "./config.js";
import { call, MEMORY_PROVIDER_ID } from "./errors.js";
import type { MemoryNetwork } from "./network.js";
import { acknowledge, verifyNotification } from "./notification.js";
import { toRefund, toTrade } from "./transformers.js";

/**
 * A PaymentProvider on an in-memory network, for users' unit tests of code built on PayBridge.
 * It is also this project's proof that a provider is one package plus one registration call, and
 * the template `new-provider` copies (docs/providers/adding.md).
 */
export class MemoryProvider implements PaymentProvider {
  static readonly id = MEMORY_PROVIDER_ID;
  static readonly configSchema = configSchema;
  readonly id = MemoryProvider.id;
  readonly merchantId: string;
  readonly capabilities = { methods: ["native"] as const, listRefunds: true, partialRefund: true };
  readonly refundRules: RefundRules = {
    windowDays: 365,
    maxRefundsPerOrder: 50,
    minIntervalMs: 0,
    rateLimit: undefined,
  };
  readonly #config: MemoryProviderConfig;

  constructor(config: MemoryProviderConfig, context: ProviderContext) {
    this.merchantId = context.merchantId;
    this.#config = config;
    config.network.enrol(config.merchantNo, config.notifySecret);
  }

  private get network(): MemoryNetwork {
    return this.#config.network;
  }

  async createPayment(input: CreatePaymentInput): Promise<CreatePaymentResult> {
    const req = parseInput(createPaymentSchema, input, "payment");
    const trade = await call(() =>
      this.network.create(this.#config.merchantNo, req.outTradeNo, req.amount.fen),
    );
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: req.outTradeNo,
      method: req.method,
      providerReference: trade.tradeNo,
      action: { type: "qr_code", content: `${this.id}://pay/${this.#config.merchantNo}/${req.outTradeNo}` },
    };
  }

  async queryPayment(query: TradeQuery): Promise<TradeResult> {
    const q = parseInput(tradeQuerySchema, query, "query");
    if (!("outTradeNo" in q))
      throw new UnsupportedOperationError(`the ${this.id} provider queries by outTradeNo only`, {
        provider: this.id,
      });
    const trade = await call(() => this.network.trade(this.#config.merchantNo, q.outTradeNo));
    return toTrade(trade, this.merchantId);
  }

  async closePayment(input: ClosePaymentInput): Promise<void> {
    const req = parseInput(closePaymentSchema, input, "close");
    await call(() => this.network.close(this.#config.merchantNo, req.outTradeNo));
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const req = parseInput(refundRequestSchema, request, "refund");
    const refund = await call(() =>
      this.network.refund(this.#config.merchantNo, req.outTradeNo, req.outRefundNo, req.amount.fen),
    );
    return toRefund(refund, this.merchantId);
  }

  async queryRefund(query: RefundQuery): Promise<RefundResult> {
    const q = parseInput(refundQuerySchema, query, "query");
    const refund = await call(() => this.network.getRefund(this.#config.merchantNo, q.outRefundNo));
    return toRefund(refund, this.merchantId);
  }

  async listRefunds(query: ListRefundsQuery): Promise<RefundResult[]> {
    const q = parseInput(listRefundsSchema, query, "query");
    await call(() => this.network.trade(this.#config.merchantNo, q.outTradeNo));
    return this.network
      .refundsOf(this.#config.merchantNo, q.outTradeNo)
      .map((r) => toRefund(r, this.merchantId));
  }

  async parseNotification(raw: RawNotification): Promise<NotificationEvent> {
    const n = parseInput(rawNotificationSchema, raw, "notification");
    const body = verifyNotification(n, this.#config.notifySecret, this.network.now());
    const trade = await call(() => this.network.trade(this.#config.merchantNo, body.payload.outTradeNo));
    return {
      id: body.id,
      provider: this.id,
      merchantId: this.merchantId,
      eventType: "TRADE.SUCCESS",
      kind: "trade",
      trade: toTrade(trade, this.merchantId),
    };
  }

  acknowledge(ok: boolean): NotificationAck {
    return acknowledge(ok);
  }
}
