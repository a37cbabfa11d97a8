import { fenToYuan } from "@paybridge/core";
import { formatBeijingCompact } from "../shared/time-format.js";
import { paymentCells, refundCells } from "../wechat/bills/bill-cells.js";
import type { EngineOrder, EngineRefund } from "../wechat/engine/types.js";
import { formatBeijingDashed, V2_REFUND_STATUS, V2_TRADE_TYPE } from "./wire.js";

/**
 * downloadBill's text table (https://pay.weixin.qq.com/doc/v2/merchant/4011935219, wrapped by
 * CloudPay.downloadBill): header line, one line per record with every value prefixed by "`",
 * then the summary header and the summary line. Amounts are yuan.
 * Simplification: REFUND bills use the ALL header (the doc's REFUND header adds the refund
 * request and success times, which the ALL layout has no columns for).
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
          fenToYuan(o.totalFen),
          "0.00",
          o.description,
          o.attach ?? "",
          fenToYuan(fee(o.totalFen)),
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
            ...paymentCells(o, fenToYuan(o.totalFen), fenToYuan(fee(o.totalFen))),
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
            refund: fenToYuan(r.refundFen),
            status: V2_REFUND_STATUS[r.status],
            fee: `-${fenToYuan(fee(r.refundFen))}`,
          }),
        ]),
      );
    }
  }
  if (rows.length === 0) return undefined;
  const paidFen = billType === "REFUND" ? 0 : paid.reduce((s, o) => s + o.totalFen, 0);
  const refundFen = billType === "SUCCESS" ? 0 : refunds.reduce((s, r) => s + r.refundFen, 0);
  const fees =
    (billType === "REFUND" ? 0 : paid.reduce((s, o) => s + fee(o.totalFen), 0)) -
    (billType === "SUCCESS" ? 0 : refunds.reduce((s, r) => s + fee(r.refundFen), 0));
  const summary = line([
    String(rows.length),
    fenToYuan(paidFen),
    fenToYuan(refundFen),
    "0.00",
    fees < 0 ? `-${fenToYuan(-fees)}` : fenToYuan(fees),
    fenToYuan(paidFen),
    fenToYuan(refundFen),
  ]);
  return [billType === "SUCCESS" ? SUCCESS_HEADER : ALL_HEADER, ...rows, SUMMARY_HEADER, summary, ""].join(
    "\r\n",
  );
}
