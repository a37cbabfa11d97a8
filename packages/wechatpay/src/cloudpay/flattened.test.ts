import { describe, expect, it } from "vitest";
import { FlattenedFieldError, unflatten } from "./flattened.js";

const spec = {
  item: ["refund_fee", "coupon_refund_fee", "refund_status"],
  nested: ["coupon_refund_fee", "coupon_refund_id"],
};

describe("unflatten", () => {
  it("turns _$n and _$n_$m keys into items with their coupons", () => {
    const out = unflatten(
      {
        refund_count: 2,
        refund_fee_0: 100,
        refund_status_0: "SUCCESS",
        coupon_refund_fee_0: 30,
        coupon_refund_fee_0_0: 10,
        coupon_refund_id_0_0: "A",
        coupon_refund_fee_0_1: 20,
        coupon_refund_id_0_1: "B",
        refund_fee_1: 50,
        refund_status_1: "PROCESSING",
      },
      spec,
    );
    expect(out.rest).toEqual({ refund_count: 2 });
    expect(out.items).toEqual([
      {
        refund_fee: 100,
        refund_status: "SUCCESS",
        coupon_refund_fee: 30,
        nested: [
          { coupon_refund_fee: 10, coupon_refund_id: "A" },
          { coupon_refund_fee: 20, coupon_refund_id: "B" },
        ],
      },
      { refund_fee: 50, refund_status: "PROCESSING", nested: [] },
    ]);
  });

  it("orders items by index, not by key order, past 10", () => {
    const data: Record<string, unknown> = {};
    for (let n = 11; n >= 0; n -= 1) data[`refund_fee_${n}`] = n;
    expect(unflatten(data, spec).items.map((i) => i.refund_fee)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
  });

  it("refuses gaps in the numbering", () => {
    expect(() => unflatten({ refund_fee_0: 1, refund_fee_2: 2 }, spec)).toThrow(FlattenedFieldError);
    expect(() => unflatten({ refund_fee_0: 1, coupon_refund_id_0_1: "x" }, spec)).toThrow(
      /coupons of item 0/,
    );
  });

  it("reports indexed keys the spec does not know instead of guessing", () => {
    expect(unflatten({ refund_fee_0: 1, mystery_0: "?" }, spec).unknown).toEqual(["mystery_0"]);
  });
});
