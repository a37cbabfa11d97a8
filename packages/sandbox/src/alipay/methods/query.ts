import { formatYuan } from "../../shared/yuan.js";
import { formatBeijing } from "../clock.js";
import { fundChannels, tradeAmounts } from "../discounts.js";
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
  const options = Array.isArray(ctx.biz.query_options) ? (ctx.biz.query_options as unknown[]) : [];
  return success({
    ...tradeFields(trade),
    ...(trade.paidAt !== undefined && options.includes("fund_bill_list")
      ? { fund_bill_list: fundBillList(trade) }
      : {}),
    ...(trade.paidAt !== undefined &&
    options.includes("voucher_detail_list") &&
    trade.discounts.vouchers.length > 0
      ? { voucher_detail_list: voucherDetailList(trade) }
      : {}),
  });
};

/** The amount fields of a trade; with vouchers or points they differ from total_amount (see discounts.ts). */
export function tradeFields(trade: SandboxTrade): Record<string, string> {
  const paid = trade.paidAt !== undefined;
  const a = tradeAmounts(trade.totalFen, trade.discounts);
  const fields: Record<string, string> = {
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    buyer_logon_id: trade.buyerLogonId,
    trade_status: trade.status,
    total_amount: formatYuan(trade.totalFen),
    buyer_pay_amount: paid ? formatYuan(a.buyerPayFen) : "0.00",
    point_amount: paid ? formatYuan(a.pointFen) : "0.00",
    invoice_amount: paid ? formatYuan(a.invoiceFen) : "0.00",
    receipt_amount: paid ? formatYuan(a.receiptFen) : "0.00",
    buyer_user_id: trade.buyerId,
    subject: trade.subject,
  };
  if (trade.paidAt) fields.send_pay_date = formatBeijing(trade.paidAt);
  return fields;
}

/** fund_bill_list: each channel that paid, amounts in yuan. */
function fundBillList(trade: SandboxTrade): { fund_channel: string; amount: string }[] {
  return fundChannels(trade.totalFen, trade.discounts).map((c) => ({
    fund_channel: c.channel,
    amount: formatYuan(c.fen),
  }));
}

function voucherDetailList(trade: SandboxTrade): Record<string, string>[] {
  return trade.discounts.vouchers.map((v) => ({
    id: v.id,
    name: v.name,
    type: v.type,
    amount: formatYuan(v.amountFen),
    merchant_contribute: formatYuan(v.merchantContributeFen),
    other_contribute: formatYuan(v.otherContributeFen),
  }));
}
