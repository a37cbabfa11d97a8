import { beijingDay } from "./clock.js";
import {
  type AlipayPayOptions,
  NO_DISCOUNTS,
  type RefundDiscountShare,
  refundShare,
  type TradeDiscounts,
  tradeDiscounts,
} from "./discounts.js";
import { fail } from "./errors.js";
import type { AlipayInPersonRecord } from "./in-person.js";

/** Alipay trade states (https://opendocs.alipay.com/open/02ekfh, trade_status). */
export type SandboxTradeStatus = "WAIT_BUYER_PAY" | "TRADE_SUCCESS" | "TRADE_FINISHED" | "TRADE_CLOSED";

export interface SandboxRefund {
  readonly outRequestNo: string;
  readonly amountFen: number;
  readonly reason: string | undefined;
  readonly at: Date;
  /** How the refund splits between the buyer's funds, points and vouchers (see discounts.ts). */
  readonly share: RefundDiscountShare;
}

export interface SandboxTrade {
  readonly tradeNo: string;
  readonly outTradeNo: string;
  /** The API that created it: alipay.trade.precreate / create / page.pay / wap.pay / app.pay. */
  readonly createdBy: string;
  readonly productCode: string | undefined;
  readonly subject: string;
  readonly totalFen: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly notifyUrl: string | undefined;
  readonly returnUrl: string | undefined;
  readonly passbackParams: string | undefined;
  readonly buyerId: string;
  readonly buyerLogonId: string;
  status: SandboxTradeStatus;
  paidAt: Date | undefined;
  closedAt: Date | undefined;
  refundedFen: number;
  readonly refunds: Map<string, SandboxRefund>;
  /** Vouchers and points the buyer used when paying (see discounts.ts). */
  discounts: TradeDiscounts;
  /** Buyer attempts that failed at the cashier (Alipay keeps the trade WAIT_BUYER_PAY). */
  failedAttempts: number;
  /**
   * Whether Alipay knows the trade yet. A precreate only hands out a QR code: the trade comes into
   * being when a buyer scans it, and until then query, close, cancel and refund answer
   * ACQ.TRADE_NOT_EXIST. Every other pay API creates the trade at once.
   */
  scanned: boolean;
  /** alipay.trade.pay (bar_code): the auth code and what its buyer does (see in-person.ts). */
  inPerson?: AlipayInPersonRecord;
}

export interface OpenTradeInput {
  readonly outTradeNo: string;
  readonly createdBy: string;
  readonly productCode: string | undefined;
  readonly subject: string;
  readonly totalFen: number;
  readonly expiresAt: Date;
  readonly notifyUrl: string | undefined;
  readonly returnUrl: string | undefined;
  readonly passbackParams: string | undefined;
  readonly buyerId: string | undefined;
  /** False for alipay.trade.precreate: the trade exists for the APIs only once scanned. */
  readonly scanned: boolean;
}

export interface LedgerOptions {
  /** Days after payment during which refunds are accepted; then TRADE_FINISHED (签约的可退款时间). */
  readonly refundWindowDays: number;
  /** Hours after creation during which alipay.trade.cancel is allowed. */
  readonly cancelWindowHours: number;
  /** The seller's balance in fen; refunds draw on it. Undefined: unlimited. */
  readonly sellerBalanceFen: number | undefined;
}

export type LedgerEvent =
  | { readonly type: "paid"; readonly trade: SandboxTrade }
  | { readonly type: "refunded"; readonly trade: SandboxTrade; readonly refund: SandboxRefund }
  | { readonly type: "expired"; readonly trade: SandboxTrade }
  | { readonly type: "finished"; readonly trade: SandboxTrade };

const DAY_MS = 24 * 3600 * 1000;

/** The simulated Alipay account: trades, refunds, the seller balance and the rules between them. */
export class AlipayLedger {
  private readonly byOutTradeNo = new Map<string, SandboxTrade>();
  private readonly byTradeNo = new Map<string, SandboxTrade>();
  private sequence = 0;
  private balanceFen: number | undefined;

