import { AmountMismatchError } from "../errors/errors.js";
import type { RefundResult } from "../schemas/refund.js";
import { describeRefundState, RefundState } from "../states/refund-state.js";
import type { LedgerRefund } from "./ledger.js";
import type { RefundContext } from "./refund-options.js";

/** Records a provider's answer, after checking it is about this refund and this amount. */
export async function applyResult(
  ctx: RefundContext,
  refund: LedgerRefund,
  result: RefundResult,
): Promise<LedgerRefund> {
  if (result.outRefundNo !== refund.outRefundNo || result.amount.fen !== refund.amountFen) {
    const message = `${result.provider} reported refund ${result.outRefundNo} of ${result.amount.fen} fen for ${refund.outRefundNo} of ${refund.amountFen} fen`;
    await ctx.ledger.updateRefund(
      refund.outRefundNo,
      {
        mode: "merge",
        state: RefundState.ABNORMAL,
        rawStatus: result.rawStatus,
        lastError: message,
        basis: refund,
      },
      ctx.clock(),
    );
    throw new AmountMismatchError(message, { provider: result.provider });
  }
  const updated = await ctx.ledger.updateRefund(
    refund.outRefundNo,
    {
      mode: "merge",
      state: result.state,
      rawStatus: result.rawStatus,
      providerRefundId: result.providerRefundId,
      successAt: result.successAt,
      lastError: null,
      // An answer naming this refund number is the provider's word on it (refund-invariant.ts).
      close:
        result.state === RefundState.CLOSED
          ? { kind: "provider_closed", rawStatus: result.rawStatus }
          : undefined,
      outcomeUnknown: false,
      recoveryFailures: 0,
      retryAt: null,
      // What this submission last wrote or read: a SQL ledger records the answer in one statement.
      basis: refund,
    },
    ctx.clock(),
  );
  ctx.logger.info(
    { outRefundNo: refund.outRefundNo, state: describeRefundState(updated.state), raw: result.rawStatus },
    "refund answered",
  );
  return updated;
}
