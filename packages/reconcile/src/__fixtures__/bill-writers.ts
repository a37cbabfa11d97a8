import { fenToYuan } from "@paybridge/core/provider-kit";
import iconv from "iconv-lite";
import yazl from "yazl";

const yuan = (fen: number) => (fen < 0 ? `-${fenToYuan(-fen)}` : fenToYuan(fen));

export interface WechatRow {
  readonly time: string;
  readonly outTradeNo: string;
  readonly status: "SUCCESS" | "REFUND" | "REVOKED";
  readonly amountFen: number;
  readonly outRefundNo?: string;
  readonly refundFen?: number;
  readonly refundStatus?: string;
  readonly feeFen: number;
}

const V3_HEADER =
  "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
const SUMMARY =
  "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

/** A v3 trade bill laid out as the format section of the download page shows. */
export function wechatTradeBill(
  rows: readonly WechatRow[],
  summary?: { records?: number; paidFen?: number },
): string {
  const tick = (v: readonly string[]) => v.map((c) => `\`${c}`).join(",");
  const lines = [V3_HEADER];
  for (const r of rows) {
    lines.push(
      tick([
        r.time,
        "wx0000000000000001",
        "1900000001",
        "",
        "",
        `42000${r.outTradeNo}`,
        r.outTradeNo,
        "oUser",
        "JSAPI",
        r.status,
        "OTHERS",
        "CNY",
        yuan(r.status === "REFUND" ? 0 : r.amountFen),
        "0.00",
        r.outRefundNo ? `50000${r.outRefundNo}` : "0",
        r.outRefundNo ?? "",
        yuan(r.refundFen ?? 0),
        "0.00",
        r.outRefundNo ? "ORIGINAL" : "",
        r.refundStatus ?? "",
        "goods",
        "",
        yuan(r.feeFen),
        "0.60%",
        yuan(r.amountFen),
        yuan(r.refundFen ?? 0),
        "",
      ]),
    );
  }
  const paid = rows.filter((r) => r.status !== "REFUND").reduce((s, r) => s + r.amountFen, 0);
  const refunded = rows.reduce((s, r) => s + (r.refundFen ?? 0), 0);
  const fees = rows.reduce((s, r) => s + r.feeFen, 0);
  lines.push(SUMMARY);
  lines.push(
    tick([
      String(summary?.records ?? rows.length),
      yuan(summary?.paidFen ?? paid),
      yuan(refunded),
      "0.00",
      yuan(fees),
      yuan(paid),
      yuan(refunded),
    ]),
  );
  return `${lines.join("\r\n")}\r\n`;
}

export interface AlipayRow {
  readonly finishedAt: string;
  readonly outTradeNo: string;
  readonly kind: "交易" | "退款";
  /** Positive; printed negative for 退款. */
  readonly amountFen: number;
  readonly outRequestNo?: string;
  /** Charged fee, printed negative. */
  readonly feeFen: number;
}

const ALIPAY_HEADER =
  "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";

/** The 业务明细 CSV text of a trade bill, with its "#" header and footer. */
export function alipayTradeCsv(rows: readonly AlipayRow[], date = "2026年03月01日"): string {
  const lines = [
    "#支付宝业务明细查询",
    "#账号：[20880000000000000156]",
    `#起始日期：[${date} 00:00:00]   终止日期：[${date} 23:59:59]`,
    "#-----------------------------------------业务明细列表----------------------------------------",
    ALIPAY_HEADER,
  ];
  let pc = 0;
  let pf = 0;
  let rc = 0;
  let rf = 0;
  for (const r of rows) {
    const signed = r.kind === "退款" ? -r.amountFen : r.amountFen;
    if (r.kind === "交易") {
      pc += 1;
      pf += signed;
    } else {
      rc += 1;
      rf += signed;
    }
    lines.push(
      [
        `2026030122001${r.outTradeNo}\t`,
        `${r.outTradeNo}\t`,
        r.kind,
        "goods",
        r.finishedAt,
        r.finishedAt,
        "",
        "",
        "",
        "",
        "buyer@example.com",
        yuan(signed),
        yuan(signed),
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "",
        "0.00",
        "0.00",
        r.outRequestNo ?? "",
        yuan(r.kind === "退款" ? r.feeFen : -r.feeFen),
        "0.00",
        "",
      ].join(","),
    );
  }
  lines.push(
    "#-----------------------------------------业务明细列表结束------------------------------------",
  );
  lines.push(`#交易合计：${pc}笔，商家实收共${yuan(pf)}元，商家优惠共0.00元`);
  lines.push(`#退款合计：${rc}笔，商家实收退款共${yuan(rf)}元，商家优惠退款共0.00元`);
  lines.push(`#导出时间：[${date} 10:15:23]`);
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * The zip bill_download_url serves: the detail CSV and its (汇总) sibling, GBK text. yazl always
 * writes UTF-8 names with the UTF-8 flag, so the GBK-name branch of the reader is not covered here.
 */
export async function alipayBillZip(detailCsv: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const name = (s: string) => s;
  zip.addBuffer(
    iconv.encode("#支付宝业务汇总查询\r\n", "gbk"),
    name("20880000000000000156_20260301_业务明细(汇总).csv"),
  );
  zip.addBuffer(iconv.encode(detailCsv, "gbk"), name("20880000000000000156_20260301_业务明细.csv"));
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
