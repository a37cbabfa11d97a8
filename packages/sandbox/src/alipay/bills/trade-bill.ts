import { formatYuan } from "../../shared/yuan.js";
import { formatBeijing } from "../clock.js";
import { sendBackFen, tradeAmounts } from "../discounts.js";
import type { SandboxTrade } from "../ledger.js";

/**
 * The 业务明细 CSV of Alipay's trade bill (bill_type trade), generated from the simulator's book as
 * alipay.data.dataservice.bill.downloadurl.query serves it (https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query):
 * "#" header lines (title, account, period, a dashed rule), the column header, one line per paid
 * trade (交易, dated by its payment) and per refund (退款, dated by the refund, amounts negative),
 * a closing rule, the 交易合计 / 退款合计 footers and the export time. Long numbers end with a tab so
 * spreadsheets keep them as text. The file is GBK (the zip step encodes it).
 * Vouchers and points: 订单金额 is the order, 商家实收 what the merchant receives (receipt_amount,
 * less merchant-funded vouchers), 集分宝 / 支付宝优惠 / 商家优惠 / 券核销金额 the parts, all negative
 * on refund lines with each refund's share (see discounts.ts); 服务费 is charged on 商家实收.
 */
export const ALIPAY_TRADE_BILL_HEADER =
  "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";

/** The sandbox's service fee: 0.6%, rounded half up to the fen, given back pro rata on refunds. */
export const ALIPAY_SANDBOX_FEE_PER_10000 = 60;

const feeOf = (fen: number) => Math.round((fen * ALIPAY_SANDBOX_FEE_PER_10000) / 10_000);
const chineseDate = (day: string) => `${day.slice(0, 4)}年${day.slice(5, 7)}月${day.slice(8, 10)}日`;

export interface AlipayTradeBillInput {
  /** The seller's account (PID, 2088...). */
  readonly sellerId: string;
  readonly trades: readonly SandboxTrade[];
  /** yyyy-MM-dd, Beijing time. */
  readonly billDate: string;
  readonly exportedAt: Date;
}

export function alipayTradeBillCsv(input: AlipayTradeBillInput): string {
  const day = input.billDate;
  const inDay = (at: Date | undefined) => at !== undefined && formatBeijing(at).slice(0, 10) === day;
  const rows: string[] = [];
  let paidCount = 0;
  let paidFen = 0;
  let refundCount = 0;
  let refundFen = 0;
  // Money columns of one line, signed (negative on refunds): 订单金额, 商家实收, 集分宝, 支付宝优惠,
  // 商家优惠, 券核销金额.
  interface LineMoney {
    readonly order: number;
    readonly receipt: number;
    readonly point: number;
    readonly platform: number;
    readonly merchant: number;
    readonly voucher: number;
  }
  const line = (
    t: SandboxTrade,
    kind: "交易" | "退款",
    at: Date,
    m: LineMoney,
    requestNo: string,
    fee: number,
  ) =>
    [
      `${t.tradeNo}\t`,
      `${t.outTradeNo}\t`,
      kind,
      t.subject.replaceAll(",", "，"),
      formatBeijing(t.createdAt),
      formatBeijing(at),
      "",
      "",
      "",
      "",
      t.buyerLogonId,
      formatYuan(m.order),
      formatYuan(m.receipt),
      "0.00",
      formatYuan(m.point),
      formatYuan(m.platform),
      formatYuan(m.merchant),
      formatYuan(m.voucher),
      t.discounts.vouchers.map((v) => v.name.replaceAll(",", "，")).join("|"),
      "0.00",
      "0.00",
      requestNo,
      formatYuan(fee),
      "0.00",
      "",
    ].join(",");
  let merchantFen = 0;
  let merchantRefundFen = 0;
  for (const t of input.trades) {
    const a = tradeAmounts(t.totalFen, t.discounts);
    if (inDay(t.paidAt) && t.paidAt) {
      paidCount += 1;
      paidFen += a.receiptFen;
      merchantFen += a.merchantDiscountFen;
      // 服务费 is printed negative when charged; charged on what the merchant receives.
      rows.push(
        line(
          t,
          "交易",
          t.paidAt,
          {
            order: t.totalFen,
            receipt: a.receiptFen,
            point: a.pointFen,
            platform: a.platformDiscountFen,
            merchant: a.merchantDiscountFen,
            voucher: a.voucherFen,
          },
          "",
          -feeOf(a.receiptFen),
        ),
      );
    }
    for (const r of t.refunds.values()) {
      if (!inDay(r.at)) continue;
      const back = sendBackFen(r.amountFen, r.share);
      refundCount += 1;
      refundFen -= back;
      merchantRefundFen -= r.share.mdiscountFen;
      const feeBack = Math.round((feeOf(a.receiptFen) * back) / a.receiptFen);
      rows.push(
        line(
          t,
          "退款",
          r.at,
          {
            order: -r.amountFen,
            receipt: -back,
            point: -r.share.pointFen,
            platform: -r.share.discountFen,
            merchant: -r.share.mdiscountFen,
            voucher: -(r.share.discountFen + r.share.mdiscountFen),
          },
          `${r.outRequestNo}\t`,
          feeBack,
        ),
      );
    }
  }
  const lines = [
    "#支付宝业务明细查询",
    `#账号：[${input.sellerId}]`,
    `#起始日期：[${chineseDate(day)} 00:00:00]   终止日期：[${chineseDate(day)} 23:59:59]`,
    "#-----------------------------------------业务明细列表----------------------------------------",
    ALIPAY_TRADE_BILL_HEADER,
    ...rows,
    "#-----------------------------------------业务明细列表结束------------------------------------",
    `#交易合计：${paidCount}笔，商家实收共${formatYuan(paidFen)}元，商家优惠共${formatYuan(merchantFen)}元`,
    `#退款合计：${refundCount}笔，商家实收退款共${formatYuan(refundFen)}元，商家优惠退款共${formatYuan(merchantRefundFen)}元`,
    `#导出时间：[${formatBeijing(input.exportedAt).replace(/^(\d{4})-(\d{2})-(\d{2})/, "$1年$2月$3日")}]`,
  ];
  return `${lines.join("\r\n")}\r\n`;
}

/** The (汇总) CSV beside the detail file: one line per business type. */
export function alipayTradeSummaryCsv(input: AlipayTradeBillInput): string {
  return [
    "#支付宝业务汇总查询",
    `#账号：[${input.sellerId}]`,
    `#起始日期：[${chineseDate(input.billDate)} 00:00:00]   终止日期：[${chineseDate(input.billDate)} 23:59:59]`,
    "",
  ].join("\r\n");
}
