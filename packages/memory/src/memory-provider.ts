import { createHmac, timingSafeEqual } from "node:crypto";
import {
  type ClosePaymentInput,
  type CreatePaymentInput,
  type CreatePaymentResult,
  closePaymentSchema,
  cny,
  createPaymentSchema,
  type ListRefundsQuery,
  listRefundsSchema,
  type Money,
  type NotificationAck,
  type NotificationEvent,
  type PaymentProvider,
  type ProviderContext,
  parseInput,
  type RawNotification,
  type RefundQuery,
  type RefundRequest,
  type RefundResult,
  type RefundRules,
  rawNotificationSchema,
  refundQuerySchema,
  refundRequestSchema,
  SignatureError,
  type TradeQuery,
  type TradeResult,
  tradeQuerySchema,
  UnsupportedOperationError,
} from "@paybridge/core";
import { z } from "zod";
import { call } from "./errors.js";
import { MemoryNetwork, type MemoryRefund, type MemoryTrade } from "./network.js";
import { mapRefundStatus, mapTradeStatus } from "./status-map.js";

const configSchema = z.strictObject({
  network: z.custom<MemoryNetwork>((v) => v instanceof MemoryNetwork, { error: "must be a MemoryNetwork" }),
  merchantNo: z.string().min(1, { error: "must not be empty" }),
  /** Signs notifications; at least 16 characters, as a real shared secret would be. */
  notifySecret: z.string().min(16, { error: "must be at least 16 characters" }),
});
export type MemoryProviderConfig = z.output<typeof configSchema>;

/** How long a notification stays acceptable after it was signed, as WeChat's 5-minute window. */
const NOTIFICATION_WINDOW_MS = 5 * 60_000;

/**
 * A PaymentProvider on an in-memory network, for users' unit tests of code built on PayBridge.
 * It is also this project's proof that a provider is one package plus one registration call.
 */
export class MemoryProvider implements PaymentProvider {
  static readonly id = "memory";
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
      action: { type: "qr_code", content: `memory://pay/${this.#config.merchantNo}/${req.outTradeNo}` },
    };
  }

  async queryPayment(query: TradeQuery): Promise<TradeResult> {
    const q = parseInput(tradeQuerySchema, query, "query");
    if (!("outTradeNo" in q))
      throw new UnsupportedOperationError("the memory provider queries by outTradeNo only", {
        provider: this.id,
      });
    return this.toTrade(await call(() => this.network.trade(this.#config.merchantNo, q.outTradeNo)));
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
    return this.toRefund(refund);
  }

  async queryRefund(query: RefundQuery): Promise<RefundResult> {
    const q = parseInput(refundQuerySchema, query, "query");
    return this.toRefund(await call(() => this.network.getRefund(this.#config.merchantNo, q.outRefundNo)));
  }

  async listRefunds(query: ListRefundsQuery): Promise<RefundResult[]> {
    const q = parseInput(listRefundsSchema, query, "query");
    await call(() => this.network.trade(this.#config.merchantNo, q.outTradeNo));
    return this.network.refundsOf(this.#config.merchantNo, q.outTradeNo).map((r) => this.toRefund(r));
  }

  async parseNotification(raw: RawNotification): Promise<NotificationEvent> {
    const n = parseInput(rawNotificationSchema, raw, "notification");
    const timestamp = String(n.headers["x-memory-timestamp"] ?? "");
    const signature = String(n.headers["x-memory-signature"] ?? "");
    const expected = createHmac("sha256", this.#config.notifySecret)
      .update(`${timestamp}\n${n.body}`)
      .digest();
    const given = Buffer.from(signature, "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SignatureError("memory notification signature does not verify", { provider: this.id });
    }
    if (Math.abs(this.network.now().getTime() - Number(timestamp) * 1000) > NOTIFICATION_WINDOW_MS) {
      throw new SignatureError("memory notification is outside the 5-minute window", { provider: this.id });
    }
    const body = JSON.parse(n.body) as { id: string; kind: "trade"; payload: { outTradeNo: string } };
    const trade = this.toTrade(this.network.trade(this.#config.merchantNo, body.payload.outTradeNo));
    return {
      id: body.id,
      provider: this.id,
      merchantId: this.merchantId,
      eventType: "TRADE.SUCCESS",
      kind: "trade",
      trade,
    };
  }

  acknowledge(ok: boolean): NotificationAck {
    return {
      status: ok ? 200 : 500,
      headers: { "content-type": "text/plain" },
      body: ok ? "success" : "fail",
    };
  }

  private toTrade(t: MemoryTrade): TradeResult & { amount: Money } {
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: t.outTradeNo,
      providerTradeNo: t.tradeNo,
      state: mapTradeStatus(t.status),
      rawStatus: t.status,
      amount: cny(t.totalFen),
      ...(t.paidAt ? { paidAt: t.paidAt, paidAmount: cny(t.totalFen) } : {}),
    };
  }

  private toRefund(r: MemoryRefund): RefundResult {
    return {
      provider: this.id,
      merchantId: this.merchantId,
      outTradeNo: r.outTradeNo,
      outRefundNo: r.outRefundNo,
      providerRefundId: r.refundId,
      state: mapRefundStatus(r.status),
      rawStatus: r.status,
      amount: cny(r.amountFen),
    };
  }
}
