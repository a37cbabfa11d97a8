import { OffsetClock, type SandboxClock } from "../../shared/clock.js";
import { WechatEngineError, WechatTransportFault } from "./errors.js";
import { EngineEventEmitter, type WechatEngineListener } from "./events.js";
import { FaultQueue, raiseFaultBefore, type WechatFault, type WechatOperation } from "./faults.js";
import { WechatIdFactory } from "./ids.js";
import { type RateLimits, SlidingWindowCounter, WECHAT_REFUND_RATE_LIMITS } from "./rate-limiter.js";
import type {
  CreateOrderInput,
  CreateRefundInput,
  EngineMerchant,
  EngineOrder,
  EngineRefund,
  RefundLookup,
  RefundPage,
  WechatRefundStatus,
  WechatTradeState,
  WechatTradeType,
} from "./types.js";

const DAY_MS = 24 * 3600_000;

export interface WechatEngineOptions {
  /** Defaults to real time plus an offset that `advance` grows. */
  readonly clock?: SandboxClock;
  /** How long a refund stays PROCESSING before it settles (default 5 s of engine time). */
  readonly refundDelayMs?: number;
  /** Days after pay success a refund is accepted (seed 001: "按支付成功时间+365天计算"). */
  readonly refundWindowDays?: number;
  /** Refunds one order may have (seed 001 note 1: "一笔订单最多部分退款50次"). */
  readonly maxRefundsPerOrder?: number;
  /** Least time between two refunds of one order (seed 001 note 1: "间隔1分钟再调用"). */
  readonly refundIntervalMs?: number;
  /** Refund calls per second per merchant; `false` turns the limiter off. */
  readonly rateLimits?: RateLimits | false;
  /** Randomness for generated ids; inject for reproducible ids. */
  readonly random?: () => number;
}

export interface PayOptions {
  readonly mchid?: string | undefined;
  /** What the buyer paid in cash; defaults to the order total (no coupon). */
  readonly payerTotalFen?: number | undefined;
  readonly bankType?: string | undefined;
  readonly payerOpenid?: string | undefined;
}

export interface RefundOutcome {
  readonly refund: Readonly<EngineRefund>;
  /** False when the same out_refund_no was already accepted and the original is returned. */
  readonly created: boolean;
}

const TRADE_TYPES = { jsapi: "JSAPI", native: "NATIVE", h5: "MWEB", app: "APP" } as const satisfies Record<
  CreateOrderInput["channel"],
  WechatTradeType
>;

const key = (mchid: string, id: string) => `${mchid}\u0000${id}`;

/**
 * A transport-independent WeChat Pay merchant: orders, buyer actions, close, refunds with every
 * rule of DESIGN.md "Refund rules", refund settlement driven by an injectable clock, a per-call
 * fault queue and an event stream. The v3 HTTP simulator and the CloudPay simulator both sit on it.
 */
export class WechatMerchantEngine {
  readonly clock: SandboxClock;
  readonly faults = new FaultQueue();
  private readonly events = new EngineEventEmitter();
  private readonly ids: WechatIdFactory;
  private readonly merchants = new Map<string, EngineMerchant>();
  private readonly orders = new Map<string, EngineOrder>();
  private readonly ordersByTransaction = new Map<string, EngineOrder>();
  private readonly refunds = new Map<string, EngineRefund>();
  private readonly refundsById = new Map<string, EngineRefund>();
  private readonly refundsByOrder = new Map<string, EngineRefund[]>();
  private readonly plannedOutcomes = new Map<string, Exclude<WechatRefundStatus, "PROCESSING">>();
  private readonly successes = new SlidingWindowCounter();
  private readonly failures = new SlidingWindowCounter();
  private readonly refundDelayMs: number;
  private readonly refundWindowDays: number;
  private readonly maxRefundsPerOrder: number;
  private readonly refundIntervalMs: number;
  private readonly rateLimits: RateLimits | false;
  private calls = 0;

