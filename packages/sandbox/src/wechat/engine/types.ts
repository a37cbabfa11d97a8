/**
 * The state a WeChat Pay merchant account holds, independent of any wire format: the v3 HTTP
 * simulator and the CloudPay simulator render these records in their own shapes.
 */

/** WeChat trade_state values (v3 query doc https://pay.weixin.qq.com/doc/v3/merchant/4013070356). */
export type WechatTradeState =
  | "NOTPAY"
  | "SUCCESS"
  | "CLOSED"
  | "REFUND"
  | "PAYERROR"
  | "USERPAYING"
  | "REVOKED";

/** WeChat v3 refund status (https://pay.weixin.qq.com/doc/v3/merchant/4012556457). CloudPay renders CLOSED as REFUNDCLOSE and ABNORMAL as CHANGE. */
export type WechatRefundStatus = "PROCESSING" | "SUCCESS" | "CLOSED" | "ABNORMAL";

/** v3 trade_type of the order, from the API that created it. */
export type WechatTradeType = "JSAPI" | "NATIVE" | "H5" | "APP" | "MWEB" | "MICROPAY";

/**
 * How the order was created: the v3 endpoints /v3/pay/transactions/{jsapi|native|h5|app}, or
 * codepay (付款码支付, POST /v3/pay/transactions/codepay: the cashier scanned the buyer's code).
 */
export type WechatOrderChannel = "jsapi" | "native" | "h5" | "app" | "codepay";

/**
 * How the buyer at the counter behaves once the cashier scans the code: pays at once (no
 * password), pays after `afterMs` (enters the password; USERPAYING meanwhile), never pays (the
 * order stays USERPAYING until reversed or auto-revoked), fails after `afterMs` (PAYERROR: wrong
 * password, bank refusal), or is refused at once (the code expired, the balance is too low).
 */
export type WechatBuyerPlan =
  | { readonly kind: "pays_at_once" }
  | { readonly kind: "pays_after"; readonly afterMs: number }
  | { readonly kind: "never_pays" }
  | { readonly kind: "fails_after"; readonly afterMs: number }
  | { readonly kind: "refused"; readonly code: "NOT_ENOUGH" | "INVALID_REQUEST"; readonly message?: string };

/** What an in-person (codepay) order carries besides an ordinary one. */
export interface InPersonRecord {
  readonly authCode: string;
  readonly plan: WechatBuyerPlan;
  /** When a buyer entering a password is done (pays or fails), for pays_after / fails_after. */
  readonly decideAt: Date | undefined;
  /** When WeChat revokes it by itself if still unpaid (45 s after creation). */
  readonly autoRevokeAt: Date;
  /** Set when a reversal refunded a payment the buyer had completed: the money went back. */
  refundedByReversalAt: Date | undefined;
  readonly storeId: string | undefined;
  readonly deviceId: string | undefined;
}

export interface EngineMerchant {
  readonly mchid: string;
  /** App ids bound to the merchant; an order for another appid is refused (APPID_MCHID_NOT_MATCH). */
  readonly appids: readonly string[];
}

export interface CreateOrderInput {
  readonly appid: string;
  readonly outTradeNo: string;
  readonly description: string;
  readonly totalFen: number;
  readonly currency?: string;
  readonly notifyUrl: string;
  readonly channel: WechatOrderChannel;
  readonly payerOpenid?: string | undefined;
  readonly payerClientIp?: string | undefined;
  readonly attach?: string | undefined;
  readonly timeExpire?: Date | undefined;
}

export interface EngineOrder {
  readonly mchid: string;
  readonly appid: string;
  readonly outTradeNo: string;
  readonly description: string;
  readonly channel: WechatOrderChannel;
  readonly tradeType: WechatTradeType;
  readonly totalFen: number;
  readonly currency: string;
  readonly notifyUrl: string;
  readonly payerOpenid: string | undefined;
  readonly payerClientIp: string | undefined;
  readonly attach: string | undefined;
  readonly timeExpire: Date | undefined;
  readonly createdAt: Date;
  readonly prepayId: string;
  /** What the buyer's client needs: code_url (native), h5_url (h5); jsapi / app use prepay_id. */
  readonly codeUrl: string | undefined;
  readonly h5Url: string | undefined;
  tradeState: WechatTradeState;
  tradeStateDesc: string;
  transactionId: string | undefined;
  successTime: Date | undefined;
  payerTotalFen: number | undefined;
  /** Coupons and discounts applied when the buyer paid (see promotions.ts); empty without any. */
  promotions: readonly EnginePromotion[];
  bankType: string | undefined;
  /** The buyer walked away: the order can no longer be paid (control API "never pay"). */
  abandoned: boolean;
  /** Only for channel codepay. */
  inPerson?: InPersonRecord;
}

