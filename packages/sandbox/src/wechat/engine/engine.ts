import { OffsetClock, type SandboxClock } from "../../shared/clock.js";
import { WechatEngineError, WechatTransportFault } from "./errors.js";
import { EngineEventEmitter, type WechatEngineListener } from "./events.js";
import { FaultQueue, raiseFaultBefore, type WechatFault, type WechatOperation } from "./faults.js";
import { WechatIdFactory } from "./ids.js";
import { type CodePayInput, InPersonDesk } from "./in-person.js";
import { WechatLedger } from "./ledger.js";
import type { PayOptions, RefundOutcome, WechatEngineOptions } from "./options.js";
import { assertOrderInput, newOrder, repeatOrder } from "./order-lifecycle.js";
import { WECHAT_REFUND_RATE_LIMITS } from "./rate-limiter.js";
import { acceptRefund, type RefundIntake } from "./refund-intake.js";
import { queryRefundPage } from "./refund-query.js";
import { RefundRateLimiter } from "./refund-rate-limit.js";
import { RefundSettlement } from "./refund-settlement.js";
import { TradeTransitions } from "./trade-transitions.js";
import type {
  CreateOrderInput,
  CreateRefundInput,
  EngineMerchant,
  EngineOrder,
  EngineRefund,
  RefundLookup,
  RefundPage,
  WechatBuyerPlan,
  WechatRefundStatus,
} from "./types.js";

export type { PayOptions, RefundOutcome, WechatEngineOptions } from "./options.js";

/** Faults that refuse new money; a resubmitted refund number is answered with its refund instead. */
const REFUSALS_OF_NEW_REFUNDS: ReadonlySet<string> = new Set([
  "NOT_ENOUGH",
  "USER_ACCOUNT_ABNORMAL",
  "RESOURCE_NOT_EXISTS",
]);

/**
 * A transport-independent WeChat Pay merchant: orders, buyer actions, close, refunds with every
 * rule of docs/refunds.md "Rules checked before any call", refund settlement driven by an injectable clock, a per-call
 * fault queue and an event stream. The v3 HTTP simulator and the CloudPay simulator both sit on it.
 */
export class WechatMerchantEngine {
  readonly clock: SandboxClock;
  readonly faults = new FaultQueue();
  private readonly events = new EngineEventEmitter();
  private readonly ids: WechatIdFactory;
  private readonly merchants = new Map<string, EngineMerchant>();
  private readonly ledger = new WechatLedger();
  private readonly rateLimiter: RefundRateLimiter;
  private readonly refundIntake: RefundIntake;
  private readonly trades: TradeTransitions;
  private readonly settlement: RefundSettlement;
  private readonly inPerson: InPersonDesk;
  private calls = 0;

  constructor(options: WechatEngineOptions = {}) {
    this.clock = options.clock ?? new OffsetClock();
    this.ids = new WechatIdFactory(options.random);
    this.refundIntake = {
      ledger: this.ledger,
      ids: this.ids,
      clock: this.clock,
      limits: {
        windowDays: options.refundWindowDays ?? 365,
        maxRefundsPerOrder: options.maxRefundsPerOrder ?? 50,
        intervalMs: options.refundIntervalMs ?? 60_000,
      },
      delayMs: options.refundDelayMs ?? 5_000,
    };
    this.trades = new TradeTransitions({
      ledger: this.ledger,
      ids: this.ids,
      events: this.events,
      clock: this.clock,
    });
    this.settlement = new RefundSettlement(this.ledger, this.events, this.clock);
    this.inPerson = new InPersonDesk({
      ledger: this.ledger,
      ids: this.ids,
      trades: this.trades,
      clock: this.clock,
      autoRevokeMs: options.autoRevokeMs,
    });
    this.rateLimiter = new RefundRateLimiter(options.rateLimits ?? WECHAT_REFUND_RATE_LIMITS);
  }

  // ---------------------------------------------------------------- merchants, events, time

  private readonly rateGroups = new Map<string, string>();

  addMerchant(merchant: { mchid: string; appids?: readonly string[] }): EngineMerchant {
    const record: EngineMerchant = { mchid: merchant.mchid, appids: [...(merchant.appids ?? [])] };
    this.merchants.set(merchant.mchid, record);
    return record;
  }

