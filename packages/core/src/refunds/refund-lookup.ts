import { NotFoundError } from "../errors/errors.js";
import type { LedgerOrder, LedgerRefund, RefundLedger } from "./ledger.js";

export async function mustGetRefund(ledger: RefundLedger, outRefundNo: string): Promise<LedgerRefund> {
  const refund = await ledger.getRefund(outRefundNo);
  if (!refund) throw new NotFoundError(`refund ${outRefundNo} is not in the refund ledger`);
  return refund;
}

export async function mustGetOrder(ledger: RefundLedger, outTradeNo: string): Promise<LedgerOrder> {
  const order = await ledger.getOrder(outTradeNo);
  if (!order) throw new NotFoundError(`order ${outTradeNo} is not in the refund ledger`);
  return order;
}