  constructor(
    private readonly options: LedgerOptions,
    private readonly emit: (event: LedgerEvent) => void,
  ) {
    this.balanceFen = options.sellerBalanceFen;
  }

  get sellerBalanceFen(): number | undefined {
    return this.balanceFen;
  }

  setSellerBalance(fen: number | undefined): void {
    this.balanceFen = fen;
  }

  trades(): SandboxTrade[] {
    return [...this.byOutTradeNo.values()];
  }

  /**
   * Looks a trade up as the APIs do: trade_no wins over out_trade_no when both are given. A
   * precreated trade nobody scanned yet is not found (see `SandboxTrade.scanned`).
   */
  find(
    ref: { tradeNo?: string | undefined; outTradeNo?: string | undefined },
    now: Date,
  ): SandboxTrade | undefined {
    const trade = this.lookup(ref, now);
    return trade?.scanned ? trade : undefined;
  }

  /** Any trade the sandbox holds, scanned or not: for the buyer's side and the control API. */
  lookup(
    ref: { tradeNo?: string | undefined; outTradeNo?: string | undefined },
    now: Date,
  ): SandboxTrade | undefined {
    const trade = ref.tradeNo
      ? this.byTradeNo.get(ref.tradeNo)
      : ref.outTradeNo
        ? this.byOutTradeNo.get(ref.outTradeNo)
        : undefined;
    if (trade) this.refresh(trade, now);
    return trade;
  }

  /** A buyer scans the QR code of a precreated trade: from now on the APIs know it. */
  scan(ref: { tradeNo?: string | undefined; outTradeNo?: string | undefined }, now: Date): SandboxTrade {
    const trade = this.lookup(ref, now);
    if (!trade)
      fail("ACQ.TRADE_NOT_EXIST", undefined, ref.outTradeNo ? { out_trade_no: ref.outTradeNo } : {});
    // A code that expired before anyone scanned it opens nothing: there never was a trade.
    if (!trade.scanned && trade.status === "TRADE_CLOSED") {
      fail("ACQ.TRADE_HAS_CLOSE", "二维码已过期", { out_trade_no: trade.outTradeNo });
    }
    trade.scanned = true;
    return trade;
  }

  require(ref: { tradeNo?: string | undefined; outTradeNo?: string | undefined }, now: Date): SandboxTrade {
    const trade = this.find(ref, now);
    if (!trade)
      fail("ACQ.TRADE_NOT_EXIST", undefined, ref.outTradeNo ? { out_trade_no: ref.outTradeNo } : {});
    return trade;
  }

  /**
   * Creates the trade, or returns the existing one when the same order is submitted again with
   * the same amount and subject (an idempotent retry). A changed order is ACQ.CONTEXT_INCONSISTENT.
   */
  open(input: OpenTradeInput, now: Date): SandboxTrade {
    const existing = this.lookup({ outTradeNo: input.outTradeNo }, now);
    if (existing) {
      if (existing.status === "TRADE_SUCCESS" || existing.status === "TRADE_FINISHED") {
        fail("ACQ.TRADE_HAS_SUCCESS", undefined, { out_trade_no: input.outTradeNo });
      }
      if (existing.status === "TRADE_CLOSED")
        fail("ACQ.TRADE_HAS_CLOSE", undefined, { out_trade_no: input.outTradeNo });
      if (existing.totalFen !== input.totalFen || existing.subject !== input.subject) {
        fail("ACQ.CONTEXT_INCONSISTENT", "同一 out_trade_no 的金额或标题与首次请求不同", {
          out_trade_no: input.outTradeNo,
        });
      }
      return existing;
    }
    this.sequence += 1;
    const tradeNo = `${beijingDay(now)}22001${String(4000000000 + this.sequence * 7919).padStart(15, "0")}`;
    const trade: SandboxTrade = {
      tradeNo,
      outTradeNo: input.outTradeNo,
      createdBy: input.createdBy,
      productCode: input.productCode,
      subject: input.subject,
      totalFen: input.totalFen,
      createdAt: now,
      expiresAt: input.expiresAt,
      notifyUrl: input.notifyUrl,
      returnUrl: input.returnUrl,
      passbackParams: input.passbackParams,
      buyerId: input.buyerId ?? `2088${String(102146225135 + this.sequence).padStart(12, "0")}`,
      buyerLogonId: `138****${String(8800 + (this.sequence % 100)).padStart(4, "0")}`,
      status: "WAIT_BUYER_PAY",
      paidAt: undefined,
      closedAt: undefined,
      refundedFen: 0,
      refunds: new Map(),
      discounts: NO_DISCOUNTS,
      failedAttempts: 0,
      scanned: input.scanned,
    };
    this.byOutTradeNo.set(trade.outTradeNo, trade);
    this.byTradeNo.set(trade.tradeNo, trade);
    return trade;
  }