/** A coupon or discount the buyer used (v3 query promotion_detail, https://pay.weixin.qq.com/doc/v3/merchant/4013070356). */
export interface PromotionInput {
  readonly couponId?: string | undefined;
  readonly name?: string | undefined;
  readonly scope?: "GLOBAL" | "SINGLE" | undefined;
  /** CASH: 充值型代金券 (settled to the merchant); NOCASH: 免充值型 (funded by the merchant). */
  readonly type: "CASH" | "NOCASH";
  readonly amountFen: number;
  readonly stockId?: string | undefined;
  readonly wechatpayContributeFen?: number | undefined;
  readonly merchantContributeFen?: number | undefined;
  readonly otherContributeFen?: number | undefined;
}

export interface EnginePromotion {
  readonly couponId: string;
  readonly name: string;
  readonly scope: "GLOBAL" | "SINGLE";
  readonly type: "CASH" | "NOCASH";
  readonly amountFen: number;
  readonly stockId: string;
  readonly wechatpayContributeFen: number;
  readonly merchantContributeFen: number;
  readonly otherContributeFen: number;
}

/** A coupon's share of a refund (refund promotion_detail, https://pay.weixin.qq.com/doc/v3/merchant/4012556457). */
export interface EngineRefundPromotion {
  readonly promotionId: string;
  readonly scope: "GLOBAL" | "SINGLE";
  /** COUPON: 充值型代金券; DISCOUNT: 免充值型优惠券. */
  readonly type: "COUPON" | "DISCOUNT";
  /** The coupon's amount on the order. */
  readonly amountFen: number;
  /** What this refund returns of it. */
  readonly refundAmountFen: number;
}

export interface RefundFromInput {
  readonly account: "AVAILABLE" | "UNAVAILABLE";
  readonly amountFen: number;
}

export interface RefundGoodsInput {
  readonly merchantGoodsId: string;
  readonly wechatpayGoodsId?: string | undefined;
  readonly goodsName?: string | undefined;
  readonly unitPriceFen: number;
  readonly refundAmountFen: number;
  readonly refundQuantity: number;
}

export interface CreateRefundInput {
  /** transaction_id wins over out_trade_no when both are given, as WeChat recommends (https://pay.weixin.qq.com/docs/merchant/apis/weixin-pay-score/refunds/create.html). */
  readonly transactionId?: string | undefined;
  readonly outTradeNo?: string | undefined;
  readonly outRefundNo: string;
  readonly refundFen: number;
  readonly totalFen: number;
  readonly currency?: string | undefined;
  readonly reason?: string | undefined;
  readonly notifyUrl?: string | undefined;
  readonly fundsAccount?: string | undefined;
  readonly from?: readonly RefundFromInput[] | undefined;
  readonly goodsDetail?: readonly RefundGoodsInput[] | undefined;
}

export interface EngineRefund {
  readonly mchid: string;
  readonly refundId: string;
  readonly outRefundNo: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly refundFen: number;
  readonly totalFen: number;
  readonly currency: string;
  readonly reason: string | undefined;
  readonly notifyUrl: string | undefined;
  readonly fundsAccount: string;
  readonly from: readonly RefundFromInput[];
  readonly goodsDetail: readonly RefundGoodsInput[];
  /** Each coupon's share of this refund; empty when the order had none. */
  readonly promotions: readonly EngineRefundPromotion[];
  /** The order's amount.payer_total (total less its coupons), echoed in refund answers. */
  readonly payerTotalFen: number;
  /** The order's settlement_total (total less its 免充值 coupons), echoed in refund answers. */
  readonly settlementTotalFen: number;
  readonly channel: "ORIGINAL" | "BALANCE" | "OTHER_BALANCE" | "OTHER_BANKCARD";
  readonly userReceivedAccount: string;
  readonly createdAt: Date;
  status: WechatRefundStatus;
  successTime: Date | undefined;
  /** When a PROCESSING refund settles by itself. */
  dueAt: Date;
  /** What it settles to: SUCCESS unless the control API asked for ABNORMAL or CLOSED. */
  plannedOutcome: Exclude<WechatRefundStatus, "PROCESSING">;
}

/** Keys to find refunds by; when several are given the first present wins in this priority (https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html). */
export interface RefundLookup {
  readonly refundId?: string | undefined;
  readonly outRefundNo?: string | undefined;
  readonly transactionId?: string | undefined;
  readonly outTradeNo?: string | undefined;
  /** Index of the first refund to return; past the total is PARAM_ERROR. */
  readonly offset?: number | undefined;
  /** Refunds per page; CloudPay / v2 return at most 10. */
  readonly limit?: number | undefined;
}

export interface RefundPage {
  readonly order: Readonly<EngineOrder>;
  /** Every refund the lookup matches (all refunds of the order for order keys, one for refund keys). */
  readonly totalCount: number;
  readonly offset: number;
  readonly refunds: readonly Readonly<EngineRefund>[];
}
