import { formatYuan } from "../../shared/yuan.js";
import { formatBeijing } from "../clock.js";
import { sendBackFen, tradeAmounts } from "../discounts.js";
import type { SandboxTrade } from "../ledger.js";
import { ALIPAY_SANDBOX_FEE_PER_10000 } from "./trade-bill.js";

/**
 * The 账务明细 CSV of Alipay's fund bill (bill_type signcustomer), generated from the simulator's
 * book: the same "#" header lines as the trade bill, the column header, one line per movement on
 * the seller's balance, a closing rule, the 支出合计 / 收入合计 footers and the export time, GBK in
 * the zip (https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query:
 * signcustomer "指基于商户支付宝余额收入及支出等资金变动的账务账单").
 * Movements: each payment's 商家实收 (在线支付, income) and its service fee (收费, expense); each
 * refund's send_back_fee (交易退款, expense) and the fee given back (收费退回, income). 账户余额
 * runs from zero at the start of the book.
 */
export const ALIPAY_ACCOUNT_BILL_HEADER =
  "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注";

const feeOf = (fen: number) => Math.round((fen * ALIPAY_SANDBOX_FEE_PER_10000) / 10_000);
const chineseDate = (day: string) => `${day.slice(0, 4)}年${day.slice(5, 7)}月${day.slice(8, 10)}日`;

interface Movement {
  readonly at: Date;
  readonly flowNo: string;
  readonly trade: SandboxTrade;
  readonly type: "在线支付" | "收费" | "交易退款" | "收费退回";
  /** Signed: positive is income. */
  readonly fen: number;
}

function movements(trades: readonly SandboxTrade[]): Movement[] {
  const out: Movement[] = [];
  for (const t of trades) {
    if (!t.paidAt) continue;
    const receipt = tradeAmounts(t.totalFen, t.discounts).receiptFen;
    out.push({ at: t.paidAt, flowNo: `${t.tradeNo}01`, trade: t, type: "在线支付", fen: receipt });
    out.push({ at: t.paidAt, flowNo: `${t.tradeNo}02`, trade: t, type: "收费", fen: -feeOf(receipt) });
    let n = 2;
    for (const r of t.refunds.values()) {
      const back = sendBackFen(r.amountFen, r.share);
      const feeBack = Math.round((feeOf(receipt) * back) / receipt);
      n += 1;
      out.push({
        at: r.at,
        flowNo: `${t.tradeNo}${String(n).padStart(2, "0")}`,
        trade: t,
        type: "交易退款",
        fen: -back,
      });
      if (feeBack > 0) {
        n += 1;
        out.push({
          at: r.at,
          flowNo: `${t.tradeNo}${String(n).padStart(2, "0")}`,
          trade: t,
          type: "收费退回",
          fen: feeBack,
        });
      }
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || a.flowNo.localeCompare(b.flowNo));
}

export interface AlipayAccountBillInput {
  readonly sellerId: string;
  readonly trades: readonly SandboxTrade[];
  readonly billDate: string;
  readonly exportedAt: Date;
}

export function alipayAccountBillCsv(input: AlipayAccountBillInput): string {
  const day = input.billDate;
  const rows: string[] = [];
  let balance = 0;
  const totals = { in: 0, inFen: 0, out: 0, outFen: 0 };
  for (const m of movements(input.trades)) {
    const on = formatBeijing(m.at).slice(0, 10);
    if (on > day) break;
    balance += m.fen;
    if (on !== day) continue;
    if (m.fen >= 0) {
      totals.in += 1;
      totals.inFen += m.fen;
    } else {
      totals.out += 1;
      totals.outFen += m.fen;
    }
    rows.push(
      [
        `${m.flowNo}\t`,
        `${m.trade.tradeNo}\t`,
        `${m.trade.outTradeNo}\t`,
        m.trade.subject.replaceAll(",", "，"),
        formatBeijing(m.at),
        m.trade.buyerLogonId,
        m.fen >= 0 ? formatYuan(m.fen) : "",
        m.fen < 0 ? formatYuan(m.fen) : "",
        formatYuan(balance),
        "支付宝",
        m.type,
        "",
      ].join(","),
    );
  }
  const lines = [
    "#支付宝账务明细查询",
    `#账号：[${input.sellerId}]`,
    `#起始日期：[${chineseDate(day)} 00:00:00]   终止日期：[${chineseDate(day)} 23:59:59]`,
    "#-----------------------------------------账务明细列表----------------------------------------",
    ALIPAY_ACCOUNT_BILL_HEADER,
    ...rows,
    "#-----------------------------------------账务明细列表结束------------------------------------",
    `#支出合计：${totals.out}笔，共${formatYuan(totals.outFen)}元`,
    `#收入合计：${totals.in}笔，共${formatYuan(totals.inFen)}元`,
    `#导出时间：[${formatBeijing(input.exportedAt).replace(/^(\d{4})-(\d{2})-(\d{2})/, "$1年$2月$3日")}]`,
  ];
  return `${lines.join("\r\n")}\r\n`;
}
