import type { SandboxClock } from "../../shared/clock.js";
import { WechatEngineError } from "./errors.js";
import type { EngineEventEmitter } from "./events.js";
import type { WechatIdFactory } from "./ids.js";
import type { WechatLedger } from "./ledger.js";
import type { PayOptions } from "./options.js";
import { assertPayable } from "./order-lifecycle.js";
import { promotionsOf } from "./promotions.js";
import type { EngineOrder, WechatTradeState } from "./types.js";

/**
 * Moves an order between trade states and emits a trade event for every real change, which the
 * transports turn into notifications. Finding the order and counting calls is the engine's.
 */
export class TradeTransitions {
  constructor(
    private readonly deps: {
      readonly ledger: WechatLedger;
      readonly ids: WechatIdFactory;
      readonly events: EngineEventEmitter;
      readonly clock: SandboxClock;
    },
  ) {}

  set(order: EngineOrder, to: WechatTradeState, desc: string): void {
    const from = order.tradeState;
    order.tradeState = to;
    order.tradeStateDesc = desc;
    if (from !== to) {
      this.deps.events.emit({
        kind: "trade",
        mchid: order.mchid,
        from,
        to,
        order,
        at: this.deps.clock.now(),
      });
    }
  }

  /**
   * Close (https://pay.weixin.qq.com/doc/v3/merchant/4013070360): refused once paid, a no-op once
   * closed. The v3 page's error table has no ORDERPAID (that is the v2 / CloudPay closeorder name);
   * its refusal of a business rule is 400 INVALID_REQUEST "无效请求 请根据接口返回的详细信息检查",
   * so v3 answers that with the reason in the message, and CloudPay keeps ORDERPAID.
   */
  close(order: EngineOrder): void {
    if (order.tradeState === "SUCCESS" || order.tradeState === "REFUND") {
      throw new WechatEngineError("INVALID_REQUEST", "订单已支付,不能关闭", undefined, "ORDERPAID");
    }
    if (order.tradeState === "CLOSED" || order.tradeState === "REVOKED") return;
    this.set(order, "CLOSED", "订单已关闭");
  }

  /** NOTPAY / USERPAYING -> SUCCESS, with a transaction_id and success_time. */
  pay(order: EngineOrder, options: PayOptions): EngineOrder {
    assertPayable(order, this.deps.clock.now());
    const promotions = promotionsOf(order.totalFen, options.promotions ?? []);
    const couponFen = promotions.reduce((s, p) => s + p.amountFen, 0);
    const now = this.deps.clock.now();
    order.transactionId = this.deps.ids.transactionId(now);
    this.deps.ledger.indexTransaction(order, order.transactionId);
    order.successTime = now;
    order.promotions = promotions;
    order.payerTotalFen = options.payerTotalFen ?? order.totalFen - couponFen;
    order.bankType = options.bankType ?? "OTHERS";
    // Every paid order has a payer: the query and notification pages mark payer.openid required
    // (https://pay.weixin.qq.com/doc/v3/merchant/4013070356, .../4012791861), Native and H5 included,
    // where the merchant never sent one. The buyer who scanned is given an openid here.
    if (order.payerOpenid === undefined) {
      (order as { payerOpenid: string | undefined }).payerOpenid =
        options.payerOpenid ?? this.deps.ids.openid();
    }
    this.set(order, "SUCCESS", "支付成功");
    return order;
  }

  fail(order: EngineOrder, reason: string | undefined): EngineOrder {
    assertPayable(order, this.deps.clock.now());
    this.set(order, "PAYERROR", reason ?? "支付失败,请重新下单支付");
    return order;
  }

  startPaying(order: EngineOrder): EngineOrder {
    assertPayable(order, this.deps.clock.now());
    this.set(order, "USERPAYING", "用户支付中");
    return order;
  }

  revoke(order: EngineOrder): EngineOrder {
    if (order.tradeState !== "NOTPAY" && order.tradeState !== "USERPAYING") {
      throw new WechatEngineError("INVALID_REQUEST", `订单状态 ${order.tradeState} 不能撤销`);
    }
    this.set(order, "REVOKED", "已撤销");
    return order;
  }
}
