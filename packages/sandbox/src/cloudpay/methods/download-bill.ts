import { renderBill } from "../bill.js";
import { oneOf, type Params, str } from "../params.js";
import type { CloudPayAnswer } from "../wire.js";
import type { CloudPayMethodContext } from "./context.js";

/**
 * CloudPay.downloadBill (https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/reference-sdk-api/open/pay/CloudPay.downloadBill.html):
 * answered in the returnCode envelope only (no result_code), the bill text in `data`. Parameter
 * refusals are thrown as CloudPayParamError; the simulator renders them as error code 20001.
 */
export function downloadBill(ctx: CloudPayMethodContext, p: Params): CloudPayAnswer {
  const subMchId = str(p, "sub_mch_id", 32);
  str(p, "nonce_str", 32);
  const billDate = str(p, "bill_date", 8, /^\d{8}$/);
  const billType = oneOf(p, "bill_type", ["ALL", "SUCCESS", "REFUND"] as const) ?? "ALL";
  if (!ctx.engine.hasMerchant(subMchId))
    return { returnCode: "FAIL", returnMsg: "MCHID_NOT_EXIST", errorCode: "20003" };
  const orders = ctx.engine.listOrders(subMchId);
  const refunds = orders.flatMap((o) => ctx.engine.refundsOf(o.outTradeNo, subMchId));
  const text = renderBill(
    { appid: ctx.identity.appid, mchId: ctx.identity.mchId, subMchId, orders, refunds },
    billDate,
    billType,
  );
  // v2 downloadbill answers "No Bill Exist" for a day without records.
  if (text === undefined) return { returnCode: "FAIL", returnMsg: "No Bill Exist", errorCode: "20002" };
  return { returnCode: "SUCCESS", returnMsg: "OK", data: text };
}
