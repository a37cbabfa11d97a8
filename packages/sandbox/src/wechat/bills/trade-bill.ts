import { formatBeijingDashed, formatBeijingDate } from "../../shared/time-format.js";
import { formatYuan } from "../../shared/yuan.js";
import { orderMoney, refundMoney } from "../engine/promotions.js";
import type { EngineOrder, EngineRefund } from "../engine/types.js";
import { paymentCells, refundCells } from "./bill-cells.js";

/**
 * The APIv3 trade bill (交易账单) as WeChat generates it, from the simulator's own book. Format:
 * https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-trade.html
 * - one day in Beijing time (日切 00:00:00); a payment is dated by its success time, a refund by
 *   the time WeChat accepted it, so a refund of yesterday's payment is in today's bill;
 * - ALL holds both kinds, SUCCESS only payments, REFUND only refunds;
 * - a detail header, detail rows, a summary header and one summary row, every field of the rows
 *   prefixed with "`" so spreadsheets keep long numbers; amounts in yuan;
 * - refund status is a snapshot taken when the bill is generated (出账后退款状态不会更新);
 * - coupons: 应结订单金额 is 订单金额 less the 免充值 (NOCASH) coupons, 代金券金额 every coupon;
 *   退款金额 is 申请退款金额 less the 免充值 coupons' refund, 充值券退款金额 the CASH coupons'
 *   refund; the fee is charged on the settlement amount and given back pro rata.
 */
export type TradeBillType = "ALL" | "SUCCESS" | "REFUND";

export const TRADE_BILL_HEADER =
  "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
export const TRADE_BILL_SUMMARY_HEADER =
  "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

/** The sandbox's fee rate: 0.6%, rounded half up to the fen, given back pro rata on refunds. */
export const SANDBOX_FEE_RATE_PER_10000 = 60;

export interface TradeBillInput {
  readonly mchid: string;
  readonly orders: readonly Readonly<EngineOrder>[];
  readonly refunds: readonly Readonly<EngineRefund>[];
  /** yyyy-MM-dd, Beijing time. */
  readonly billDate: string;
  readonly billType: TradeBillType;
  /**
   * A service provider's bill: `mchid` is the 服务商, printed as 商户号, and each row's order
   * belongs to a sub-merchant, printed as 特约商户号 (empty on a direct merchant's bill).
   */
  readonly serviceProvider?: boolean;
}

export const beijingDate = (at: Date): string => formatBeijingDate(at);
const billTime = (at: Date): string => formatBeijingDashed(at);
export const feeOf = (fen: number): number => Math.round((fen * SANDBOX_FEE_RATE_PER_10000) / 10_000);

export function wechatTradeBill(input: TradeBillInput): string {
  // Keyed by merchant too: two sub-merchants on one service provider's bill may reuse an out_trade_no.
  const orderKey = (mchid: string, outTradeNo: string) => `${mchid}\u0000${outTradeNo}`;
  const byOutTradeNo = new Map(input.orders.map((o) => [orderKey(o.mchid, o.outTradeNo), o]));
  const rows: string[][] = [];
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  let ordered = 0;
  let requested = 0;
  let cashCouponRefunded = 0;
  const common = (o: Readonly<EngineOrder>) => [
    o.appid,
    input.mchid,
    input.serviceProvider ? o.mchid : "",
    "",
    o.transactionId ?? "",
    o.outTradeNo,
    o.payerOpenid ?? "",
  ];
  if (input.billType !== "REFUND") {
    for (const o of input.orders) {
      if (!o.successTime || beijingDate(o.successTime) !== input.billDate) continue;
      const money = orderMoney(o);
      const fee = feeOf(money.settlementTotalFen);
      settled += money.settlementTotalFen;
      ordered += o.totalFen;
      fees += fee;
      rows.push([
        billTime(o.successTime),
        ...common(o),
        o.tradeType,
        ...paymentCells(
          o,
          formatYuan(money.settlementTotalFen),
          formatYuan(fee),
          formatYuan(money.couponFen),
        ),
        formatYuan(o.totalFen),
        "0.00",
        "",
      ]);
    }
  }
  if (input.billType !== "SUCCESS") {
    for (const r of input.refunds) {
      if (beijingDate(r.createdAt) !== input.billDate) continue;
      const o = byOutTradeNo.get(orderKey(r.mchid, r.outTradeNo));
      if (!o) continue;
      // The fee WeChat gives back: the refund's share of the payment's fee, as a negative amount.
      const settlementTotal = orderMoney(o).settlementTotalFen;
      const split = refundMoney(r);
      const fee = -Math.round((feeOf(settlementTotal) * split.settlementRefundFen) / settlementTotal);
      refunded += split.settlementRefundFen;
      cashCouponRefunded += split.cashCouponRefundFen;
      requested += r.refundFen;
      fees += fee;
      rows.push([
        billTime(r.createdAt),
        ...common(o),
        o.tradeType,
        ...refundCells(o, r, {
          refund: formatYuan(split.settlementRefundFen),
          status: r.status,
          fee: formatYuan(fee),
          couponRefund: formatYuan(split.cashCouponRefundFen),
        }),
        formatYuan(o.totalFen),
        formatYuan(r.refundFen),
        "",
      ]);
    }
  }
  const tick = (values: readonly string[]) => values.map((v) => `\`${v}`).join(",");
  const lines = [
    TRADE_BILL_HEADER,
    ...rows.map(tick),
    TRADE_BILL_SUMMARY_HEADER,
    tick([
      String(rows.length),
      formatYuan(settled),
      formatYuan(refunded),
      formatYuan(cashCouponRefunded),
      formatYuan(fees),
      formatYuan(ordered),
      formatYuan(requested),
    ]),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
