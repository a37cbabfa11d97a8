import { billFile } from "./bill-file.js";
import { certificates } from "./certificates.js";
import { closeOrder } from "./close-order.js";
import { codePay } from "./code-pay.js";
import type { Endpoint } from "./context.js";
import { createOrder } from "./create-order.js";
import { createRefund } from "./create-refund.js";
import { fundFlowBill } from "./fund-flow-bill.js";
import { partnerCloseOrder } from "./partner-close-order.js";
import { partnerCodePay } from "./partner-code-pay.js";
import { partnerCreateOrder } from "./partner-create-order.js";
import { partnerQueryByOutTradeNo } from "./partner-query-by-out-trade-no.js";
import { partnerQueryByTransactionId } from "./partner-query-by-transaction-id.js";
import { partnerReverseOrder } from "./partner-reverse.js";
import { queryByOutTradeNo } from "./query-by-out-trade-no.js";
import { queryByTransactionId } from "./query-by-transaction-id.js";
import { queryRefund } from "./query-refund.js";
import { reverseOrder } from "./reverse.js";
import { subMerchantFundFlowBill } from "./sub-merchant-fund-flow-bill.js";
import { tradeBill } from "./trade-bill.js";

/** The APIv3 endpoints the simulator answers; their path patterns are anchored and disjoint. */
export const ENDPOINTS: readonly Endpoint[] = [
  createOrder,
  closeOrder,
  codePay,
  reverseOrder,
  queryByOutTradeNo,
  queryByTransactionId,
  createRefund,
  queryRefund,
  certificates,
  tradeBill,
  fundFlowBill,
  billFile,
  // 服务商 (partner) APIs: /v3/pay/partner/transactions/...; refunds share the direct paths.
  partnerCreateOrder,
  partnerCloseOrder,
  partnerQueryByOutTradeNo,
  partnerQueryByTransactionId,
  subMerchantFundFlowBill,
  partnerCodePay,
  partnerReverseOrder,
];

/**
 * The endpoint behind `method pathname` and its captured path segment, still URL-encoded (decoding
 * can throw, so the caller decodes where a failure becomes an answer); undefined for no API.
 */
export function findEndpoint(
  method: string,
  pathname: string,
): { endpoint: Endpoint; capturedRaw: string } | undefined {
  for (const endpoint of ENDPOINTS) {
    if (endpoint.method !== method) continue;
    const hit = endpoint.path.exec(pathname);
    if (hit) return { endpoint, capturedRaw: hit[1] ?? "" };
  }
  return undefined;
}

export type { Endpoint, EndpointContext, Reply } from "./context.js";
