import type { SandboxTrade } from "../ledger.js";
import {
  amountFen,
  expiresAt,
  type MethodContext,
  optionalString,
  outTradeNo,
  requiredString,
} from "./context.js";

/**
 * The request fields every pay API shares (out_trade_no, total_amount, subject, product_code,
 * time_expire / timeout_express, passback_params) and the notify_url / return_url public params.
 */
export function openTrade(ctx: MethodContext, createdBy: string, buyerId?: string): SandboxTrade {
  const now = ctx.clock.now();
  return ctx.ledger.open(
    {
      outTradeNo: outTradeNo(ctx.biz, true) as string,
      createdBy,
      productCode: optionalString(ctx.biz, "product_code", 64),
      subject: requiredString(ctx.biz, "subject", 256),
      totalFen: amountFen(ctx.biz, "total_amount"),
      expiresAt: expiresAt(ctx.biz, now),
      notifyUrl: ctx.params.notify_url || undefined,
      returnUrl: ctx.params.return_url || undefined,
      passbackParams: optionalString(ctx.biz, "passback_params", 512),
      buyerId,
      scanned: createdBy !== "alipay.trade.precreate",
    },
    now,
  );
}