  /** The buyer pays at the cashier (a QR code is scanned first), with vouchers or points if given. */
  pay(outTradeNo: string, now: Date, options: AlipayPayOptions = {}): SandboxTrade {
    const trade = this.scan({ outTradeNo }, now);
    if (trade.status !== "WAIT_BUYER_PAY") fail("ACQ.TRADE_STATUS_ERROR", `trade is ${trade.status}`);
    trade.discounts = tradeDiscounts(trade.totalFen, options);
    trade.status = "TRADE_SUCCESS";
    trade.paidAt = now;
    if (this.balanceFen !== undefined) this.balanceFen += trade.totalFen;
    this.emit({ type: "paid", trade });
    return trade;
  }

  /** The buyer's payment failed at the cashier; Alipay has no failed state, the trade stays payable. */
  failPayment(outTradeNo: string, now: Date): SandboxTrade {
    const trade = this.scan({ outTradeNo }, now);
    if (trade.status !== "WAIT_BUYER_PAY") fail("ACQ.TRADE_STATUS_ERROR", `trade is ${trade.status}`);
    trade.failedAttempts += 1;
    return trade;
  }

  /** alipay.trade.close: only an unpaid trade can be closed. */
  close(trade: SandboxTrade, now: Date): void {
    if (trade.status !== "WAIT_BUYER_PAY") fail("ACQ.TRADE_STATUS_ERROR", `trade is ${trade.status}`);
    trade.status = "TRADE_CLOSED";
    trade.closedAt = now;
  }

  /** alipay.trade.cancel: closes an unpaid trade, or refunds a paid one in full and closes it. */
  cancel(trade: SandboxTrade, now: Date): "close" | "refund" {
    if (now.getTime() - trade.createdAt.getTime() > this.options.cancelWindowHours * 3600 * 1000) {
      fail("ACQ.TRADE_CANCEL_TIME_OUT", undefined, { out_trade_no: trade.outTradeNo });
    }
    if (trade.status === "TRADE_FINISHED")
      fail("ACQ.TRADE_HAS_FINISHED", undefined, { out_trade_no: trade.outTradeNo });
    if (trade.status === "WAIT_BUYER_PAY") {
      this.close(trade, now);
      return "close";
    }
    if (trade.status === "TRADE_CLOSED" && trade.paidAt === undefined) return "close";
    if (trade.refundedFen > 0) {
      fail("ACQ.REASON_TRADE_REFUND_FEE_ERR", "已经退款的交易不能撤销", { out_trade_no: trade.outTradeNo });
    }
    this.refund(trade, { outRequestNo: trade.outTradeNo, amountFen: trade.totalFen, reason: "cancel" }, now);
    return "refund";
  }

