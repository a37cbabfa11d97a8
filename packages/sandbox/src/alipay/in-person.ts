/**
 * 当面付 条码支付 (alipay.trade.pay, scene bar_code, https://opendocs.alipay.com/open/02ekfp):
 * the cashier scans the buyer's 付款码 and the payment happens in the call, unless the buyer must
 * confirm on the phone (a password, a large amount), when the answer is 10003 等待用户付款 and the
 * trade stays WAIT_BUYER_PAY until the buyer decides, the trade times out or it is cancelled.
 */

/**
 * The 付款码: "25~30开头的长度为16~24位的数字" (auth_code on the alipay.trade.pay page).
 */
export const ALIPAY_AUTH_CODE = /^(2[5-9]|30)\d{14,22}$/;

/** The refusals a buyer's wallet can give at once: the trade is not created. */
export const ALIPAY_BUYER_REFUSALS = [
  "ACQ.BUYER_BALANCE_NOT_ENOUGH",
  "ACQ.PAYMENT_AUTH_CODE_INVALID",
  "ACQ.PAYMENT_REQUEST_HAS_RISK",
] as const;
export type AlipayBuyerRefusal = (typeof ALIPAY_BUYER_REFUSALS)[number];

/**
 * What the buyer showing an auth code does (default pays at once):
 * - pays_at_once: 10000, TRADE_SUCCESS in the call;
 * - pays_after: 10003, WAIT_BUYER_PAY for `afterMs` (entering the password), then TRADE_SUCCESS;
 * - never_pays: 10003, WAIT_BUYER_PAY until the trade expires or is cancelled;
 * - fails_after: 10003, then the buyer gives up after `afterMs` (wrong password, cancelled on the
 *   phone): Alipay has no failed state, the trade stays WAIT_BUYER_PAY and can still be cancelled;
 * - refused: 40004 with the sub_code (balance too low, code invalid or expired, risk), no trade.
 */
export type AlipayBuyerPlan =
  | { readonly kind: "pays_at_once" }
  | { readonly kind: "pays_after"; readonly afterMs: number }
  | { readonly kind: "never_pays" }
  | { readonly kind: "fails_after"; readonly afterMs: number }
  | { readonly kind: "refused"; readonly subCode: AlipayBuyerRefusal };

/** What an in-person trade carries besides an ordinary one. */
export interface AlipayInPersonRecord {
  readonly authCode: string;
  readonly plan: AlipayBuyerPlan;
  /** When a buyer entering the password is done (pays_after / fails_after); cleared once applied. */
  decideAt: Date | undefined;
  readonly storeId: string | undefined;
  readonly terminalId: string | undefined;
}

/** The buyers' plans by auth code, set by tests through the control API. */
export class AlipayBuyerDesk {
  private readonly plans = new Map<string, AlipayBuyerPlan>();

  plan(authCode: string, plan: AlipayBuyerPlan): void {
    if (!ALIPAY_AUTH_CODE.test(authCode)) {
      throw new TypeError(`auth code ${authCode} is not an Alipay 付款码 (16-24 digits starting 25-30)`);
    }
    this.plans.set(authCode, checkPlan(plan));
  }

  planFor(authCode: string): AlipayBuyerPlan {
    return this.plans.get(authCode) ?? { kind: "pays_at_once" };
  }
}

/** A plan from the control API, checked field by field. */
export function checkPlan(raw: unknown): AlipayBuyerPlan {
  const p = (raw ?? {}) as { kind?: unknown; afterMs?: unknown; subCode?: unknown };
  switch (p.kind) {
    case "pays_at_once":
    case "never_pays":
      return { kind: p.kind };
    case "pays_after":
    case "fails_after":
      if (typeof p.afterMs !== "number" || !Number.isFinite(p.afterMs) || p.afterMs < 0) {
        throw new TypeError(`plan ${p.kind}: afterMs must be a number of milliseconds >= 0`);
      }
      return { kind: p.kind, afterMs: p.afterMs };
    case "refused":
      if (!(ALIPAY_BUYER_REFUSALS as readonly unknown[]).includes(p.subCode)) {
        throw new TypeError(`plan refused: subCode must be one of ${ALIPAY_BUYER_REFUSALS.join(", ")}`);
      }
      return { kind: "refused", subCode: p.subCode as AlipayBuyerRefusal };
    default:
      throw new TypeError(
        "plan kind must be one of pays_at_once, pays_after, never_pays, fails_after, refused",
      );
  }
}
