import type { Currency } from "@paybridge/core";

/**
 * One line of a provider's fund-flow bill (WeChat 资金账单, Alipay 账务明细 of bill_type
 * signcustomer): money moving on the merchant's account, in integer fen. Every provider's parser
 * yields this shape.
 */
export interface FundFlowRecord {
  readonly provider: "wechatpay" | "alipay";
  /** 1-based line in the (decompressed, decoded) file. */
  readonly line: number;
  /** When the money moved (Beijing time in the file). */
  readonly bookedAt: Date;
  /** The provider's number for the movement (WeChat 资金流水单号, Alipay 账务流水号). */
  readonly flowNo: string;
  /** The business it belongs to (WeChat 微信支付业务单号, Alipay 业务流水号). */
  readonly businessNo: string;
  /** The merchant's own number when the provider prints one (WeChat 业务凭证号, Alipay 商户订单号). */
  readonly merchantNo: string;
  /** The provider's business name and type, verbatim (WeChat 业务名称 / 业务类型, Alipay 业务类型). */
  readonly businessName: string;
  readonly businessType: string;
  readonly direction: "income" | "expense";
  /** Amount moved, in fen, always positive; `direction` says which way. */
  readonly amountFen: number;
  /** The account balance after the movement, in fen (may be negative). */
  readonly balanceFen: number;
  readonly currency: Currency;
  readonly remark: string;
}

/** A fund-flow bill's own totals, checked against its rows before anyone trusts them. */
export interface FundFlowTotals {
  readonly records: number;
  readonly incomeCount: number;
  readonly incomeFen: number;
  readonly expenseCount: number;
  readonly expenseFen: number;
}
