import { WechatEngineError } from "./errors.js";
import type { CreateRefundInput, EngineOrder, EngineRefund, WechatRefundStatus } from "./types.js";

type FinalRefundStatus = Exclude<WechatRefundStatus, "PROCESSING">;

/** Order and refund numbers are unique per merchant only, so every index is keyed by both. */
const key = (mchid: string, id: string) => `${mchid}\u0000${id}`;

/**
 * The records one engine holds (orders, refunds and the outcomes planned for refunds not made yet)
 * with their indexes and lookups. It changes no state by itself: the engine decides, this stores.
 */
export class WechatLedger {
  private readonly orders = new Map<string, EngineOrder>();
  private readonly ordersByTransaction = new Map<string, EngineOrder>();
  private readonly refunds = new Map<string, EngineRefund>();
  private readonly refundsById = new Map<string, EngineRefund>();
  private readonly refundsByOrder = new Map<string, EngineRefund[]>();
  private readonly plannedOutcomes = new Map<string, FinalRefundStatus>();

  addOrder(order: EngineOrder): void {
    this.orders.set(key(order.mchid, order.outTradeNo), order);
  }

  /** Makes a paid order findable by the transaction_id it was given. */
  indexTransaction(order: EngineOrder, transactionId: string): void {
    this.ordersByTransaction.set(key(order.mchid, transactionId), order);
  }

  order(mchid: string, outTradeNo: string): EngineOrder | undefined {
    return this.orders.get(key(mchid, outTradeNo));
  }

  findOrder(
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

  findRefundableOrder(mchid: string, input: CreateRefundInput): EngineOrder {
    const order =
      input.transactionId !== undefined
        ? this.ordersByTransaction.get(key(mchid, input.transactionId))
        : this.orders.get(key(mchid, input.outTradeNo ?? ""));
    // https://pay.weixin.qq.com/docs/merchant/apis/weixin-pay-score/refunds/create.html, 404 RESOURCE_NOT_EXISTS: "请检查你的订单号是否正确且是否已支付,未支付的订单不能发起退款".
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

  allOrders(): EngineOrder[] {
    return [...this.orders.values()];
  }

  refund(mchid: string, outRefundNo: string): EngineRefund | undefined {
    return this.refunds.get(key(mchid, outRefundNo));
  }

  refundById(mchid: string, refundId: string): EngineRefund | undefined {
    return this.refundsById.get(key(mchid, refundId));
  }

  /** Every refund of an order, oldest first. */
  refundsOfOrder(mchid: string, outTradeNo: string): EngineRefund[] {
    return this.refundsByOrder.get(key(mchid, outTradeNo)) ?? [];
  }

  addRefund(refund: EngineRefund): void {
    this.refunds.set(key(refund.mchid, refund.outRefundNo), refund);
    this.refundsById.set(key(refund.mchid, refund.refundId), refund);
    const previous = this.refundsOfOrder(refund.mchid, refund.outTradeNo);
    this.refundsByOrder.set(key(refund.mchid, refund.outTradeNo), [...previous, refund]);
  }

  /** PROCESSING refunds whose delay has passed at `nowMs`, oldest first. */
  dueRefunds(nowMs: number): EngineRefund[] {
    return [...this.refunds.values()]
      .filter((r) => r.status === "PROCESSING" && r.dueAt.getTime() <= nowMs)
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  planOutcome(mchid: string, outRefundNo: string, outcome: FinalRefundStatus): void {
    this.plannedOutcomes.set(key(mchid, outRefundNo), outcome);
  }

  /** The outcome planned for a refund number (SUCCESS when none), forgotten once taken. */
  takePlannedOutcome(mchid: string, outRefundNo: string): FinalRefundStatus {
    const outcome = this.plannedOutcomes.get(key(mchid, outRefundNo)) ?? "SUCCESS";
    this.plannedOutcomes.delete(key(mchid, outRefundNo));
    return outcome;
  }

  /** An order by number for the control API, which may leave out the mchid when only one merchant has it. */
  controlOrder(outTradeNo: string, mchid: string | undefined): EngineOrder {
    const matches = [...this.orders.values()].filter(
      (o) => o.outTradeNo === outTradeNo && (mchid === undefined || o.mchid === mchid),
    );
    const [first, second] = matches;
    if (!first) throw new WechatEngineError("ORDER_NOT_EXIST", `订单 ${outTradeNo} 不存在`);
    if (second) throw new WechatEngineError("PARAM_ERROR", `订单号 ${outTradeNo} 属于多个商户,请指定 mchid`);
    return first;
  }

  controlRefund(outRefundNo: string, mchid: string | undefined): EngineRefund | undefined {
    const matches = [...this.refunds.values()].filter(
      (r) => r.outRefundNo === outRefundNo && (mchid === undefined || r.mchid === mchid),
    );
    if (matches.length > 1) {
      throw new WechatEngineError("PARAM_ERROR", `退款单号 ${outRefundNo} 属于多个商户,请指定 mchid`);
    }
    return matches[0];
  }
}
