import { formatBeijingDashed } from "../../shared/time-format.js";
import { formatYuan } from "../../shared/yuan.js";
import { orderMoney, refundMoney } from "../engine/promotions.js";
import type { EngineOrder, EngineRefund } from "../engine/types.js";
import { beijingDate, feeOf } from "./trade-bill.js";

/**
 * The APIv3 fund-flow bill (资金账单) of one account, from the simulator's own book. Format:
 * https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-fundflow.html
 * - header 记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),
 *   账户结余(元),资金变更提交申请人,备注,业务凭证号; every value prefixed with "`";
 * - summary header 资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额 and one summary row (the
 *   page's example prints the counts as "20.0");
 * - 记账时间 is when the money moved: a payment's success, a refund's acceptance (WeChat takes the
 *   money when it accepts the refund, not when it reaches the buyer).
 * The sandbox books everything on the BASIC account: each payment's settlement amount (交易 / 交易,
 * 收入) and its fee (交易 / 扣除交易手续费, 支出); each refund's settlement amount (退款 / 退款, 支出)
 * and the fee given back (退款 / 退还交易手续费, 收入); a refund that closed gives its money back
 * (退款 / 退款关闭, 收入). OPERATION and FEES hold nothing, so their bills have no rows.
 * 账户结余 runs from zero at the start of the book.
 */
export type FundAccountType = "BASIC" | "OPERATION" | "FEES";

export const FUND_FLOW_HEADER =
  "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号";
export const FUND_FLOW_SUMMARY_HEADER = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额";

interface Movement {
  readonly at: Date;
  readonly businessNo: string;
  readonly flowNo: string;
  readonly name: "交易" | "退款";
  readonly type: "交易" | "扣除交易手续费" | "退款" | "退还交易手续费" | "退款关闭";
  /** Signed: positive is 收入, negative 支出. */
  readonly fen: number;
  readonly voucherNo: string;
}

const billTime = (at: Date): string => formatBeijingDashed(at);

function movements(
  orders: readonly Readonly<EngineOrder>[],
  refunds: readonly Readonly<EngineRefund>[],
): Movement[] {
  const out: Movement[] = [];
  const byNo = new Map(orders.map((o) => [o.outTradeNo, o]));
  for (const o of orders) {
    if (!o.successTime || !o.transactionId) continue;
    const settled = orderMoney(o).settlementTotalFen;
    const base = {
      at: o.successTime,
      businessNo: o.transactionId,
      voucherNo: o.outTradeNo,
      name: "交易" as const,
    };
    out.push({ ...base, flowNo: `${o.transactionId}01`, type: "交易", fen: settled });
    out.push({ ...base, flowNo: `${o.transactionId}02`, type: "扣除交易手续费", fen: -feeOf(settled) });
  }
  for (const r of refunds) {
    const o = byNo.get(r.outTradeNo);
    if (!o) continue;
    const settled = orderMoney(o).settlementTotalFen;
    const back = refundMoney(r).settlementRefundFen;
    const feeBack = Math.round((feeOf(settled) * back) / settled);
    const base = { businessNo: r.refundId, voucherNo: r.outRefundNo, name: "退款" as const };
    out.push({ ...base, at: r.createdAt, flowNo: `${r.refundId}01`, type: "退款", fen: -back });
    if (feeBack > 0)
      out.push({ ...base, at: r.createdAt, flowNo: `${r.refundId}02`, type: "退还交易手续费", fen: feeBack });
    if (r.status === "CLOSED") {
      // The money comes back when the refund closes; the sandbox books it at the refund's due time.
      out.push({ ...base, at: r.dueAt, flowNo: `${r.refundId}03`, type: "退款关闭", fen: back });
      if (feeBack > 0)
        out.push({ ...base, at: r.dueAt, flowNo: `${r.refundId}04`, type: "扣除交易手续费", fen: -feeBack });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || a.flowNo.localeCompare(b.flowNo));
}

export interface FundFlowBillInput {
  readonly orders: readonly Readonly<EngineOrder>[];
  readonly refunds: readonly Readonly<EngineRefund>[];
  /** yyyy-MM-dd, Beijing time. */
  readonly billDate: string;
  readonly accountType: FundAccountType;
}

export function wechatFundFlowBill(input: FundFlowBillInput): string {
  const tick = (values: readonly string[]) => values.map((v) => `\`${v}`).join(",");
  const rows: string[] = [];
  let balance = 0;
  let income = 0;
  let incomeFen = 0;
  let expense = 0;
  let expenseFen = 0;
  const all = input.accountType === "BASIC" ? movements(input.orders, input.refunds) : [];
  for (const m of all) {
    const day = beijingDate(m.at);
    if (day > input.billDate) break;
    balance += m.fen;
    if (day !== input.billDate) continue;
    if (m.fen >= 0) {
      income += 1;
      incomeFen += m.fen;
    } else {
      expense += 1;
      expenseFen -= m.fen;
    }
    rows.push(
      tick([
        billTime(m.at),
        m.businessNo,
        m.flowNo,
        m.name,
        m.type,
        m.fen >= 0 ? "收入" : "支出",
        formatYuan(Math.abs(m.fen)),
        formatYuan(balance),
        "system",
        "",
        m.voucherNo,
      ]),
    );
  }
  const lines = [
    FUND_FLOW_HEADER,
    ...rows,
    FUND_FLOW_SUMMARY_HEADER,
    tick([`${rows.length}.0`, `${income}.0`, formatYuan(incomeFen), `${expense}.0`, formatYuan(expenseFen)]),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
