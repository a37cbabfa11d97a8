import type { PaymentProvider } from "../provider/contract.js";
import type { RawNotification } from "../schemas/notification.js";
import type { CreatePaymentInput } from "../schemas/payment.js";

/**
 * What a provider package gives the conformance suite: a provider instance wired to a live
 * simulator (never a mock), and the simulator's buyer- and clock-controls.
 */
export interface ConformanceHarness {
  readonly provider: PaymentProvider;
  /** A payment request this provider accepts (method, payer); the suite fills outTradeNo and amount. */
  readonly paymentTemplate: Omit<CreatePaymentInput, "outTradeNo" | "amount">;
  /** Makes the buyer pay the order at the simulator. */
  pay(outTradeNo: string): Promise<void>;
  /**
   * The buyer opens the payment without paying (scans the QR code). Optional: only providers whose
   * trade exists at the provider from that moment need it (an Alipay precreate trade is created
   * when the code is scanned, and is ACQ.TRADE_NOT_EXIST before).
   */
  open?(outTradeNo: string): Promise<void>;
  /** Moves time forward at the simulator (refund intervals, PROCESSING -> SUCCESS delays). */
  advanceClock(ms: number): Promise<void>;
  /** Requests the simulator has received so far; used to prove bad input never reaches the network. */
  requestCount(): Promise<number>;
  /** The next notification the simulator sent for `outTradeNo`, as raw headers and body. */
  nextNotification(outTradeNo: string, kind: "trade" | "refund"): Promise<RawNotification>;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Shown in the test names. */
  readonly name: string;
  readonly setup: () => Promise<ConformanceHarness>;
}

/**
 * Two sub-merchants of one service-provider account (WeChat 服务商, Alipay ISV), each a provider
 * instance wired to a live simulator, for the sub-merchant routing cases.
 */
export interface SubMerchantHarness {
  readonly a: PaymentProvider;
  readonly b: PaymentProvider;
  /** A payment request both accept; the suite fills outTradeNo and amount. */
  readonly paymentTemplate: Omit<CreatePaymentInput, "outTradeNo" | "amount">;
  /** Makes the buyer pay sub-merchant `which`'s order at the simulator. */
  pay(which: "a" | "b", outTradeNo: string): Promise<void>;
  /** The buyer opens `which`'s payment without paying (see ConformanceHarness.open). */
  open?(which: "a" | "b", outTradeNo: string): Promise<void>;
  /** The payment notification the simulator sent for `which`'s order, as raw headers and body. */
  tradeNotification(which: "a" | "b", outTradeNo: string): Promise<RawNotification>;
  close(): Promise<void>;
}

export interface SubMerchantConformanceOptions {
  readonly name: string;
  readonly setup: () => Promise<SubMerchantHarness>;
}

/** What the buyer at the counter does, as a simulator can be told (see runInPersonConformance). */
export type InPersonBuyer = "pays_at_once" | "pays_after_password" | "never_pays" | "refused";

export interface InPersonHarness {
  /** A provider whose capabilities list "barcode" and which implements reversePayment. */
  readonly provider: PaymentProvider;
  /** A barcode payment request the provider accepts; the suite fills outTradeNo, amount and authCode. */
  readonly paymentTemplate: Omit<CreatePaymentInput, "outTradeNo" | "amount" | "authCode" | "method">;
  /** A fresh 付款码 of this provider's wallet. */
  authCode(): string;
  /**
   * Tells the simulator what the buyer showing `authCode` does: pay at once, pay after entering the
   * password (well inside the provider's query limit), never pay, or be refused at once (balance).
   */
  planBuyer(authCode: string, buyer: InPersonBuyer): void;
  /** The simulator's own book: whether it holds the buyer's money for the order now. */
  holdsMoney(outTradeNo: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface InPersonConformanceOptions {
  readonly name: string;
  readonly setup: () => Promise<InPersonHarness>;
}
