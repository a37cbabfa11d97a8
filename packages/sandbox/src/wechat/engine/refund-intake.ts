import type { SandboxClock } from "../../shared/clock.js";
import type { WechatIdFactory } from "./ids.js";
import type { WechatLedger } from "./ledger.js";
import { orderMoney, refundPromotions } from "./promotions.js";
import {
  assertRefundAllowed,
  assertRefundInput,
  assertSameRefundRequest,
  type RefundRuleLimits,
} from "./refund-rules.js";
import type {
  CreateRefundInput,
  EngineOrder,
  EngineRefund,
  EngineRefundPromotion,
  WechatRefundStatus,
} from "./types.js";

/** What accepting a refund needs from the engine. */
export interface RefundIntake {
  readonly ledger: WechatLedger;
  readonly ids: WechatIdFactory;
  readonly clock: SandboxClock;
  readonly limits: RefundRuleLimits;
  /** How long a refund stays PROCESSING before it settles. */
  readonly delayMs: number;
}

export type AcceptedRefund =
  | { readonly created: false; readonly refund: EngineRefund }
  | { readonly created: true; readonly refund: EngineRefund; readonly order: EngineOrder };

/**
 * Applies a refund request to the ledger: a new PROCESSING refund when every rule passes, or the
 * refund the same out_refund_no already made. Events and the order's REFUND state are the caller's.
 */
export function acceptRefund(intake: RefundIntake, mchid: string, input: CreateRefundInput): AcceptedRefund {
  const { ledger } = intake;
  assertRefundInput(input);
  // The same out_refund_no refunds once (https://pay.weixin.qq.com/doc/v3/merchant/4012556457: "同一退款单号多次请求只退一笔"): a retry gets
  // the original back, checked before the interval rule so that a retry is never refused.
  const existing = ledger.refund(mchid, input.outRefundNo);
  if (existing) {
    assertSameRefundRequest(existing, input);
    return { refund: existing, created: false };
  }
  const order = ledger.findRefundableOrder(mchid, input);
  const now = intake.clock.now();
  const previous = ledger.refundsOfOrder(mchid, order.outTradeNo);
  assertRefundAllowed({ order, input, previous, now, limits: intake.limits });
  const refund = newRefund({
    mchid,
    refundId: intake.ids.refundId(now),
    order,
    input,
    now,
    dueAt: new Date(now.getTime() + intake.delayMs),
    plannedOutcome: ledger.takePlannedOutcome(mchid, input.outRefundNo),
    promotions: refundPromotions(
      order,
      previous.filter((r) => r.status !== "CLOSED"),
      input.refundFen,
    ),
  });
  ledger.addRefund(refund);
  return { refund, created: true, order };
}

/** A new PROCESSING refund of `order`, settling to `plannedOutcome` at `dueAt`. */
function newRefund(fields: {
  readonly mchid: string;
  readonly refundId: string;
  readonly order: EngineOrder;
  readonly input: CreateRefundInput;
  readonly now: Date;
  readonly dueAt: Date;
  readonly plannedOutcome: Exclude<WechatRefundStatus, "PROCESSING">;
  readonly promotions: readonly EngineRefundPromotion[];
}): EngineRefund {
  const { order, input, now } = fields;
  return {
    mchid: fields.mchid,
    refundId: fields.refundId,
    outRefundNo: input.outRefundNo,
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId ?? "",
    refundFen: input.refundFen,
    totalFen: input.totalFen,
    currency: "CNY",
    reason: input.reason,
    notifyUrl: input.notifyUrl,
    fundsAccount: input.fundsAccount ?? "UNSETTLED",
    from: [...(input.from ?? [])],
    goodsDetail: [...(input.goodsDetail ?? [])],
    promotions: fields.promotions,
    payerTotalFen: orderMoney(order).payerTotalFen,
    settlementTotalFen: orderMoney(order).settlementTotalFen,
    channel: "ORIGINAL",
    userReceivedAccount: "支付用户零钱",
    createdAt: now,
    status: "PROCESSING",
    successTime: undefined,
    dueAt: fields.dueAt,
    plannedOutcome: fields.plannedOutcome,
  };
}
