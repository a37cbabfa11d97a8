import { describe, expect, it } from "vitest";
import { InvalidTransitionError } from "../errors/errors.js";
import { REFUND_STATES, RefundState } from "./refund-state.js";
import { TRADE_STATES, TradeState } from "./trade-state.js";
import {
  FINAL_REFUND_STATES,
  FINAL_TRADE_STATES,
  mergeRefundState,
  mergeTradeState,
  REFUND_TRANSITIONS,
  TRADE_TRANSITIONS,
  transitionRefund,
  transitionTrade,
} from "./transitions.js";

describe("state numbering", () => {
  it("keeps the user's trade numbering 0-4", () => {
    expect(TradeState).toEqual({ UNPAID: 0, CLOSED: 1, FAILED: 2, PAID: 3, REFUND: 4 });
  });
  it("keeps the user's refund numbering 0-6", () => {
    expect(RefundState).toEqual({
      PENDING_CONFIRM: 0,
      CONFIRMED: 1,
      NOT_SUBMITTED: 2,
      SUBMITTED: 3,
      SUCCESS: 4,
      ABNORMAL: 5,
      CLOSED: 6,
    });
  });
});

// Every ordered pair is checked against the table, so a changed rule cannot slip through untested.
const tradeAllowed: Record<number, number[]> = { 0: [1, 2, 3, 4], 1: [], 2: [], 3: [4], 4: [] };
const refundAllowed: Record<number, number[]> = {
  0: [1, 6],
  1: [2, 3, 4, 5, 6],
  2: [3, 4, 5, 6],
  3: [4, 5, 6],
  4: [],
  5: [4, 6],
  6: [],
};

describe("trade transitions", () => {
  it("match the documented table", () => {
    expect(TRADE_TRANSITIONS).toEqual(tradeAllowed);
  });
  for (const from of TRADE_STATES) {
    for (const to of TRADE_STATES) {
      const ok = from === to || (tradeAllowed[from] ?? []).includes(to);
      it(`${from} -> ${to} is ${ok ? "allowed" : "rejected"}`, () => {
        if (ok) expect(transitionTrade(from, to)).toBe(to);
        else {
          expect(() => transitionTrade(from, to)).toThrow(InvalidTransitionError);
          expect(() => transitionTrade(from, to)).toThrow(new RegExp(`from ${from} .* to ${to} `));
        }
      });
    }
  }
  it("never moves a paid trade back to unpaid when a stale report arrives", () => {
    expect(mergeTradeState(TradeState.PAID, TradeState.UNPAID)).toBe(TradeState.PAID);
    expect(mergeTradeState(TradeState.REFUND, TradeState.PAID)).toBe(TradeState.REFUND);
    expect(mergeTradeState(TradeState.UNPAID, TradeState.PAID)).toBe(TradeState.PAID);
  });
  it("treats closed, failed and refund as final", () => {
    expect(FINAL_TRADE_STATES).toEqual([1, 2, 4]);
    for (const s of FINAL_TRADE_STATES) expect(TRADE_TRANSITIONS[s]).toEqual([]);
  });
});

describe("refund transitions", () => {
  it("match the documented table", () => {
    expect(REFUND_TRANSITIONS).toEqual(refundAllowed);
  });
  for (const from of REFUND_STATES) {
    for (const to of REFUND_STATES) {
      const ok = from === to || (refundAllowed[from] ?? []).includes(to);
      it(`${from} -> ${to} is ${ok ? "allowed" : "rejected"}`, () => {
        if (ok) expect(transitionRefund(from, to)).toBe(to);
        else {
          const error = (() => {
            try {
              transitionRefund(from, to);
            } catch (e) {
              return e;
            }
          })();
          expect(error).toBeInstanceOf(InvalidTransitionError);
          expect(error).toMatchObject({ kind: "refund", from, to, code: "INVALID_TRANSITION" });
        }
      });
    }
  }
  it("names both states, with names and labels, in the error", () => {
    expect(() => transitionRefund(RefundState.SUBMITTED, RefundState.PENDING_CONFIRM)).toThrow(
      "refund cannot move from 3 SUBMITTED 已提交 to 0 PENDING_CONFIRM 待确认",
    );
  });
  it("keeps success and closed final, and lets abnormal be resolved by hand", () => {
    expect(FINAL_REFUND_STATES).toEqual([4, 6]);
    expect(mergeRefundState(RefundState.SUCCESS, RefundState.SUBMITTED)).toBe(RefundState.SUCCESS);
    expect(mergeRefundState(RefundState.ABNORMAL, RefundState.SUCCESS)).toBe(RefundState.SUCCESS);
    expect(mergeRefundState(RefundState.CLOSED, RefundState.SUCCESS)).toBe(RefundState.CLOSED);
  });
});
