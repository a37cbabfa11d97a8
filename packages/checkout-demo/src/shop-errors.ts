import { PaymentError, RefundRuleError } from "@paybridge/core";

/** An error as a shop owner reads it: what happened and what to do, in Chinese and English. */
export interface ShopMessage {
  readonly zh: string;
  readonly en: string;
}

/** What the refund form knows about the order, so an over-refund can say how much is left. */
export interface RefundContext {
  readonly paidYuan: string;
  readonly heldYuan: string;
  readonly leftYuan: string;
}

const RULES: Record<RefundRuleError["rule"], (c: RefundContext | undefined) => ShopMessage> = {
  sum: (c) =>
    c
      ? {
          zh: `退款金额超过可退余额：本单实收 ¥${c.paidYuan}，已退款或处理中 ¥${c.heldYuan}，最多还能退 ¥${c.leftYuan}。`,
          en: `This refund is more than what is left on the order: paid ¥${c.paidYuan}, already refunded or in progress ¥${c.heldYuan}, at most ¥${c.leftYuan} can still be refunded.`,
        }
      : { zh: "退款金额超过可退余额。", en: "This refund is more than what is left on the order." },
  interval: () => ({
    zh: "微信支付要求同一订单两次部分退款至少间隔 1 分钟，请一分钟后再试。",
    en: "WeChat Pay needs at least one minute between two partial refunds of one order. Please try again in a minute.",
  }),
  count: () => ({
    zh: "这笔订单的退款次数已达上限（最多 50 次部分退款）。",
    en: "This order has reached the limit of 50 partial refunds.",
  }),
  window: () => ({
    zh: "这笔订单已超过可退款期限，无法在线退款，请联系买家线下处理。",
    en: "The refund period of this order has ended; it cannot be refunded online. Please settle with the buyer directly.",
  }),
  amount: () => ({ zh: "退款金额必须大于 0。", en: "The refund amount must be more than 0." }),
  state: () => ({
    zh: "这笔订单当前不能退款：尚未付款、已关闭，或退款正在等待审核。",
    en: "This order cannot be refunded now: it is unpaid or closed, or a refund is waiting for approval.",
  }),
  duplicate: () => ({
    zh: "这个退款单号已用于另一笔金额不同的退款。",
    en: "This refund number was already used for a refund of another amount.",
  }),
};

/** Turns any error of the shop's API into words for the shop owner; the code stays for support. */
export function shopMessage(error: unknown, context?: RefundContext): ShopMessage {
  if (error instanceof RefundRuleError) return RULES[error.rule](context);
  if (!(error instanceof PaymentError)) {
    return {
      zh: "系统出错了，请稍后再试。",
      en: "Something went wrong on our side. Please try again later.",
    };
  }
  switch (error.code) {
    case "VALIDATION":
      if (!/amount/i.test(error.message)) {
        return {
          zh: `输入有误，请检查后重试（${error.message}）。`,
          en: `Some input is not valid; please check it and try again (${error.message}).`,
        };
      }
      return {
        zh: "请输入正确的金额（元），例如 12.50，最多两位小数。",
        en: "Please enter an amount in yuan such as 12.50, with at most two decimals.",
      };
    case "NOT_FOUND":
      return {
        zh: "找不到这笔订单或退款，请刷新页面。",
        en: "This order or refund was not found. Please reload the page.",
      };
    case "INVALID_TRANSITION":
      return {
        zh: "这笔退款已被处理过（已审核、已拒绝或已提交），页面会显示最新状态。",
        en: "This refund was already handled (approved, rejected or submitted); the page shows its latest state.",
      };
    case "INSUFFICIENT_FUNDS":
      return {
        zh: "商户账户余额不足，退款未能发出。请充值后点“重新提交”。",
        en: "The merchant account balance is too low to pay this refund. Top it up, then press “Submit again”.",
      };
    case "RATE_LIMITED":
      return {
        zh: "操作太频繁，请稍等一分钟再试。",
        en: "Too many requests. Please wait a minute and try again.",
      };
    default:
      return {
        zh: `支付平台暂时没有完成这笔操作（${error.code}）。款项不会重复支付，请稍后点“重新提交”。`,
        en: `The payment provider did not complete this (${error.code}). No money moves twice; press “Submit again” later.`,
      };
  }
}
