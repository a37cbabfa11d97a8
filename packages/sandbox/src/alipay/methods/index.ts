import { billDownloadUrl } from "./bill-download-url.js";
import { cancel } from "./cancel.js";
import { CERT_DOWNLOAD_METHOD, certDownload } from "./cert-download.js";
import { close } from "./close.js";
import type { MethodHandler } from "./context.js";
import { create } from "./create.js";
import { pay } from "./pay.js";
import { precreate } from "./precreate.js";
import { query } from "./query.js";
import { refund } from "./refund.js";
import { refundQuery } from "./refund-query.js";

/** The server-to-server methods the simulated gateway answers with signed JSON. */
export const METHODS: Readonly<Record<string, MethodHandler>> = {
  "alipay.trade.precreate": precreate,
  "alipay.trade.create": create,
  "alipay.trade.pay": pay,
  "alipay.trade.query": query,
  "alipay.trade.close": close,
  "alipay.trade.cancel": cancel,
  "alipay.trade.refund": refund,
  "alipay.trade.fastpay.refund.query": refundQuery,
  [CERT_DOWNLOAD_METHOD]: certDownload,
  "alipay.data.dataservice.bill.downloadurl.query": billDownloadUrl,
};

export { CERT_DOWNLOAD_METHOD } from "./cert-download.js";
export type { MethodContext, MethodHandler } from "./context.js";
export { CLIENT_PAY_METHODS, type ClientPayMethod, isClientPayMethod, openClientTrade } from "./page-pay.js";