  constructor(options: WechatEngineOptions = {}) {
    this.clock = options.clock ?? new OffsetClock();
    this.ids = new WechatIdFactory(options.random);
    this.refundDelayMs = options.refundDelayMs ?? 5_000;
    this.refundWindowDays = options.refundWindowDays ?? 365;
    this.maxRefundsPerOrder = options.maxRefundsPerOrder ?? 50;
    this.refundIntervalMs = options.refundIntervalMs ?? 60_000;
    this.rateLimits = options.rateLimits ?? WECHAT_REFUND_RATE_LIMITS;
  }

  // ---------------------------------------------------------------- merchants, events, time

  addMerchant(merchant: { mchid: string; appids?: readonly string[] }): EngineMerchant {
    const record: EngineMerchant = { mchid: merchant.mchid, appids: [...(merchant.appids ?? [])] };
    this.merchants.set(merchant.mchid, record);
    return record;
  }

  hasMerchant(mchid: string): boolean {
    return this.merchants.has(mchid);
  }

  onEvent(listener: WechatEngineListener): () => void {
    return this.events.on(listener);
  }

  now(): Date {
    return this.clock.now();
  }

  /** Moves the clock and settles every refund that came due. */
  advance(ms: number): void {
    this.clock.advance(ms);
    this.tick();
  }

  /** Settles PROCESSING refunds whose delay has passed, oldest first. Called before every operation. */
  tick(): void {
    const now = this.now().getTime();
    const due = [...this.refunds.values()]
      .filter((r) => r.status === "PROCESSING" && r.dueAt.getTime() <= now)
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    for (const refund of due) this.settle(refund, refund.plannedOutcome, refund.dueAt);
  }

  /** Operations answered so far (faulted and refused ones included). */
  get callCount(): number {
    return this.calls;
  }

  injectFault(fault: WechatFault, times = 1): void {
    this.faults.push(fault, times);
  }

  // ---------------------------------------------------------------- merchant API

  createOrder(mchid: string, input: CreateOrderInput): Readonly<EngineOrder> {
    return this.run(mchid, "create_order", () => {
      const merchant = this.requireMerchant(mchid);
      if (merchant.appids.length > 0 && !merchant.appids.includes(input.appid)) {
        throw new WechatEngineError("APPID_MCHID_NOT_MATCH", `appid ${input.appid} 与 mchid ${mchid} 不匹配`);
      }
      if (!Number.isSafeInteger(input.totalFen) || input.totalFen < 1) {
        throw new WechatEngineError("PARAM_ERROR", "amount.total 必须是正整数(分)");
      }
      const currency = input.currency ?? "CNY";
      if (currency !== "CNY") throw new WechatEngineError("PARAM_ERROR", "amount.currency 只支持 CNY");
      const existing = this.orders.get(key(mchid, input.outTradeNo));
      if (existing) return this.repeatOrder(existing, input);
      const now = this.now();
      const prepayId = this.ids.prepayId(now);
      const order: EngineOrder = {
        mchid,
        appid: input.appid,
        outTradeNo: input.outTradeNo,
        description: input.description,
        channel: input.channel,
        tradeType: TRADE_TYPES[input.channel],
        totalFen: input.totalFen,
        currency,
        notifyUrl: input.notifyUrl,
        payerOpenid: input.payerOpenid,
        payerClientIp: input.payerClientIp,
        attach: input.attach,
        timeExpire: input.timeExpire,
        createdAt: now,
        prepayId,
        codeUrl:
          input.channel === "native" ? `weixin://wxpay/bizpayurl?pr=${prepayId.slice(-12)}` : undefined,
        h5Url:
          input.channel === "h5"
            ? `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${prepayId.slice(-10)}`
            : undefined,
        tradeState: "NOTPAY",
        tradeStateDesc: "订单未支付",
        transactionId: undefined,
        successTime: undefined,
        payerTotalFen: undefined,
        bankType: undefined,
        abandoned: false,
      };
      this.orders.set(key(mchid, order.outTradeNo), order);
      return order;
    });
  }

  /** Query by out_trade_no or transaction_id (https://pay.weixin.qq.com/doc/v3/merchant/4013070356). */
  getOrder(mchid: string, by: { outTradeNo: string } | { transactionId: string }): Readonly<EngineOrder> {
    return this.run(mchid, "query_order", () => this.findOrder(mchid, by, "ORDER_NOT_EXIST"));
  }

