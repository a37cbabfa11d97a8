import { success } from "../errors.js";
import { type MethodHandler, requiredString } from "./context.js";

/**
 * alipay.data.dataservice.bill.downloadurl.query (查询对账单下载地址),
 * https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query:
 * bill_type and bill_date in, bill_download_url out (a zip, valid 30 seconds, fetched unsigned).
 */
export const billDownloadUrl: MethodHandler = (ctx) => {
  const billType = requiredString(ctx.biz, "bill_type", 20);
  const billDate = requiredString(ctx.biz, "bill_date", 15);
  return success({ bill_download_url: `${ctx.origin}${ctx.bills.issue(billType, billDate)}` });
};
