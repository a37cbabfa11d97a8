import type { WechatMerchantEngine } from "../../wechat/engine/engine.js";
import { WechatEngineError } from "../../wechat/engine/errors.js";
import { CloudPayParamError, fen, OUT_REFUND_NO, OUT_TRADE_NO, oneOf, optStr, str } from "../params.js";
import { renderRefundAccepted } from "../wire.js";
import type { CloudPayResultMethod } from "./context.js";
import { head } from "./envelope.js";

/** CloudPay.refund, https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.refund.html. */
export const refund: CloudPayResultMethod = (ctx, p) => {
  const subMchId = str(p, "sub_mch_id", 32);
  str(p, "nonce_str", 32);
  const transactionId = optStr(p, "transaction_id", 32);
  const outTradeNo = optStr(p, "out_trade_no", 32, OUT_TRADE_NO);
  if (!transactionId && !outTradeNo) {
    throw new CloudPayParamError("out_trade_no", "transaction_id 和 out_trade_no 必须二选一");
  }
  const account = oneOf(p, "refund_account", [
    "REFUND_SOURCE_UNSETTLED_FUNDS",
    "REFUND_SOURCE_RECHARGE_FUNDS",
  ] as const);
  const refundFeeType = optStr(p, "refund_fee_type", 8);
  let outcome: ReturnType<WechatMerchantEngine["refund"]>;
  try {
    outcome = ctx.engine.refund(subMchId, {
      transactionId,
      outTradeNo: transactionId ? undefined : outTradeNo,
      outRefundNo: str(p, "out_refund_no", 64, OUT_REFUND_NO),
      refundFen: fen(p, "refund_fee"),
      totalFen: fen(p, "total_fee"),
      currency: refundFeeType,
      reason: optStr(p, "refund_desc", 80),
      fundsAccount: account === "REFUND_SOURCE_RECHARGE_FUNDS" ? "AVAILABLE" : "UNSETTLED",
    });
  } catch (error) {
    // v2 refund: an unknown transaction_id is INVALID_TRANSACTIONID ("检查原交易号是否存在", CloudPay.refund).
    if (error instanceof WechatEngineError && transactionId && error.v2Code === "ORDERNOTEXIST") {
      throw new WechatEngineError(error.code, error.message, error.rule, "INVALID_TRANSACTIONID");
    }
    throw error;
  }
  const order = ctx.engine.peekOrder(outcome.refund.outTradeNo, subMchId);
  if (!order) throw new WechatEngineError("SYSTEM_ERROR", "refund without its order");
  return { ...head(ctx, subMchId), ...renderRefundAccepted(outcome.refund, order) };
};
