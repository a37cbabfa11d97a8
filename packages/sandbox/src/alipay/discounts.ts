import { proportionalShares } from "../shared/proportional-split.js";
import { fail } from "./errors.js";

/**
 * Vouchers (优惠券) and points (集分宝) on a paid Alipay trade, and their share of each refund.
 *
 * Trade side, alipay.trade.query (https://opendocs.alipay.com/open/02ekfh): total_amount is the
 * order; buyer_pay_amount what the buyer paid (total less vouchers and points); point_amount the
 * 集分宝 part; invoice_amount what can be invoiced (the buyer's own money: buyer_pay_amount);
 * receipt_amount what the merchant receives (total less the vouchers the merchant funded,
 * merchant_contribute); fund_bill_list the channels (ALIPAYACCOUNT, POINT, DISCOUNT for
 * platform-funded and MDISCOUNT for merchant-funded vouchers) and voucher_detail_list each voucher,
 * both only when query_options asks for them.
 *
 * Refund side, alipay.trade.refund (https://opendocs.alipay.com/open/02ekfk):
 * present_refund_buyer_amount (买家退款金额), present_refund_discount_amount (平台优惠退款金额),
 * present_refund_mdiscount_amount (商家优惠退款金额), send_back_fee (本次商户实际退回金额: the
 * refund less the merchant-funded voucher part, which the merchant never received; the mirror of
 * receipt_amount).
 *
 * The pages give no formula for splitting a partial refund; the sandbox returns the merchant-funded
 * and platform-funded voucher amounts and the points in proportion to the refund
 * (shared/proportional-split.ts), so the refund that completes the trade returns every part whole.
 */
export interface AlipayVoucherInput {
  readonly id?: string | undefined;
  readonly name?: string | undefined;
  /** ALIPAY_FIX_VOUCHER (全场代金券), ALIPAY_DISCOUNT_VOUCHER (折扣券), ALIPAY_ITEM_VOUCHER (单品优惠) ... */
  readonly type?: string | undefined;
  readonly amountFen: number;
  /** The merchant-funded part; the rest is other_contribute (Alipay or a third party). Default: all. */
  readonly merchantContributeFen?: number | undefined;
}

export interface AlipayVoucher {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly amountFen: number;
  readonly merchantContributeFen: number;
  readonly otherContributeFen: number;
}

export interface AlipayPayOptions {
  readonly vouchers?: readonly AlipayVoucherInput[] | undefined;
  /** 集分宝 the buyer spent, in fen. */
  readonly pointFen?: number | undefined;
}

export interface TradeDiscounts {
  readonly vouchers: readonly AlipayVoucher[];
  readonly pointFen: number;
}

export interface RefundDiscountShare {
  /** Refunded to the buyer's own funds. */
  readonly buyerFen: number;
  readonly pointFen: number;
  /** Platform-funded voucher parts (present_refund_discount_amount). */
  readonly discountFen: number;
  /** Merchant-funded voucher parts (present_refund_mdiscount_amount). */
  readonly mdiscountFen: number;
}

export const NO_DISCOUNTS: TradeDiscounts = { vouchers: [], pointFen: 0 };

export function tradeDiscounts(totalFen: number, options: AlipayPayOptions): TradeDiscounts {
  const pointFen = options.pointFen ?? 0;
  if (!Number.isSafeInteger(pointFen) || pointFen < 0)
    fail("ACQ.INVALID_PARAMETER", "point_amount 必须是非负整数(分)");
  const vouchers = (options.vouchers ?? []).map((v, i): AlipayVoucher => {
    const field = `voucher_detail_list[${i}]`;
    if (!Number.isSafeInteger(v.amountFen) || v.amountFen < 1) {
      fail("ACQ.INVALID_PARAMETER", `${field}.amount 必须是正整数(分)`);
    }
    const merchant = v.merchantContributeFen ?? v.amountFen;
    if (!Number.isSafeInteger(merchant) || merchant < 0 || merchant > v.amountFen) {
      fail("ACQ.INVALID_PARAMETER", `${field}.merchant_contribute 必须在 0 与 amount 之间`);
    }
    return {
      id: v.id ?? `2015102600073002039000002D${String(i + 1).padStart(2, "0")}`,
      name: v.name ?? "优惠券",
      type: v.type ?? "ALIPAY_FIX_VOUCHER",
      amountFen: v.amountFen,
      merchantContributeFen: merchant,
      otherContributeFen: v.amountFen - merchant,
    };
  });
  const off = vouchers.reduce((s, v) => s + v.amountFen, 0) + pointFen;
  if (off >= totalFen) fail("ACQ.INVALID_PARAMETER", `优惠与集分宝 ${off} 分必须小于订单金额 ${totalFen} 分`);
  return { vouchers, pointFen };
}