  /** Close an unpaid order (https://pay.weixin.qq.com/doc/v3/merchant/4013070360). */
  closeOrder(mchid: string, outTradeNo: string): void {
    this.run(mchid, "close_order", () => {
      const order = this.findOrder(mchid, { outTradeNo }, "ORDER_NOT_EXIST");
      if (order.tradeState === "SUCCESS" || order.tradeState === "REFUND") {
        throw new WechatEngineError("ORDERPAID", "订单已支付,不能关闭");
      }
      if (order.tradeState === "CLOSED" || order.tradeState === "REVOKED") return;
      this.setTradeState(order, "CLOSED", "订单已关闭");
    });
  }

  /** POST /v3/refund/domestic/refunds with every rule of seed 001 and DESIGN.md. */
  refund(mchid: string, input: CreateRefundInput): RefundOutcome {
    return this.run(mchid, "refund", () => {
      this.checkRateLimits(mchid);
      try {
        const outcome = this.applyRefund(mchid, input);
        this.successes.record(mchid, this.now().getTime());
        return outcome;
      } catch (error) {
        if (error instanceof WechatEngineError) this.failures.record(mchid, this.now().getTime());
        throw error;
      }
    });
  }

  /** GET /v3/refund/domestic/refunds/{out_refund_no}. */
  getRefund(mchid: string, outRefundNo: string): Readonly<EngineRefund> {
    return this.run(mchid, "query_refund", () => {
      const refund = this.refunds.get(key(mchid, outRefundNo));
      if (!refund) throw new WechatEngineError("RESOURCE_NOT_EXISTS", `退款单 ${outRefundNo} 不存在`);
      return refund;
    });
  }

  /**
   * Refunds by the keys of v2 refundquery / CloudPay.queryRefund (seed 002): refund_id >
   * out_refund_no > transaction_id > out_trade_no; order keys page through every refund of the
   * order, `limit` (10 by default) at a time from `offset`. APIv3 itself has no such call.
   */
  queryRefunds(mchid: string, lookup: RefundLookup): RefundPage {
    return this.run(mchid, "list_refunds", () => {
      const limit = lookup.limit ?? 10;
      const offset = lookup.offset ?? 0;
      if (!Number.isInteger(offset) || offset < 0)
        throw new WechatEngineError("PARAM_ERROR", "offset 必须是非负整数");
      let matched: EngineRefund[];
      let order: EngineOrder;
      if (lookup.refundId !== undefined || lookup.outRefundNo !== undefined) {
        const refund =
          lookup.refundId !== undefined
            ? this.refundsById.get(key(mchid, lookup.refundId))
            : this.refunds.get(key(mchid, lookup.outRefundNo ?? ""));
        if (!refund)
          throw new WechatEngineError("RESOURCE_NOT_EXISTS", "退款单不存在", undefined, "REFUNDNOTEXIST");
        matched = [refund];
        order = this.findOrder(mchid, { outTradeNo: refund.outTradeNo }, "RESOURCE_NOT_EXISTS");
      } else if (lookup.transactionId !== undefined || lookup.outTradeNo !== undefined) {
        order = this.findOrder(
          mchid,
          lookup.transactionId !== undefined
            ? { transactionId: lookup.transactionId }
            : { outTradeNo: lookup.outTradeNo ?? "" },
          "RESOURCE_NOT_EXISTS",
        );
        matched = this.refundsByOrder.get(key(mchid, order.outTradeNo)) ?? [];
        if (matched.length === 0) {
          throw new WechatEngineError("RESOURCE_NOT_EXISTS", "该订单没有退款", undefined, "REFUNDNOTEXIST");
        }
      } else {
        throw new WechatEngineError(
          "PARAM_ERROR",
          "需要 refund_id、out_refund_no、transaction_id 或 out_trade_no 之一",
        );
      }
      // DESIGN.md: "an offset past the total is PARAM_ERROR".
      if (offset >= matched.length && offset > 0) {
        throw new WechatEngineError("PARAM_ERROR", `offset ${offset} 超过退款总笔数 ${matched.length}`);
      }
      return { order, totalCount: matched.length, offset, refunds: matched.slice(offset, offset + limit) };
    });
  }

