import { closeOrder } from "./close-order.js";
import type { CloudPayResultMethod } from "./context.js";
import { queryOrder } from "./query-order.js";
import { queryRefund } from "./query-refund.js";
import { refund } from "./refund.js";
import { unifiedOrder } from "./unified-order.js";

/** The cloud.cloudPay methods answered in the result_code envelope, by name. */
export const RESULT_METHODS = {
  unifiedOrder,
  queryOrder,
  closeOrder,
  refund,
  queryRefund,
} as const satisfies Record<string, CloudPayResultMethod>;
export type CloudPayResultMethodName = keyof typeof RESULT_METHODS;

export { type CloudPayCallbackEvent, callbackEvent } from "./callback.js";
export type { CallbackTarget, CloudPayMethodContext, CloudPayResultMethod } from "./context.js";
export { targetKey } from "./context.js";
export { downloadBill } from "./download-bill.js";
export { head } from "./envelope.js";
