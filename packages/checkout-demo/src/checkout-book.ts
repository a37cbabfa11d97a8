import type { BuyerClient, Money } from "@paybridge/core";
import type { Channel } from "./channels.js";

/**
 * One purchase at the cashier. The buyer may be offered two wallets at once (a QR code for each on
 * a desktop), so each channel gets its own payment (its own out_trade_no at its provider); the
 * first one paid wins and the shop closes the others.
 */
export interface Checkout {
  readonly id: string;
  readonly description: string;
  readonly amount: Money;
  readonly client: BuyerClient;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** out_trade_no of the payment made for each channel offered. */
  readonly payments: Partial<Record<Channel, string>>;
  /** The buyer cancelled, or the order expired and the shop closed its payments. */
  closed: boolean;
  /** The other payments were closed after one was paid. */
  othersClosed: boolean;
}

/** At most this many checkouts are kept: the demo's cashier is open to anyone on loopback. */
export const MAX_CHECKOUTS = 2000;

export class CheckoutBook {
  private readonly checkouts = new Map<string, Checkout>();

  add(checkout: Checkout): Checkout {
    if (this.checkouts.size >= MAX_CHECKOUTS) {
      // Forget the oldest: it is still in the order book and the ledger.
      const oldest = this.checkouts.keys().next().value;
      if (oldest !== undefined) this.checkouts.delete(oldest);
    }
    this.checkouts.set(checkout.id, checkout);
    return checkout;
  }

  get(id: string): Checkout | undefined {
    return this.checkouts.get(id);
  }
}