  // ---------------------------------------------------------------- buyer and operator controls

  /** The buyer pays: NOTPAY / USERPAYING -> SUCCESS, with a transaction_id and success_time. */
  pay(outTradeNo: string, options: PayOptions = {}): Readonly<EngineOrder> {
    this.tick();
    const order = this.controlOrder(outTradeNo, options.mchid);
    this.assertPayable(order);
    const now = this.now();
    order.transactionId = this.ids.transactionId(now);
    this.ordersByTransaction.set(key(order.mchid, order.transactionId), order);
    order.successTime = now;
    order.payerTotalFen = options.payerTotalFen ?? order.totalFen;
    order.bankType = options.bankType ?? "OTHERS";
    if (options.payerOpenid !== undefined && order.payerOpenid === undefined) {
      (order as { payerOpenid: string | undefined }).payerOpenid = options.payerOpenid;
    }
    this.setTradeState(order, "SUCCESS", "支付成功");
    return order;
  }

  /** The payment fails (bank refused): PAYERROR. */
  failPayment(outTradeNo: string, options: { mchid?: string; reason?: string } = {}): Readonly<EngineOrder> {
    this.tick();
    const order = this.controlOrder(outTradeNo, options.mchid);
    this.assertPayable(order);
    this.setTradeState(order, "PAYERROR", options.reason ?? "支付失败,请重新下单支付");
    return order;
  }

  /** The buyer entered the password flow (micropay): USERPAYING. */
  startPaying(outTradeNo: string, options: { mchid?: string } = {}): Readonly<EngineOrder> {
    const order = this.controlOrder(outTradeNo, options.mchid);
    this.assertPayable(order);
    this.setTradeState(order, "USERPAYING", "用户支付中");
    return order;
  }

  /** The buyer never pays: the order stays NOTPAY and can no longer be paid. */
  neverPay(outTradeNo: string, options: { mchid?: string } = {}): Readonly<EngineOrder> {
    const order = this.controlOrder(outTradeNo, options.mchid);
    order.abandoned = true;
    return order;
  }

  /** Micropay revoke (撤销): REVOKED. */
  revoke(outTradeNo: string, options: { mchid?: string } = {}): Readonly<EngineOrder> {
    const order = this.controlOrder(outTradeNo, options.mchid);
    if (order.tradeState !== "NOTPAY" && order.tradeState !== "USERPAYING") {
      throw new WechatEngineError("INVALID_REQUEST", `订单状态 ${order.tradeState} 不能撤销`);
    }
    this.setTradeState(order, "REVOKED", "已撤销");
    return order;
  }

  /**
   * Decides how a refund ends. For an existing PROCESSING or ABNORMAL refund it happens now
   * (ABNORMAL -> SUCCESS / CLOSED is the merchant's manual handling); for a refund number not
   * used yet it is remembered and applied when that refund comes due.
   */
  setRefundOutcome(
    outRefundNo: string,
    outcome: Exclude<WechatRefundStatus, "PROCESSING">,
    options: { mchid?: string } = {},
  ): void {
    const refund = this.controlRefund(outRefundNo, options.mchid);
    if (!refund) {
      const mchid = options.mchid ?? this.onlyMerchant();
      this.plannedOutcomes.set(key(mchid, outRefundNo), outcome);
      return;
    }
    if (refund.status === "PROCESSING" || refund.status === "ABNORMAL") {
      this.settle(refund, outcome, this.now());
      return;
    }
    if (refund.status !== outcome) {
      throw new WechatEngineError(
        "INVALID_REQUEST",
        `退款 ${outRefundNo} 已是 ${refund.status},不能改为 ${outcome}`,
      );
    }
  }

  /** Every order (for inspection and the control API). */
  listOrders(mchid?: string): readonly Readonly<EngineOrder>[] {
    return [...this.orders.values()].filter((o) => mchid === undefined || o.mchid === mchid);
  }