  /**
   * Counts `mchid`'s refund calls in `group`'s rate budget: a service provider's sub-merchants share
   * the service provider's ("同一服务商商户号下 ... 150QPS ... 6QPS", https://pay.weixin.qq.com/doc/v3/partner/4012886219).
   */
  shareRefundRateLimit(mchid: string, group: string): void {
    this.rateGroups.set(mchid, group);
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
    this.settlement.settleDue(this.now().getTime());
    this.inPerson.settleDue(this.now().getTime());
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
      assertOrderInput(this.requireMerchant(mchid), input);
      const existing = this.ledger.order(mchid, input.outTradeNo);
      if (existing) return repeatOrder(existing, input);
      const now = this.now();
      const order = newOrder(mchid, input, now, this.ids.prepayId(now));
      this.ledger.addOrder(order);
      return order;
    });
  }

  /** Query by out_trade_no or transaction_id (https://pay.weixin.qq.com/doc/v3/merchant/4013070356). */
  getOrder(mchid: string, by: { outTradeNo: string } | { transactionId: string }): Readonly<EngineOrder> {
    return this.run(mchid, "query_order", () => this.ledger.findOrder(mchid, by, "ORDER_NOT_EXIST"));
  }

  /** Close an unpaid order (https://pay.weixin.qq.com/doc/v3/merchant/4013070360). */
  closeOrder(mchid: string, outTradeNo: string): void {
    this.run(mchid, "close_order", () => {
      this.trades.close(this.ledger.findOrder(mchid, { outTradeNo }, "ORDER_NOT_EXIST"));
    });
  }

  /** 付款码支付 (POST /v3/pay/transactions/codepay): the buyer acts as planned for the auth code. */
  codePay(mchid: string, input: CodePayInput): Readonly<EngineOrder> {
    return this.run(mchid, "codepay", () => {
      const merchant = this.requireMerchant(mchid);
      assertOrderInput(merchant, {
        appid: input.appid,
        outTradeNo: input.outTradeNo,
        description: input.description,
        totalFen: input.totalFen,
        currency: input.currency ?? "CNY",
        notifyUrl: "",
        channel: "codepay",
      });
      return this.inPerson.codePay(merchant, input);
    });
  }

  /** 撤销 (POST /v3/pay/transactions/out-trade-no/{out_trade_no}/reverse). */
  reverse(mchid: string, outTradeNo: string): Readonly<EngineOrder> {
    return this.run(mchid, "reverse", () =>
      this.inPerson.reverse(this.ledger.findOrder(mchid, { outTradeNo }, "ORDER_NOT_EXIST")),
    );
  }

  /** POST /v3/refund/domestic/refunds with every rule of https://pay.weixin.qq.com/doc/v3/merchant/4012556457. */
  refund(mchid: string, input: CreateRefundInput): RefundOutcome {
    return this.run(
      mchid,
      "refund",
      () =>
        this.rateLimiter.guard(this.rateGroups.get(mchid) ?? mchid, this.clock, () =>
          this.applyRefund(mchid, input),
        ),
      // "同一退款单号多次请求只退一笔" (https://pay.weixin.qq.com/doc/v3/merchant/4012556457): a
      // resubmitted out_refund_no is answered with the refund it already made. A refusal of new
      // money (balance, the buyer's account, no such order) is about a refund not made yet, so
      // those faults never hit a resubmission; transport and system faults still can.
      (fault) =>
        REFUSALS_OF_NEW_REFUNDS.has(fault.kind) && this.ledger.refund(mchid, input.outRefundNo) !== undefined,
    );
  }

  /** GET /v3/refund/domestic/refunds/{out_refund_no}. */
  getRefund(mchid: string, outRefundNo: string): Readonly<EngineRefund> {
    return this.run(mchid, "query_refund", () => {
      const refund = this.ledger.refund(mchid, outRefundNo);
      if (!refund) throw new WechatEngineError("RESOURCE_NOT_EXISTS", `退款单 ${outRefundNo} 不存在`);
      return refund;
    });
  }

  /** Refunds by the CloudPay.queryRefund / v2 refundquery keys, paged; see refund-query.ts. */
  queryRefunds(mchid: string, lookup: RefundLookup): RefundPage {
    return this.run(mchid, "list_refunds", () => queryRefundPage(this.ledger, mchid, lookup));
  }

  // ---------------------------------------------------------------- buyer and operator controls

  /** The buyer pays: NOTPAY / USERPAYING -> SUCCESS, with a transaction_id and success_time. */
  pay(outTradeNo: string, options: PayOptions = {}): Readonly<EngineOrder> {
    this.tick();
    return this.trades.pay(this.ledger.controlOrder(outTradeNo, options.mchid), options);
  }

  /** How the buyer showing `authCode` at the counter will behave (default: pays at once). */
  planBuyer(authCode: string, plan: WechatBuyerPlan): void {
    this.inPerson.plan(authCode, plan);
  }

  /** The payment fails (bank refused): PAYERROR. */
  failPayment(outTradeNo: string, options: { mchid?: string; reason?: string } = {}): Readonly<EngineOrder> {
    this.tick();
    return this.trades.fail(this.ledger.controlOrder(outTradeNo, options.mchid), options.reason);
  }

  /** The buyer entered the password flow (micropay): USERPAYING. */
  startPaying(outTradeNo: string, options: { mchid?: string } = {}): Readonly<EngineOrder> {
    return this.trades.startPaying(this.ledger.controlOrder(outTradeNo, options.mchid));
  }

  /** The buyer never pays: the order stays NOTPAY and can no longer be paid. */
  neverPay(outTradeNo: string, options: { mchid?: string } = {}): Readonly<EngineOrder> {
    const order = this.ledger.controlOrder(outTradeNo, options.mchid);
    order.abandoned = true;
    return order;
  }

  /** Micropay revoke (撤销): REVOKED. */
  revoke(outTradeNo: string, options: { mchid?: string } = {}): Readonly<EngineOrder> {
    return this.trades.revoke(this.ledger.controlOrder(outTradeNo, options.mchid));
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
    const refund = this.ledger.controlRefund(outRefundNo, options.mchid);
    if (!refund) {
      this.ledger.planOutcome(options.mchid ?? this.onlyMerchant(), outRefundNo, outcome);
      return;
    }
    this.settlement.decide(refund, outcome);
  }

  /** Every order (for inspection and the control API). */
  listOrders(mchid?: string): readonly Readonly<EngineOrder>[] {
    return this.ledger.allOrders().filter((o) => mchid === undefined || o.mchid === mchid);
  }

  /** Every refund of an order, oldest first, without counting as a merchant call. */
  refundsOf(outTradeNo: string, mchid?: string): readonly Readonly<EngineRefund>[] {
    const order = this.ledger.controlOrder(outTradeNo, mchid);
    return [...this.ledger.refundsOfOrder(order.mchid, outTradeNo)];
  }

  /** Looks up an order without counting as a merchant call; undefined when absent. */
  peekOrder(outTradeNo: string, mchid?: string): Readonly<EngineOrder> | undefined {
    return this.ledger
      .allOrders()
      .find((o) => o.outTradeNo === outTradeNo && (mchid === undefined || o.mchid === mchid));
  }

  // ---------------------------------------------------------------- internals

  private run<T>(
    mchid: string,
    operation: WechatOperation,
    fn: () => T,
    notApplicable: (fault: WechatFault) => boolean = () => false,
  ): T {
    this.calls += 1;
    this.tick();
    this.requireMerchant(mchid);
    const taken = this.faults.take(mchid, operation);
    // A fault that production could not answer to this call is used up without effect.
    const fault = taken && !notApplicable(taken) ? taken : undefined;
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

  private applyRefund(mchid: string, input: CreateRefundInput): RefundOutcome {
    const accepted = acceptRefund(this.refundIntake, mchid, input);
    if (!accepted.created) return accepted;
    const { refund, order } = accepted;
    this.events.emit({
      kind: "refund",
      mchid,
      from: undefined,
      to: "PROCESSING",
      refund,
      order,
      at: refund.createdAt,
    });
    if (order.tradeState === "SUCCESS") this.trades.set(order, "REFUND", "转入退款");
    return { refund, created: true };
  }

  private onlyMerchant(): string {
    const [first, second] = [...this.merchants.keys()];
    if (!first || second) throw new WechatEngineError("PARAM_ERROR", "有多个商户,请指定 mchid");
    return first;
  }
}
