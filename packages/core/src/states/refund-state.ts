/**
 * Unified refund states (docs/states.md: "0待确认,1已确认,2未提交,3已提交,4退款成功,5退款异常,
 * 6退款关闭"). 0-2 belong to the merchant's own workflow; 3-6 come from the provider.
 */
export const RefundState = {
  PENDING_CONFIRM: 0,
  CONFIRMED: 1,
  NOT_SUBMITTED: 2,
  SUBMITTED: 3,
  SUCCESS: 4,
  ABNORMAL: 5,
  CLOSED: 6,
} as const;

export type RefundState = (typeof RefundState)[keyof typeof RefundState];

export const REFUND_STATE_INFO = {
  0: { name: "PENDING_CONFIRM", label: "待确认" },
  1: { name: "CONFIRMED", label: "已确认" },
  2: { name: "NOT_SUBMITTED", label: "未提交" },
  3: { name: "SUBMITTED", label: "已提交" },
  4: { name: "SUCCESS", label: "退款成功" },
  5: { name: "ABNORMAL", label: "退款异常" },
  6: { name: "CLOSED", label: "退款关闭" },
} as const satisfies Record<RefundState, { readonly name: string; readonly label: string }>;

export const REFUND_STATES: readonly RefundState[] = [0, 1, 2, 3, 4, 5, 6];

export function isRefundState(value: unknown): value is RefundState {
  return typeof value === "number" && (REFUND_STATES as readonly number[]).includes(value);
}

export function describeRefundState(state: RefundState): string {
  const info = REFUND_STATE_INFO[state];
  return `${state} ${info.name} ${info.label}`;
}
