import { fail, type GatewayResponse, success } from "../errors.js";
import { ALIPAY_AUTH_CODE } from "../in-person.js";
import type { SandboxTrade } from "../ledger.js";
import { type MethodHandler, optionalString, outTradeNo, requiredString } from "./context.js";
import { openTrade } from "./open-trade.js";
import { tradeFields } from "./query.js";

/**
 * alipay.trade.pay (统一收单交易支付, 当面付 条码支付), https://opendocs.alipay.com/open/02ekfp
 * scene bar_code with the buyer's auth_code. What the buyer does is planned per auth code (see
 * in-person.ts): paid at once answers 10000 with the paid trade; a buyer who must confirm on the
 * phone answers 10003 (等待用户付款) with the trade WAIT_BUYER_PAY, to be queried and, if still
 * unpaid, cancelled; a refusal answers 40004 with its sub_code and creates no trade.
 * The same out_trade_no with the same auth code is the same payment (a resend after a lost
 * answer): 10003 again while the buyer is paying, ACQ.TRADE_HAS_SUCCESS once paid.
 * Errors: ACQ.PAYMENT_AUTH_CODE_INVALID, ACQ.BUYER_BALANCE_NOT_ENOUGH, ACQ.PAYMENT_REQUEST_HAS_RISK,
 * ACQ.TRADE_HAS_SUCCESS, ACQ.TRADE_HAS_CLOSE, ACQ.CONTEXT_INCONSISTENT, ACQ.INVALID_PARAMETER,
 * ACQ.SYSTEM_ERROR.
 */
export const pay: MethodHandler = (ctx) => {
  const scene = requiredString(ctx.biz, "scene", 32);
  if (scene !== "bar_code") fail("ACQ.INVALID_PARAMETER", `scene ${scene}: the sandbox takes bar_code`);
  const authCode = requiredString(ctx.biz, "auth_code", 32);
  if (!ALIPAY_AUTH_CODE.test(authCode)) {
    fail("ACQ.PAYMENT_AUTH_CODE_INVALID", "付款码应为25~30开头的16~24位数字");
  }
  const productCode = optionalString(ctx.biz, "product_code", 32);
  if (productCode !== undefined && productCode !== "FACE_TO_FACE_PAYMENT") {
    fail("ACQ.INVALID_PARAMETER", `product_code ${productCode}: 条码支付为 FACE_TO_FACE_PAYMENT`);
  }
  const now = ctx.clock.now();
  const existing = ctx.ledger.lookup({ outTradeNo: outTradeNo(ctx.biz, true) }, now);
  if (existing && existing.inPerson?.authCode !== authCode) {
    // "更换付款码需更换商户订单号": another code under a number in use is another order.
    fail("ACQ.CONTEXT_INCONSISTENT", "同一 out_trade_no 的付款码与首次请求不同", {
      out_trade_no: existing.outTradeNo,
    });
  }
  const plan = existing?.inPerson?.plan ?? ctx.buyers.planFor(authCode);
  if (!existing && plan.kind === "refused") fail(plan.subCode);
  const trade = openTrade(ctx, "alipay.trade.pay");
  if (!existing) {
    trade.inPerson = {
      authCode,
      plan,
      decideAt:
        plan.kind === "pays_after" || plan.kind === "fails_after"
          ? new Date(now.getTime() + plan.afterMs)
          : undefined,
      storeId: optionalString(ctx.biz, "store_id", 32),
      terminalId: optionalString(ctx.biz, "terminal_id", 32),
    };
    if (plan.kind === "pays_at_once") ctx.ledger.pay(trade.outTradeNo, now);
  }
  return payAnswer(trade);
};

/** 10000 with the paid trade, or 10003 while the buyer is still paying (same trade fields). */
function payAnswer(trade: SandboxTrade): GatewayResponse {
  const { trade_status: _status, send_pay_date, subject: _subject, ...fields } = tradeFields(trade);
  if (trade.status === "WAIT_BUYER_PAY") {
    return { code: "10003", msg: "Order success pay inprocess", ...fields };
  }
  // The pay answer names the payment time gmt_payment (the query names it send_pay_date).
  return success({ ...fields, ...(send_pay_date ? { gmt_payment: send_pay_date } : {}) });
}
