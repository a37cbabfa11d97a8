import type { TradeResult } from "@paybridge/core";
import { PaymentError, TradeState, TradeStateError } from "@paybridge/core/provider-kit";
import { WECHAT_V3_PROVIDER } from "./errors.js";

/**
 * Close (https://pay.weixin.qq.com/doc/v3/merchant/4013070360; the partner close is the same
 * call with sp_mchid / sub_mchid). The v3 page has no ORDERPAID: a paid order's close is refused
 * with the generic 400 INVALID_REQUEST, which alone does not say "this order is paid". A caller
 * closing an expired order must learn that the buyer paid after all, so an INVALID_REQUEST
 * refusal is followed by a query, and a paid (or refunded) order becomes a TradeStateError naming
 * its trade_state.
 */
export async function closeOrRefusePaid(
  close: () => Promise<unknown>,
  query: () => Promise<TradeResult>,
  outTradeNo: string,
): Promise<void> {
  try {
    await close();
  } catch (error) {
    if (!(error instanceof PaymentError) || error.providerCode !== "INVALID_REQUEST") throw error;
    const trade = await query();
    if (trade.state === TradeState.PAID || trade.state === TradeState.REFUND) {
      throw new TradeStateError(
        `wechatpay order ${outTradeNo} is paid (${trade.rawStatus}): it cannot be closed`,
        {
          provider: WECHAT_V3_PROVIDER,
          providerCode: trade.rawStatus,
          providerMessage: error.providerMessage,
          httpStatus: error.httpStatus,
          cause: error,
        },
      );
    }
    throw error;
  }
}