  /** Every refund of an order, oldest first, without counting as a merchant call. */
  refundsOf(outTradeNo: string, mchid?: string): readonly Readonly<EngineRefund>[] {
    const order = this.controlOrder(outTradeNo, mchid);
    return [...(this.refundsByOrder.get(key(order.mchid, outTradeNo)) ?? [])];
  }

  /** Looks up an order without counting as a merchant call; undefined when absent. */
  peekOrder(outTradeNo: string, mchid?: string): Readonly<EngineOrder> | undefined {
    return [...this.orders.values()].find(
      (o) => o.outTradeNo === outTradeNo && (mchid === undefined || o.mchid === mchid),
    );
  }

  // ---------------------------------------------------------------- internals

  private run<T>(mchid: string, operation: WechatOperation, fn: () => T): T {
    this.calls += 1;
    this.tick();
    this.requireMerchant(mchid);
    const fault = this.faults.take(mchid, operation);
    if (fault) raiseFaultBefore(fault);
    const result = fn();
    if (fault?.kind === "RESPONSE_LOST") throw new WechatTransportFault("response_lost", result);
    return result;
  }

  private requireMerchant(mchid: string): EngineMerchant {
    const merchant = this.merchants.get(mchid);
    if (!merchant) throw new WechatEngineError("MCH_NOT_EXISTS", `商户号 ${mchid} 不存在`);
    return merchant;
  }

  private checkRateLimits(mchid: string): void {
    if (!this.rateLimits) return;
    const now = this.now().getTime();
    if (this.successes.count(mchid, now) >= this.rateLimits.successPerSecond) {
      throw new WechatEngineError(
        "FREQUENCY_LIMITED",
        `商户号调用成功频率超过 ${this.rateLimits.successPerSecond} 次/秒`,
        "rate_success",
      );
    }
    if (this.failures.count(mchid, now) >= this.rateLimits.failurePerSecond) {
      throw new WechatEngineError(
        "FREQUENCY_LIMITED",
        `错误或无效请求频率超过 ${this.rateLimits.failurePerSecond} 次/秒`,
        "rate_failure",
      );
    }
  }

