import {
  type CreatePaymentResult,
  type ExpectedOrder,
  type Money,
  mergeTradeState,
  type NotificationEvent,
  type RefundState,
  TRADE_STATE_INFO,
  type TradeResult,
  type TradeState,
} from "@paybridge/core";
import type { Channel } from "./channels.js";

/** An order of the demo shop, as its own database would hold it. */
export interface ShopOrder {
  readonly outTradeNo: string;
  readonly description: string;
  readonly channel: Channel;
  readonly provider: string;
  readonly merchantId: string;
  readonly amount: Money;
  readonly action: CreatePaymentResult["action"];
  /** The cashier checkout this payment belongs to, when a buyer opened it at the cashier. */
  readonly checkoutId?: string;
  tradeState: TradeState;
  rawStatus: string;
  readonly createdAt: Date;
}

/**
 * The shop's own order table (in memory for the demo). PayBridge's notification intake checks
 * echoed amounts against it and reports each verified change back through `apply`.
 */
export class OrderBook {
  private readonly orders = new Map<string, ShopOrder>();

  add(order: Omit<ShopOrder, "tradeState" | "rawStatus" | "createdAt">): ShopOrder {
    const saved: ShopOrder = { ...order, tradeState: 0, rawStatus: "CREATED", createdAt: new Date() };
    this.orders.set(order.outTradeNo, saved);
    return saved;
  }

  get(outTradeNo: string): ShopOrder | undefined {
    return this.orders.get(outTradeNo);
  }

  all(): ShopOrder[] {
    return [...this.orders.values()];
  }

  async expected(outTradeNo: string): Promise<ExpectedOrder | undefined> {
    const o = this.orders.get(outTradeNo);
    return o && { outTradeNo, provider: o.provider, merchantId: o.merchantId, amount: o.amount };
  }

  /** Records what a verified notification or a query said; states only move forward. */
  applyTrade(trade: TradeResult): void {
    const order = this.orders.get(trade.outTradeNo);
    if (!order) return;
    // The raw status is whatever the provider said last; the unified state never moves backwards
    // (Alipay keeps TRADE_SUCCESS after a partial refund, but the trade is 4 for PayBridge).
    order.rawStatus = trade.rawStatus;
    order.tradeState = mergeTradeState(order.tradeState, trade.state);
  }

  /**
   * A payment closed before the provider ever created it (an Alipay wap link never opened): the
   * provider has nothing to say, so the shop books it closed with a status of its own.
   */
  markClosed(outTradeNo: string, rawStatus: string): void {
    const order = this.orders.get(outTradeNo);
    if (order?.tradeState !== 0) return;
    order.rawStatus = rawStatus;
    order.tradeState = mergeTradeState(order.tradeState, 1);
  }

  /** A refund accepted, done or abnormal puts the trade into REFUND (4), whichever provider holds it. */
  applyRefundState(outTradeNo: string, refundState: RefundState): void {
    const order = this.orders.get(outTradeNo);
    if (order && refundState >= 3 && refundState !== 6)
      order.tradeState = mergeTradeState(order.tradeState, 4);
  }

  apply(event: NotificationEvent): void {
    if (event.kind === "trade") this.applyTrade(event.trade);
    else this.applyRefundState(event.refund.outTradeNo, event.refund.state);
  }

  describe(order: ShopOrder): { state: TradeState; name: string; label: string; rawStatus: string } {
    const info = TRADE_STATE_INFO[order.tradeState];
    return { state: order.tradeState, name: info.name, label: info.label, rawStatus: order.rawStatus };
  }
}
