import type { EngineOrder, EngineRefund, WechatRefundStatus, WechatTradeState } from "./types.js";

/** A change of a trade's state; transports turn some of these into notifications (TRANSACTION.SUCCESS). */
export interface TradeChangedEvent {
  readonly kind: "trade";
  readonly mchid: string;
  readonly from: WechatTradeState;
  readonly to: WechatTradeState;
  readonly order: Readonly<EngineOrder>;
  readonly at: Date;
}

/** A refund was accepted (to = PROCESSING, from undefined) or changed state. */
export interface RefundChangedEvent {
  readonly kind: "refund";
  readonly mchid: string;
  readonly from: WechatRefundStatus | undefined;
  readonly to: WechatRefundStatus;
  readonly refund: Readonly<EngineRefund>;
  readonly order: Readonly<EngineOrder>;
  readonly at: Date;
}

export type WechatEngineEvent = TradeChangedEvent | RefundChangedEvent;
export type WechatEngineListener = (event: WechatEngineEvent) => void;

export class EngineEventEmitter {
  private readonly listeners = new Set<WechatEngineListener>();

  /** Returns the function that unsubscribes. */
  on(listener: WechatEngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: WechatEngineEvent): void {
    // Snapshots, so a listener that keeps the event sees the state of that moment.
    const frozen =
      event.kind === "trade"
        ? { ...event, order: { ...event.order } }
        : { ...event, order: { ...event.order }, refund: { ...event.refund } };
    for (const listener of this.listeners) listener(frozen);
  }
}
