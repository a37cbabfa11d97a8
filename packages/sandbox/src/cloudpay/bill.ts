import { formatBeijingCompact, formatBeijingDashed } from "../shared/time-format.js";
import { formatYuan } from "../shared/yuan.js";
import { paymentCells, refundCells } from "../wechat/bills/bill-cells.js";
import { orderMoney, refundMoney } from "../wechat/engine/promotions.js";
import type { EngineOrder, EngineRefund } from "../wechat/engine/types.js";
import { V2_REFUND_STATUS, V2_TRADE_TYPE } from "./wire.js";

/**
 * downloadBill's text table (https://pay.weixin.qq.com/doc/v2/merchant/4011935219, wrapped by
 * CloudPay.downloadBill): header line, one line per record with every value prefixed by "`",
 * then the summary header and the summary line. Amounts are yuan.
 * Simplification: REFUND bills use the ALL header (the doc's REFUND header adds the refund
 * request and success times, which the ALL layout has no columns for).
 * Coupons: 总金额 is the settlement amount (the early layout's name for 应结订单金额, format-trade
 * page: "没有应结算订单金额字段(对应的是早期账单中的总金额字段)"), 代金券或立减优惠金额 every coupon,
 * 退款金额 the settlement refund and 代金券或立减优惠退款金额 the coupons' refund.
 */
const ALL_HEADER =
  "交易时间,服务商的APPID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率";
const SUCCESS_HEADER =
  "交易时间,服务商的APPID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,商品名称,商户数据包,手续费,费率";
const SUMMARY_HEADER =
  "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

export interface BillSource {
  readonly appid: string;
  readonly mchId: string;
  readonly subMchId: string;
  readonly orders: readonly Readonly<EngineOrder>[];
  readonly refunds: readonly Readonly<EngineRefund>[];
}

const line = (values: readonly string[]) => values.map((v) => `\`${v}`).join(",");
// Fee 0.6% rounded to the fen, the common WeChat rate; the sandbox charges nothing real.
const fee = (fen: number) => Math.round((fen * 6) / 1000);

/** The bill of one Beijing day (yyyyMMdd), or undefined when nothing happened that day. */
export function renderBill(
  source: BillSource,
  billDate: string,
  billType: "ALL" | "SUCCESS" | "REFUND",
): string | undefined {
  const onDay = (d: Date | undefined) => d !== undefined && formatBeijingCompact(d).slice(0, 8) === billDate;
  const paid = source.orders.filter((o) => onDay(o.successTime));
  const refunds = source.refunds.filter((r) => onDay(r.createdAt));
  const orderCells = (o: Readonly<EngineOrder>, at: Date) => [
    formatBeijingDashed(at),
    source.appid,
    source.mchId,
    source.subMchId,
    "",
    o.transactionId ?? "",
    o.outTradeNo,
    o.payerOpenid ?? "",
    V2_TRADE_TYPE[o.tradeType],
  ];
  const rows: string[] = [];
  if (billType === "SUCCESS") {
    for (const o of paid) {
      rows.push(
        line([
          ...orderCells(o, o.successTime ?? o.createdAt),
          "SUCCESS",
          o.bankType ?? "OTHERS",
          o.currency,
          formatYuan(orderMoney(o).settlementTotalFen),
          formatYuan(orderMoney(o).couponFen),
          o.description,
          o.attach ?? "",
          formatYuan(fee(orderMoney(o).settlementTotalFen)),
          "0.60%",
        ]),
      );
    }
  } else {
    if (billType === "ALL") {
      for (const o of paid) {
        rows.push(
          line([
            ...orderCells(o, o.successTime ?? o.createdAt),
            ...paymentCells(
              o,
              formatYuan(orderMoney(o).settlementTotalFen),
              formatYuan(fee(orderMoney(o).settlementTotalFen)),
              formatYuan(orderMoney(o).couponFen),
            ),
          ]),
        );
      }
    }
    for (const r of refunds) {
      const o = source.orders.find((x) => x.outTradeNo === r.outTradeNo);
      if (!o) continue;
      rows.push(
        line([
          ...orderCells(o, r.createdAt),
          ...refundCells(o, r, {
            refund: formatYuan(refundMoney(r).settlementRefundFen),
            status: V2_REFUND_STATUS[r.status],
            fee: `-${formatYuan(fee(refundMoney(r).settlementRefundFen))}`,
            couponRefund: formatYuan(refundMoney(r).discountRefundFen),
          }),
        ]),
      );
    }
  }
  if (rows.length === 0) return undefined;
  const settled = (o: Readonly<EngineOrder>) => orderMoney(o).settlementTotalFen;
  const settledRefund = (r: Readonly<EngineRefund>) => refundMoney(r).settlementRefundFen;
  const paidFen = billType === "REFUND" ? 0 : paid.reduce((s, o) => s + settled(o), 0);
  const orderedFen = billType === "REFUND" ? 0 : paid.reduce((s, o) => s + o.totalFen, 0);
  const refundFen = billType === "SUCCESS" ? 0 : refunds.reduce((s, r) => s + settledRefund(r), 0);
  const requestedFen = billType === "SUCCESS" ? 0 : refunds.reduce((s, r) => s + r.refundFen, 0);
  const cashCouponRefundFen =
    billType === "SUCCESS" ? 0 : refunds.reduce((s, r) => s + refundMoney(r).cashCouponRefundFen, 0);
  const fees =
    (billType === "REFUND" ? 0 : paid.reduce((s, o) => s + fee(settled(o)), 0)) -
    (billType === "SUCCESS" ? 0 : refunds.reduce((s, r) => s + fee(settledRefund(r)), 0));
  const summary = line([
    String(rows.length),
    formatYuan(paidFen),
    formatYuan(refundFen),
    formatYuan(cashCouponRefundFen),
    fees < 0 ? `-${formatYuan(-fees)}` : formatYuan(fees),
    formatYuan(orderedFen),
    formatYuan(requestedFen),
  ]);
  return [billType === "SUCCESS" ? SUCCESS_HEADER : ALL_HEADER, ...rows, SUMMARY_HEADER, summary, ""].join(
    "\r\n",
  );
}
