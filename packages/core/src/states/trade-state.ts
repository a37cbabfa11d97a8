/**
 * Unified trade states. The numbering is the user's (docs/states.md: "0未支付,1已关闭,2支付失败,
 * 3支付成功,4转入退款") and is stored in ledgers and shown to people: never renumber.
 */
export const TradeState = {
  UNPAID: 0,
  CLOSED: 1,
  FAILED: 2,
  PAID: 3,
  REFUND: 4,
} as const;

export type TradeState = (typeof TradeState)[keyof typeof TradeState];

export interface StateInfo {
  readonly name: string;
  readonly label: string;
}

export const TRADE_STATE_INFO = {
  0: { name: "UNPAID", label: "未支付" },
  1: { name: "CLOSED", label: "已关闭" },
  2: { name: "FAILED", label: "支付失败" },
  3: { name: "PAID", label: "支付成功" },
  4: { name: "REFUND", label: "转入退款" },
} as const satisfies Record<TradeState, StateInfo>;

export const TRADE_STATES: readonly TradeState[] = [0, 1, 2, 3, 4];

export function isTradeState(value: unknown): value is TradeState {
  return typeof value === "number" && (TRADE_STATES as readonly number[]).includes(value);
}

export function describeTradeState(state: TradeState): string {
  const info = TRADE_STATE_INFO[state];
  return `${state} ${info.name} ${info.label}`;
}
