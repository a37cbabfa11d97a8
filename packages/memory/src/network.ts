import { createHmac, randomUUID } from "node:crypto";
import type { MemoryNotification, MemoryRefund, MemoryTrade } from "./wire-types.js";

export class MemoryNetworkError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "PARAM_ERROR" | "TRADE_STATE" | "REFUND_EXCEEDED",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The provider side of the memory provider: one shared "payment network" holding trades and
 * refunds, with its own clock so tests move time instead of sleeping. Refunds stay PROCESSING
 * for `refundDelayMs`, like WeChat's, then succeed.
 */
export class MemoryNetwork {
  private readonly trades = new Map<string, MemoryTrade>();
  private readonly refunds = new Map<string, MemoryRefund>();
  private readonly secrets = new Map<string, string>();
  readonly notifications: MemoryNotification[] = [];
  private nowMs: number;
  private sequence = 0;
  requests = 0;

  constructor(
    start: Date = new Date(),
    readonly refundDelayMs = 60_000,
  ) {
    this.nowMs = start.getTime();
  }

  now(): Date {
    return new Date(this.nowMs);
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }

  /** Registers a merchant's notification signing key; the network signs with it. */
  enrol(merchantNo: string, secret: string): void {
    this.secrets.set(merchantNo, secret);
  }

  private key(merchantNo: string, no: string): string {
    return `${merchantNo}/${no}`;
  }

  create(merchantNo: string, outTradeNo: string, totalFen: number): MemoryTrade {
    this.requests += 1;
    const existing = this.trades.get(this.key(merchantNo, outTradeNo));
    if (existing) {
      if (existing.totalFen !== totalFen) {
        throw new MemoryNetworkError("PARAM_ERROR", `order ${outTradeNo} exists with another amount`);
      }
      return existing;
    }
    this.sequence += 1;
    const trade: MemoryTrade = {
      merchantNo,
      outTradeNo,
      tradeNo: `MEM${this.nowMs}${this.sequence}`,
      totalFen,
      status: "NOTPAY",
      paidAt: undefined,
    };
    this.trades.set(this.key(merchantNo, outTradeNo), trade);
    return trade;
  }

  trade(merchantNo: string, outTradeNo: string): MemoryTrade {
    this.requests += 1;
    const trade = this.trades.get(this.key(merchantNo, outTradeNo));
    if (!trade) throw new MemoryNetworkError("NOT_FOUND", `order ${outTradeNo} does not exist`);
    return trade;
  }

  /** The buyer pays (a test-control action, not a merchant call). */
  pay(merchantNo: string, outTradeNo: string): void {
    const trade = this.trades.get(this.key(merchantNo, outTradeNo));
    if (trade?.status !== "NOTPAY")
      throw new MemoryNetworkError("TRADE_STATE", `order ${outTradeNo} is not payable`);
    trade.status = "SUCCESS";
    trade.paidAt = this.now();
    this.notify(merchantNo, outTradeNo, "trade", { ...trade, paidAt: trade.paidAt.toISOString() });
  }

  close(merchantNo: string, outTradeNo: string): void {
    const trade = this.trade(merchantNo, outTradeNo);
    if (trade.status !== "NOTPAY")
      throw new MemoryNetworkError("TRADE_STATE", `order ${outTradeNo} is ${trade.status}`);
    trade.status = "CLOSED";
  }

  refund(merchantNo: string, outTradeNo: string, outRefundNo: string, amountFen: number): MemoryRefund {
    const trade = this.trade(merchantNo, outTradeNo);
    const existing = this.refunds.get(this.key(merchantNo, outRefundNo));
    // The same refund number is the same refund: never a second payout.
    if (existing) return this.settle(existing);
    if (trade.status !== "SUCCESS" && trade.status !== "REFUND") {
      throw new MemoryNetworkError("TRADE_STATE", `order ${outTradeNo} is ${trade.status}, not paid`);
    }
    const refunded = this.refundsOf(merchantNo, outTradeNo).reduce((s, r) => s + r.amountFen, 0);
    if (refunded + amountFen > trade.totalFen) {
      throw new MemoryNetworkError(
        "REFUND_EXCEEDED",
        `refunds of ${outTradeNo} would reach ${refunded + amountFen} fen, more than the ${trade.totalFen} fen paid`,
      );
    }
    this.sequence += 1;
    const refund: MemoryRefund = {
      outTradeNo,
      outRefundNo,
      refundId: `MEMR${this.nowMs}${this.sequence}`,
      amountFen,
      createdAt: this.now(),
      status: "PROCESSING",
    };
    this.refunds.set(this.key(merchantNo, outRefundNo), refund);
    trade.status = "REFUND";
    return refund;
  }

  getRefund(merchantNo: string, outRefundNo: string): MemoryRefund {
    this.requests += 1;
    const refund = this.refunds.get(this.key(merchantNo, outRefundNo));
    if (!refund) throw new MemoryNetworkError("NOT_FOUND", `refund ${outRefundNo} does not exist`);
    return this.settle(refund);
  }

  refundsOf(merchantNo: string, outTradeNo: string): MemoryRefund[] {
    return [...this.refunds.entries()]
      .filter(([key, r]) => key.startsWith(`${merchantNo}/`) && r.outTradeNo === outTradeNo)
      .map(([, r]) => this.settle(r));
  }

  private settle(refund: MemoryRefund): MemoryRefund {
    if (refund.status === "PROCESSING" && this.nowMs - refund.createdAt.getTime() >= this.refundDelayMs) {
      refund.status = "SUCCESS";
    }
    return refund;
  }

  private notify(merchantNo: string, outTradeNo: string, kind: "trade" | "refund", payload: object): void {
    const secret = this.secrets.get(merchantNo);
    if (!secret) return;
    const body = JSON.stringify({ id: randomUUID(), kind, merchantNo, payload });
    const timestamp = String(Math.floor(this.nowMs / 1000));
    const signature = createHmac("sha256", secret).update(`${timestamp}\n${body}`).digest("hex");
    this.notifications.push({
      outTradeNo,
      kind,
      headers: { "x-memory-timestamp": timestamp, "x-memory-signature": signature },
      body,
    });
  }
}
