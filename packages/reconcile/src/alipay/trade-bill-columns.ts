/**
 * Columns of Alipay's trade (业务明细) bill, the GBK CSV inside the zip that
 * alipay.data.dataservice.bill.downloadurl.query points at
 * (https://opendocs.alipay.com/apis/api_15/alipay.data.dataservice.bill.downloadurl.query; file layout:
 * https://opendocs.alipay.com/open/204/106262). Lines starting "#" are the bill's header and footer.
 * Columns are found by name.
 */
export const ALIPAY_TRADE_COLUMNS = {
  tradeNo: "支付宝交易号",
  outTradeNo: "商户订单号",
  kind: "业务类型",
  finishedAt: "完成时间",
  amount: "订单金额（元）",
  outRequestNo: "退款批次号/请求号",
  fee: "服务费（元）",
} as const;

export type AlipayTradeColumn = keyof typeof ALIPAY_TRADE_COLUMNS;

/** Footer lines with the bill's own totals: "#交易合计：2笔，商家实收共0.02元，..." and "#退款合计：...". */
export const TRADE_TOTAL = /^#交易合计：(\d+)笔，商家实收共(-?\d+(?:\.\d{1,2})?)元/;
export const REFUND_TOTAL = /^#退款合计：(\d+)笔，商家实收退款共(-?\d+(?:\.\d{1,2})?)元/;

export const RECEIPT_COLUMN = "商家实收（元）";