  private applyRefund(mchid: string, input: CreateRefundInput): RefundOutcome {
    if (!Number.isSafeInteger(input.refundFen) || input.refundFen < 1) {
      throw new WechatEngineError("PARAM_ERROR", "amount.refund 必须是正整数(分)");
    }
    if (!Number.isSafeInteger(input.totalFen) || input.totalFen < 1) {
      throw new WechatEngineError("PARAM_ERROR", "amount.total 必须是正整数(分)");
    }
    if ((input.currency ?? "CNY") !== "CNY")
      throw new WechatEngineError("PARAM_ERROR", "amount.currency 只支持 CNY");
    if (input.from && input.from.reduce((s, f) => s + f.amountFen, 0) !== input.refundFen) {
      throw new WechatEngineError("PARAM_ERROR", "amount.from 的金额之和必须等于 amount.refund");
    }
    if (input.transactionId === undefined && input.outTradeNo === undefined) {
      throw new WechatEngineError("PARAM_ERROR", "transaction_id 和 out_trade_no 必须二选一");
    }

    // The same out_refund_no refunds once (seed 001: "同一退款单号多次请求只退一笔"): a retry gets
    // the original back, checked before the interval rule so that a retry is never refused.
    const existing = this.refunds.get(key(mchid, input.outRefundNo));
    if (existing) {
      const sameOrder =
        (input.transactionId === undefined || input.transactionId === existing.transactionId) &&
        (input.outTradeNo === undefined || input.outTradeNo === existing.outTradeNo);
      if (!sameOrder || existing.refundFen !== input.refundFen || existing.totalFen !== input.totalFen) {
        throw new WechatEngineError(
          "INVALID_REQUEST",
          `退款单号 ${input.outRefundNo} 已用于另一笔退款,参数与原请求不一致`,
          "duplicate_mismatch",
        );
      }
      return { refund: existing, created: false };
    }

    const order = this.findRefundableOrder(mchid, input);
    if (order.totalFen !== input.totalFen) {
      throw new WechatEngineError(
        "INVALID_REQUEST",
        `amount.total ${input.totalFen} 与订单金额 ${order.totalFen} 不一致`,
        "total_mismatch",
        "REFUND_FEE_MISMATCH",
      );
    }
    const now = this.now();
    const successTime = order.successTime ?? order.createdAt;
    if (now.getTime() > successTime.getTime() + this.refundWindowDays * DAY_MS) {
      throw new WechatEngineError(
        "INVALID_REQUEST",
        `订单已超过退款期限(支付成功后 ${this.refundWindowDays} 天)`,
        "window",
        "TRADE_OVERDUE",
      );
    }
    const previous = this.refundsByOrder.get(key(mchid, order.outTradeNo)) ?? [];
    if (previous.length >= this.maxRefundsPerOrder) {
      throw new WechatEngineError(
        "INVALID_REQUEST",
        `一笔订单最多退款 ${this.maxRefundsPerOrder} 次`,
        "count",
      );
    }
    const refunded = previous.filter((r) => r.status !== "CLOSED").reduce((s, r) => s + r.refundFen, 0);
    if (refunded + input.refundFen > order.totalFen) {
      throw new WechatEngineError(
        "INVALID_REQUEST",
        `申请退款金额超过订单可退金额:已退 ${refunded},本次 ${input.refundFen},订单 ${order.totalFen}`,
        "sum",
      );
    }
    const last = previous[previous.length - 1];
    if (last && now.getTime() - last.createdAt.getTime() < this.refundIntervalMs) {
      throw new WechatEngineError(
        "FREQUENCY_LIMITED",
        `同一订单两次退款需间隔 ${this.refundIntervalMs / 1000} 秒`,
        "interval",
      );
    }

    const transactionId = order.transactionId ?? "";
    const refund: EngineRefund = {
      mchid,
      refundId: this.ids.refundId(now),
      outRefundNo: input.outRefundNo,
      outTradeNo: order.outTradeNo,
      transactionId,
      refundFen: input.refundFen,
      totalFen: input.totalFen,
      currency: "CNY",
      reason: input.reason,
      notifyUrl: input.notifyUrl,
      fundsAccount: input.fundsAccount ?? "UNSETTLED",
      from: [...(input.from ?? [])],
      goodsDetail: [...(input.goodsDetail ?? [])],
      channel: "ORIGINAL",
      userReceivedAccount: "支付用户零钱",
      createdAt: now,
      status: "PROCESSING",
      successTime: undefined,
      dueAt: new Date(now.getTime() + this.refundDelayMs),
      plannedOutcome: this.plannedOutcomes.get(key(mchid, input.outRefundNo)) ?? "SUCCESS",
    };
    this.plannedOutcomes.delete(key(mchid, input.outRefundNo));
    this.refunds.set(key(mchid, refund.outRefundNo), refund);
    this.refundsById.set(key(mchid, refund.refundId), refund);
    this.refundsByOrder.set(key(mchid, order.outTradeNo), [...previous, refund]);
    this.events.emit({ kind: "refund", mchid, from: undefined, to: "PROCESSING", refund, order, at: now });
    if (order.tradeState === "SUCCESS") this.setTradeState(order, "REFUND", "转入退款");
    return { refund, created: true };
  }

  private findRefundableOrder(mchid: string, input: CreateRefundInput): EngineOrder {
    const order =
      input.transactionId !== undefined
        ? this.ordersByTransaction.get(key(mchid, input.transactionId))
        : this.orders.get(key(mchid, input.outTradeNo ?? ""));
    // Seed 001, 404 RESOURCE_NOT_EXISTS: "请检查你的订单号是否正确且是否已支付,未支付的订单不能发起退款".
    if (!order)
      throw new WechatEngineError("RESOURCE_NOT_EXISTS", "订单号不存在", undefined, "ORDERNOTEXIST");
    if (order.tradeState !== "SUCCESS" && order.tradeState !== "REFUND") {
      throw new WechatEngineError(
        "RESOURCE_NOT_EXISTS",
        `订单状态 ${order.tradeState},未支付的订单不能发起退款`,
        "not_paid",
        "ORDERNOTEXIST",
      );
    }
    return order;
  }

