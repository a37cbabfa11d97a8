import type { SandboxClock } from "../../shared/clock.js";
import { WechatEngineError } from "./errors.js";
import type { WechatIdFactory } from "./ids.js";
import type { WechatLedger } from "./ledger.js";
import { newOrder } from "./order-lifecycle.js";
import type { TradeTransitions } from "./trade-transitions.js";
import type { EngineMerchant, EngineOrder, WechatBuyerPlan } from "./types.js";

/**
 * 付款码 (auth_code): 18 digits starting 10-15, the v2 付款码支付 page's rule
 * (https://pay.weixin.qq.com/doc/v2/merchant/4011937125), which the v3 codepay page's payer.auth_code
 * carries unchanged.
 */
export const WECHAT_AUTH_CODE = /^1[0-5]\d{16}$/;

/**
 * WeChat revokes an in-person order still unpaid 45 s after it was created ("微信支付会对创建45秒后
 * 还未支付成功的订单自动撤销", https://pay.weixin.qq.com/doc/global/v2/zh/4013637903).
 */
export const AUTO_REVOKE_MS = 45_000;

/**
 * 撤销 is for orders of the last 7 days; older paid orders are refunded instead
 * (https://pay.weixin.qq.com/doc/global/v2/en/4013659173: "within 7 days after an order is created").
 */
export const REVERSE_WINDOW_MS = 7 * 24 * 3_600_000;

export interface CodePayInput {
  readonly appid: string;
  readonly outTradeNo: string;
  readonly description: string;
  readonly totalFen: number;
  readonly currency?: string | undefined;
  readonly authCode: string;
  readonly attach?: string | undefined;
  readonly storeId?: string | undefined;
  readonly deviceId?: string | undefined;
}

/**
 * In-person payments (付款码支付, https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html)
 * and their reversal (撤销, https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/reverse.html):
 * what the buyer at the counter does is planned per auth code; a buyer entering a password leaves
 * the order USERPAYING until the plan decides or WeChat's 45 s auto-revoke. A reversal closes an
 * unpaid order and refunds a paid one in full, both ending REVOKED.
 */
export class InPersonDesk {
  private readonly plans = new Map<string, WechatBuyerPlan>();
  /** Orders whose buyer may still act, checked on every tick. */
  private readonly pending = new Set<EngineOrder>();

  constructor(
    private readonly deps: {
      readonly ledger: WechatLedger;
      readonly ids: WechatIdFactory;
      readonly trades: TradeTransitions;
      readonly clock: SandboxClock;
      readonly autoRevokeMs?: number | undefined;
    },
  ) {}

  /** How the buyer showing `authCode` will behave (default: pays at once). */
  plan(authCode: string, plan: WechatBuyerPlan): void {
    this.plans.set(authCode, plan);
  }

  codePay(merchant: EngineMerchant, input: CodePayInput): EngineOrder {
    if (!WECHAT_AUTH_CODE.test(input.authCode)) {
      throw new WechatEngineError("PARAM_ERROR", "payer.auth_code 无效:应为 10-15 开头的 18 位数字");
    }
    const existing = this.deps.ledger.order(merchant.mchid, input.outTradeNo);
    if (existing) return this.repeat(existing, input);
    const plan = this.plans.get(input.authCode) ?? { kind: "pays_at_once" };
    if (plan.kind === "refused") {
      throw new WechatEngineError(
        plan.code,
        plan.message ?? (plan.code === "NOT_ENOUGH" ? "用户余额不足" : "付款码已过期,请刷新后重试"),
      );
    }
    const now = this.deps.clock.now();
    const order = newOrder(
      merchant.mchid,
      {
        appid: input.appid,
        outTradeNo: input.outTradeNo,
        description: input.description,
        totalFen: input.totalFen,
        currency: input.currency ?? "CNY",
        // 付款码支付 has no payment notification ("付款码支付没有异步支付结果通知"): no notify_url.
        notifyUrl: "",
        channel: "codepay",
        attach: input.attach,
      },
      now,
      this.deps.ids.prepayId(now),
    );
    order.inPerson = {
      authCode: input.authCode,
      plan,
      decideAt:
        plan.kind === "pays_after" || plan.kind === "fails_after"
          ? new Date(now.getTime() + plan.afterMs)
          : undefined,
      autoRevokeAt: new Date(now.getTime() + (this.deps.autoRevokeMs ?? AUTO_REVOKE_MS)),
      refundedByReversalAt: undefined,
      storeId: input.storeId,
      deviceId: input.deviceId,
    };
    this.deps.ledger.addOrder(order);
    if (plan.kind === "pays_at_once") {
      this.deps.trades.pay(order, {});
    } else {
      this.deps.trades.startPaying(order);
      this.pending.add(order);
    }
    return order;
  }

  /** The buyer's pending decisions and WeChat's auto-revoke that have come due, in time order. */
  settleDue(nowMs: number): void {
    for (const order of [...this.pending]) {
      const record = order.inPerson;
      if (!record || order.tradeState !== "USERPAYING") {
        this.pending.delete(order);
        continue;
      }
      const decide = record.decideAt?.getTime() ?? Number.POSITIVE_INFINITY;
      const revoke = record.autoRevokeAt.getTime();
      if (decide <= nowMs && decide <= revoke) {
        if (record.plan.kind === "pays_after") this.deps.trades.pay(order, {});
        else this.deps.trades.fail(order, "支付失败,用户取消或密码错误");
        this.pending.delete(order);
      } else if (revoke <= nowMs) {
        this.deps.trades.set(order, "REVOKED", "已撤销(超时未支付,系统自动撤销)");
        this.pending.delete(order);
      }
    }
  }

  /** 撤销: unpaid -> REVOKED (closed); paid -> refunded in full, REVOKED. Repeats change nothing. */
  reverse(order: EngineOrder): EngineOrder {
    const record = order.inPerson;
    if (!record) {
      throw new WechatEngineError("INVALID_REQUEST", "只有付款码支付的订单可以撤销,其他订单请关闭或退款");
    }
    const now = this.deps.clock.now();
    if (order.tradeState === "REVOKED" || order.tradeState === "CLOSED") return order;
    if (now.getTime() - order.createdAt.getTime() > REVERSE_WINDOW_MS) {
      throw new WechatEngineError(
        "INVALID_REQUEST",
        "订单已超过撤销期限(7天),请调用申请退款",
        undefined,
        "REVERSE_EXPIRE",
      );
    }
    // A refund already took money back: reversing too would return it twice.
    if (order.tradeState === "REFUND") {
      throw new WechatEngineError("INVALID_REQUEST", "订单已发生退款,不能撤销", undefined, "REVERSE_EXPIRE");
    }
    if (order.tradeState === "SUCCESS") {
      record.refundedByReversalAt = now;
      this.deps.trades.set(order, "REVOKED", "已撤销(已退款给用户)");
    } else {
      this.deps.trades.set(order, "REVOKED", "已撤销");
    }
    this.pending.delete(order);
    return order;
  }

  /**
   * "更换授权码必须要换新的商户订单号": the same number with the same code is the same payment (a
   * client resending after a lost answer gets its state); with another code, or for an order that
   * was not a codepay one, the number is taken.
   */
  private repeat(existing: EngineOrder, input: CodePayInput): EngineOrder {
    const same =
      existing.inPerson?.authCode === input.authCode &&
      existing.totalFen === input.totalFen &&
      existing.appid === input.appid;
    if (!same) throw new WechatEngineError("OUT_TRADE_NO_USED", "商户订单号重复,且参数与原订单不一致");
    return existing;
  }
}
