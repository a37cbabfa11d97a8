import { fenToYuan } from "@paybridge/core";
import { formatBeijing } from "../clock.js";
import { success } from "../errors.js";
import type { SandboxTrade } from "../ledger.js";
import { type MethodHandler, tradeRef } from "./context.js";

/**
 * alipay.trade.query (统一收单交易查询), https://opendocs.alipay.com/open/02ekfh
 * Errors: ACQ.TRADE_NOT_EXIST, ACQ.INVALID_PARAMETER, ACQ.SYSTEM_ERROR.
 * send_pay_date is present once the buyer has paid, also after a full refund closed the trade:
 * it is how a merchant tells "closed unpaid" from "closed after a full refund".
 */
export const query: MethodHandler = (ctx) => {
  const trade = ctx.ledger.require(tradeRef(ctx.biz), ctx.clock.now());
  return success(tradeFields(trade));
};

export function tradeFields(trade: SandboxTrade): Record<string, string> {
  const paid = trade.paidAt !== undefined;
  const fields: Record<string, string> = {
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    buyer_logon_id: trade.buyerLogonId,
    trade_status: trade.status,
    total_amount: fenToYuan(trade.totalFen),
    buyer_pay_amount: paid ? fenToYuan(trade.totalFen) : "0.00",
    point_amount: "0.00",
    invoice_amount: paid ? fenToYuan(trade.totalFen) : "0.00",
    receipt_amount: paid ? fenToYuan(trade.totalFen) : "0.00",
    buyer_user_id: trade.buyerId,
    subject: trade.subject,
  };
  if (trade.paidAt) fields.send_pay_date = formatBeijing(trade.paidAt);
  return fields;
}