  private findOrder(
    mchid: string,
    by: { outTradeNo: string } | { transactionId: string },
    missing: "ORDER_NOT_EXIST" | "RESOURCE_NOT_EXISTS",
  ): EngineOrder {
    const order =
      "outTradeNo" in by
        ? this.orders.get(key(mchid, by.outTradeNo))
        : this.ordersByTransaction.get(key(mchid, by.transactionId));
    if (!order) throw new WechatEngineError(missing, "订单不存在", undefined, "ORDERNOTEXIST");
    return order;
  }

  private repeatOrder(existing: EngineOrder, input: CreateOrderInput): EngineOrder {
    if (existing.tradeState === "SUCCESS" || existing.tradeState === "REFUND") {
      throw new WechatEngineError("ORDERPAID", "该订单已支付");
    }
    if (existing.tradeState === "CLOSED" || existing.tradeState === "REVOKED") {
      throw new WechatEngineError("ORDER_CLOSED", "该订单已关闭");
    }
    // The same parameters again return the same prepay_id; different ones reuse the number.
    const same =
      existing.totalFen === input.totalFen &&
      existing.description === input.description &&
      existing.channel === input.channel &&
      existing.appid === input.appid;
    if (!same) throw new WechatEngineError("OUT_TRADE_NO_USED", "商户订单号重复,且参数与原订单不一致");
    return existing;
  }

  private assertPayable(order: EngineOrder): void {
    if (order.tradeState !== "NOTPAY" && order.tradeState !== "USERPAYING") {
      throw new WechatEngineError("INVALID_REQUEST", `订单状态 ${order.tradeState},不能支付`);
    }
    if (order.abandoned) throw new WechatEngineError("INVALID_REQUEST", "买家已放弃支付(never pay)");
    if (order.timeExpire && order.timeExpire.getTime() < this.now().getTime()) {
      throw new WechatEngineError("ORDER_CLOSED", "订单已超过支付截止时间 time_expire");
    }
  }

  private setTradeState(order: EngineOrder, to: WechatTradeState, desc: string): void {
    const from = order.tradeState;
    order.tradeState = to;
    order.tradeStateDesc = desc;
    if (from !== to) this.events.emit({ kind: "trade", mchid: order.mchid, from, to, order, at: this.now() });
  }

  private settle(refund: EngineRefund, outcome: Exclude<WechatRefundStatus, "PROCESSING">, at: Date): void {
    const from = refund.status;
    refund.status = outcome;
    if (outcome === "SUCCESS") refund.successTime = at;
    const order = this.orders.get(key(refund.mchid, refund.outTradeNo));
    if (!order) return;
    this.events.emit({ kind: "refund", mchid: refund.mchid, from, to: outcome, refund, order, at });
  }

  private controlOrder(outTradeNo: string, mchid: string | undefined): EngineOrder {
    const matches = [...this.orders.values()].filter(
      (o) => o.outTradeNo === outTradeNo && (mchid === undefined || o.mchid === mchid),
    );
    const [first, second] = matches;
    if (!first) throw new WechatEngineError("ORDER_NOT_EXIST", `订单 ${outTradeNo} 不存在`);
    if (second) throw new WechatEngineError("PARAM_ERROR", `订单号 ${outTradeNo} 属于多个商户,请指定 mchid`);
    return first;
  }

  private controlRefund(outRefundNo: string, mchid: string | undefined): EngineRefund | undefined {
    const matches = [...this.refunds.values()].filter(
      (r) => r.outRefundNo === outRefundNo && (mchid === undefined || r.mchid === mchid),
    );
    if (matches.length > 1) {
      throw new WechatEngineError("PARAM_ERROR", `退款单号 ${outRefundNo} 属于多个商户,请指定 mchid`);
    }
    return matches[0];
  }

  private onlyMerchant(): string {
    const [first, second] = [...this.merchants.keys()];
    if (!first || second) throw new WechatEngineError("PARAM_ERROR", "有多个商户,请指定 mchid");
    return first;
  }
}
