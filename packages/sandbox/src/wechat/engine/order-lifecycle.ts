import { WechatEngineError } from "./errors.js";
import type { CreateOrderInput, EngineMerchant, EngineOrder, WechatTradeType } from "./types.js";

const TRADE_TYPES = {
  jsapi: "JSAPI",
  native: "NATIVE",
  h5: "MWEB",
  app: "APP",
  codepay: "MICROPAY",
} as const satisfies Record<CreateOrderInput["channel"], WechatTradeType>;

/** An order request the merchant may make: appid bound to the merchant, positive whole fen, CNY. */
export function assertOrderInput(merchant: EngineMerchant, input: CreateOrderInput): void {
  if (merchant.appids.length > 0 && !merchant.appids.includes(input.appid)) {
    throw new WechatEngineError(
      "APPID_MCHID_NOT_MATCH",
      `appid ${input.appid} 与 mchid ${merchant.mchid} 不匹配`,
    );
  }
  if (!Number.isSafeInteger(input.totalFen) || input.totalFen < 1) {
    throw new WechatEngineError("PARAM_ERROR", "amount.total 必须是正整数(分)");
  }
  if ((input.currency ?? "CNY") !== "CNY")
    throw new WechatEngineError("PARAM_ERROR", "amount.currency 只支持 CNY");
}

/** A new NOTPAY order with what the buyer's client needs for its channel. */
export function newOrder(mchid: string, input: CreateOrderInput, now: Date, prepayId: string): EngineOrder {
  return {
    mchid,
    appid: input.appid,
    outTradeNo: input.outTradeNo,
    description: input.description,
    channel: input.channel,
    tradeType: TRADE_TYPES[input.channel],
    totalFen: input.totalFen,
    currency: input.currency ?? "CNY",
    notifyUrl: input.notifyUrl,
    payerOpenid: input.payerOpenid,
    payerClientIp: input.payerClientIp,
    attach: input.attach,
    timeExpire: input.timeExpire,
    createdAt: now,
    prepayId,
    codeUrl: input.channel === "native" ? `weixin://wxpay/bizpayurl?pr=${prepayId.slice(-12)}` : undefined,
    h5Url:
      input.channel === "h5"
        ? `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=${prepayId}&package=${prepayId.slice(-10)}`
        : undefined,
    tradeState: "NOTPAY",
    tradeStateDesc: "订单未支付",
    transactionId: undefined,
    successTime: undefined,
    payerTotalFen: undefined,
    promotions: [],
    bankType: undefined,
    abandoned: false,
  };
}

/** An out_trade_no used again: refused once paid or closed, else the existing order if the parameters match. */
export function repeatOrder(existing: EngineOrder, input: CreateOrderInput): EngineOrder {
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

/** Only an unpaid, unabandoned order before its time_expire can be paid (or fail to be). */
export function assertPayable(order: EngineOrder, now: Date): void {
  if (order.tradeState !== "NOTPAY" && order.tradeState !== "USERPAYING") {
    throw new WechatEngineError("INVALID_REQUEST", `订单状态 ${order.tradeState},不能支付`);
  }
  if (order.abandoned) throw new WechatEngineError("INVALID_REQUEST", "买家已放弃支付(never pay)");
  if (order.timeExpire && order.timeExpire.getTime() < now.getTime()) {
    throw new WechatEngineError("ORDER_CLOSED", "订单已超过支付截止时间 time_expire");
  }
}
