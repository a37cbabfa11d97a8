import type { SandboxClock } from "../../shared/clock.js";
import { WechatEngineError } from "./errors.js";
import type { EngineEventEmitter } from "./events.js";
import type { WechatLedger } from "./ledger.js";
import type { EngineRefund, WechatRefundStatus } from "./types.js";

type FinalRefundStatus = Exclude<WechatRefundStatus, "PROCESSING">;

/** Ends PROCESSING refunds, by themselves when due or when the control API decides, with a refund event. */
export class RefundSettlement {
  constructor(
    private readonly ledger: WechatLedger,
    private readonly events: EngineEventEmitter,
    private readonly clock: SandboxClock,
  ) {}

  /** Settles PROCESSING refunds whose delay has passed at `nowMs`, oldest first. */
  settleDue(nowMs: number): void {
    for (const refund of this.ledger.dueRefunds(nowMs))
      this.settle(refund, refund.plannedOutcome, refund.dueAt);
  }

  /**
   * A PROCESSING or ABNORMAL refund ends now (ABNORMAL -> SUCCESS / CLOSED is the merchant's
   * manual handling); a refund already final may only be "set" to the state it has.
   */
  decide(refund: EngineRefund, outcome: FinalRefundStatus): void {
    if (refund.status === "PROCESSING" || refund.status === "ABNORMAL") {
      this.settle(refund, outcome, this.clock.now());
      return;
    }
    if (refund.status !== outcome) {
      throw new WechatEngineError(
        "INVALID_REQUEST",
        `退款 ${refund.outRefundNo} 已是 ${refund.status},不能改为 ${outcome}`,
      );
    }
  }

  private settle(refund: EngineRefund, outcome: FinalRefundStatus, at: Date): void {
    const from = refund.status;
    refund.status = outcome;
    if (outcome === "SUCCESS") refund.successTime = at;
    const order = this.ledger.order(refund.mchid, refund.outTradeNo);
    if (!order) return;
    this.events.emit({ kind: "refund", mchid: refund.mchid, from, to: outcome, refund, order, at });
  }
}
