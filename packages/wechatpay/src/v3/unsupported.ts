import { UnsupportedOperationError } from "@paybridge/core/provider-kit";
import { WECHAT_V3_PROVIDER } from "./errors.js";

/**
 * APIv3 has no "every refund of an order" call (查询单笔退款 takes one out_refund_no,
 * https://pay.weixin.qq.com/doc/v3/merchant/4013071041), for a direct merchant and a partner alike.
 */
export function unsupportedListRefunds(hint = ""): UnsupportedOperationError {
  return new UnsupportedOperationError(
    `WeChat Pay APIv3 cannot list the refunds of an order; query each refund by out_refund_no${hint}`,
    { provider: WECHAT_V3_PROVIDER },
  );
}