  /**
   * alipay.trade.refund. The same out_request_no is the same refund: answered again without moving
   * money (fund_change N). Refunds of one trade never add up past what the buyer paid.
   */
  refund(
    trade: SandboxTrade,
    request: { outRequestNo: string; amountFen: number; reason: string | undefined },
    now: Date,
  ): { refund: SandboxRefund; fundChange: boolean } {
    const echo = { out_trade_no: trade.outTradeNo, trade_no: trade.tradeNo };
    const previous = trade.refunds.get(request.outRequestNo);
    if (previous) {
      if (previous.amountFen !== request.amountFen) {
        fail("ACQ.DISCORDANT_REPEAT_REQUEST", "同一 out_request_no 的退款金额与首次请求不同", echo);
      }
      return { refund: previous, fundChange: false };
    }
    if (trade.status === "TRADE_FINISHED") fail("ACQ.TRADE_HAS_FINISHED", "交易已超过可退款时间", echo);
    if (trade.status !== "TRADE_SUCCESS") fail("ACQ.TRADE_STATUS_ERROR", `trade is ${trade.status}`, echo);
    if (request.amountFen <= 0) fail("ACQ.REASON_TRADE_REFUND_FEE_ERR", "退款金额必须大于 0", echo);
    if (trade.refundedFen + request.amountFen > trade.totalFen) {
      fail(
        "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
        `已退 ${trade.refundedFen} 分, 本次 ${request.amountFen} 分, 超过实付 ${trade.totalFen} 分`,
        echo,
      );
    }
    if (this.balanceFen !== undefined && this.balanceFen < request.amountFen) {
      fail("ACQ.SELLER_BALANCE_NOT_ENOUGH", undefined, echo);
    }
    const refund: SandboxRefund = {
      ...request,
      at: now,
      share: refundShare(trade.totalFen, trade.discounts, [...trade.refunds.values()], request.amountFen),
    };
    trade.refunds.set(refund.outRequestNo, refund);
    trade.refundedFen += refund.amountFen;
    if (this.balanceFen !== undefined) this.balanceFen -= refund.amountFen;
    // A full refund closes the trade (https://opendocs.alipay.com/open/02ekfh: TRADE_CLOSED "支付完成后全额退款").
    if (trade.refundedFen === trade.totalFen) {
      trade.status = "TRADE_CLOSED";
      trade.closedAt = now;
    }
    this.emit({ type: "refunded", trade, refund });
    return { refund, fundChange: true };
  }

  /**
   * Applies the passage of time: a buyer entering the password decides (pays or gives up) at the
   * planned moment unless the trade expired first, unpaid trades expire, paid trades leave the
   * refund window.
   */
  refresh(trade: SandboxTrade, now: Date): void {
    const decideAt = trade.inPerson?.decideAt;
    if (
      trade.inPerson &&
      decideAt &&
      trade.status === "WAIT_BUYER_PAY" &&
      decideAt.getTime() <= now.getTime() &&
      decideAt.getTime() < trade.expiresAt.getTime()
    ) {
      trade.inPerson.decideAt = undefined;
      if (trade.inPerson.plan.kind === "pays_after") this.pay(trade.outTradeNo, decideAt);
      else trade.failedAttempts += 1;
    }
    if (trade.status === "WAIT_BUYER_PAY" && now.getTime() >= trade.expiresAt.getTime()) {
      trade.status = "TRADE_CLOSED";
      trade.closedAt = trade.expiresAt;
      // An unscanned precreate code just lapses: no trade was ever created, so nothing is notified.
      if (trade.scanned) this.emit({ type: "expired", trade });
    }
    if (
      trade.status === "TRADE_SUCCESS" &&
      trade.paidAt &&
      now.getTime() >= trade.paidAt.getTime() + this.options.refundWindowDays * DAY_MS
    ) {
      trade.status = "TRADE_FINISHED";
      this.emit({ type: "finished", trade });
    }
  }

  refreshAll(now: Date): void {
    for (const trade of this.byOutTradeNo.values()) this.refresh(trade, now);
  }
}
