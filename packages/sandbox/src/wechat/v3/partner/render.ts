import type { EngineOrder, EngineRefund } from "../../engine/types.js";
import { renderRefundNotice, renderTransaction } from "../render.js";
import type { PartnerBook, PartnerOrderIds } from "./book.js";

/**
 * A sub-merchant's order in the partner wire shape: the direct transaction with sp_appid /
 * sp_mchid / sub_appid / sub_mchid for appid / mchid and the buyer as payer.sp_openid /
 * sub_openid (查询订单, https://pay.weixin.qq.com/docs/partner/apis/partner-jsapi-payment/partner-query-by-out-trade-no.html;
 * the payment notification's resource is the same, https://pay.weixin.qq.com/docs/partner/apis/partner-h5-payment/payment-notice.html).
 */
export function renderPartnerTransaction(
  order: Readonly<EngineOrder>,
  ids: PartnerOrderIds,
): Record<string, unknown> {
  const { appid: _appid, mchid: _mchid, payer: _payer, ...rest } = renderTransaction(order);
  const payer = {
    ...(ids.spOpenid !== undefined ? { sp_openid: ids.spOpenid } : {}),
    ...(ids.subOpenid !== undefined ? { sub_openid: ids.subOpenid } : {}),
  };
  return {
    sp_appid: ids.spAppid,
    sp_mchid: ids.spMchid,
    ...(ids.subAppid !== undefined ? { sub_appid: ids.subAppid } : {}),
    sub_mchid: order.mchid,
    ...rest,
    ...(Object.keys(payer).length > 0 ? { payer } : {}),
  };
}

/** The refund notification's resource for a sub-merchant's refund: sp_mchid and sub_mchid in place of mchid. */
export function renderPartnerRefundNotice(
  refund: Readonly<EngineRefund>,
  spMchid: string,
): Record<string, unknown> {
  const { mchid: _mchid, ...rest } = renderRefundNotice(refund);
  return { sp_mchid: spMchid, sub_mchid: refund.mchid, ...rest };
}

/** A sub-merchant's order with the partner ids it was placed with (or the service provider's appid when unknown). */
export function partnerTransaction(book: PartnerBook, order: Readonly<EngineOrder>): Record<string, unknown> {
  const ids = book.orderIds(order.mchid, order.outTradeNo);
  const spMchid = book.serviceProviderOf(order.mchid) ?? "";
  return renderPartnerTransaction(
    order,
    ids ?? { spMchid, spAppid: order.appid, subAppid: undefined, spOpenid: undefined, subOpenid: undefined },
  );
}