/** The amounts alipay.trade.query reports for a paid trade, in fen. */
export function tradeAmounts(totalFen: number, d: TradeDiscounts) {
  const voucherFen = d.vouchers.reduce((s, v) => s + v.amountFen, 0);
  const merchantFen = d.vouchers.reduce((s, v) => s + v.merchantContributeFen, 0);
  const buyerPayFen = totalFen - voucherFen - d.pointFen;
  return {
    buyerPayFen,
    pointFen: d.pointFen,
    invoiceFen: buyerPayFen,
    receiptFen: totalFen - merchantFen,
    voucherFen,
    merchantDiscountFen: merchantFen,
    platformDiscountFen: voucherFen - merchantFen,
  };
}

/** One refund's split, given the trade's earlier refunds (their shares were returned). */
export function refundShare(
  totalFen: number,
  d: TradeDiscounts,
  earlier: readonly { readonly amountFen: number; readonly share: RefundDiscountShare }[],
  refundFen: number,
): RefundDiscountShare {
  // The parts in a fixed order: each voucher's merchant and platform shares, then the points.
  const parts = [
    d.vouchers.reduce((s, v) => s + v.merchantContributeFen, 0),
    d.vouchers.reduce((s, v) => s + v.otherContributeFen, 0),
    d.pointFen,
  ];
  const returned = [
    earlier.reduce((s, r) => s + r.share.mdiscountFen, 0),
    earlier.reduce((s, r) => s + r.share.discountFen, 0),
    earlier.reduce((s, r) => s + r.share.pointFen, 0),
  ];
  const before = earlier.reduce((s, r) => s + r.amountFen, 0);
  const [mdiscountFen = 0, discountFen = 0, pointFen = 0] = proportionalShares(
    parts,
    returned,
    totalFen,
    before,
    refundFen,
  );
  return { buyerFen: refundFen - mdiscountFen - discountFen - pointFen, pointFen, discountFen, mdiscountFen };
}

/** What the merchant gives back for a refund (send_back_fee): the refund less the merchant-funded part. */
export const sendBackFen = (refundFen: number, share: RefundDiscountShare): number =>
  refundFen - share.mdiscountFen;

/** The channels that paid a trade (fund_bill_list), in fen, zero channels left out. */
export function fundChannels(totalFen: number, d: TradeDiscounts): { channel: string; fen: number }[] {
  const a = tradeAmounts(totalFen, d);
  const channels: [string, number][] = [
    ["ALIPAYACCOUNT", a.buyerPayFen],
    ["POINT", a.pointFen],
    ["DISCOUNT", a.platformDiscountFen],
    ["MDISCOUNT", a.merchantDiscountFen],
  ];
  return channels.filter(([, fen]) => fen > 0).map(([channel, fen]) => ({ channel, fen }));
}

/**
 * The control API's pay body, `{"voucher_detail_list": [{"amount": "1.00", "merchant_contribute"?,
 * "name"?, "type"?, "id"?}], "point_amount"?: "0.50"}`, in yuan as Alipay writes amounts. A malformed
 * field is ACQ.INVALID_PARAMETER naming it.
 */
export function payOptions(body: string): AlipayPayOptions {
  if (body.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fail("ACQ.INVALID_PARAMETER", "body must be JSON");
  }
  if (typeof parsed !== "object" || parsed === null) return {};
  const b = parsed as Record<string, unknown>;
  const fen = (value: unknown, field: string): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !/^\d{1,9}(\.\d{1,2})?$/.test(value)) {
      return fail("ACQ.INVALID_PARAMETER", `${field} 必须是元金额字符串, 最多两位小数`);
    }
    const [int = "0", dec = ""] = value.split(".");
    return Number(int) * 100 + Number(dec.padEnd(2, "0"));
  };
  const list = b.voucher_detail_list;
  if (list !== undefined && !Array.isArray(list))
    fail("ACQ.INVALID_PARAMETER", "voucher_detail_list 必须是数组");
  const vouchers = ((list as unknown[] | undefined) ?? []).map((entry, i): AlipayVoucherInput => {
    const field = `voucher_detail_list[${i}]`;
    if (typeof entry !== "object" || entry === null)
      return fail("ACQ.INVALID_PARAMETER", `${field} 必须是对象`);
    const e = entry as Record<string, unknown>;
    const text = (key: string) => {
      const v = e[key];
      if (v !== undefined && typeof v !== "string")
        fail("ACQ.INVALID_PARAMETER", `${field}.${key} 必须是字符串`);
      return v as string | undefined;
    };
    const amountFen = fen(e.amount, `${field}.amount`);
    if (amountFen === undefined) return fail("ACQ.INVALID_PARAMETER", `缺少 ${field}.amount`);
    return {
      id: text("id"),
      name: text("name"),
      type: text("type"),
      amountFen,
      merchantContributeFen: fen(e.merchant_contribute, `${field}.merchant_contribute`),
    };
  });
  return { vouchers, pointFen: fen(b.point_amount, "point_amount") };
}
