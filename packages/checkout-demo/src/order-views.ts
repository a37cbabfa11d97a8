import { fenToYuan, type LedgerRefund, REFUND_STATE_INFO } from "@paybridge/core";
import type { ShopOrder } from "./order-book.js";
import type { RefundContext } from "./shop-errors.js";
import type { OrderView, RefundView } from "./views.js";
import type { ShopWorld } from "./world.js";

export function describeRefund(r: LedgerRefund): RefundView {
  const info = REFUND_STATE_INFO[r.state];
  return {
    outRefundNo: r.outRefundNo,
    amountYuan: fenToYuan(r.amountFen),
    attempts: r.attempts,
    lastError: r.lastError ?? null,
    refund: { state: r.state, name: info.name, label: info.label, rawStatus: r.rawStatus ?? "" },
  };
}

/** Fen held by refunds of an order: every refund but the closed (6) ones, as the ledger counts. */
const heldFen = (refunds: readonly LedgerRefund[]) =>
  refunds.filter((r) => r.state !== 6).reduce((sum, r) => sum + r.amountFen, 0);

export async function orderView(world: ShopWorld, o: ShopOrder): Promise<OrderView> {
  const refunds = await world.refunds.listRefunds(o.outTradeNo);
  const held = heldFen(refunds);
  return {
    outTradeNo: o.outTradeNo,
    description: o.description,
    channel: o.channel,
    provider: o.provider,
    merchantId: o.merchantId,
    amountYuan: fenToYuan(o.amount.fen),
    refundableYuan: fenToYuan(Math.max(0, o.amount.fen - held)),
    action: o.action,
    trade: world.orders.describe(o),
    refunds: refunds.map(describeRefund),
  };
}

/** What the over-refund message tells the shop owner: paid, held by refunds, left (all in yuan). */
export async function refundContext(world: ShopWorld, o: ShopOrder): Promise<RefundContext> {
  const held = heldFen(await world.refunds.listRefunds(o.outTradeNo));
  return {
    paidYuan: fenToYuan(o.amount.fen),
    heldYuan: fenToYuan(held),
    leftYuan: fenToYuan(Math.max(0, o.amount.fen - held)),
  };
}
