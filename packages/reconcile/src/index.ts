export { parseAlipayFundBill } from "./alipay/account-bill.js";
export { type AlipayBillKind, openAlipayBillCsv } from "./alipay/bill-zip.js";
export { parseAlipayTradeBill } from "./alipay/trade-bill.js";
export { BillFormatError } from "./bill-format-error.js";
export type { BillPayment, BillRecord, BillRefund, BillTotals } from "./bill-record.js";
export { BillTimeReader } from "./bill-time.js";
export { type CoreLedgerPortOptions, coreLedgerPort } from "./core-ledger-port.js";
export { providerTradeBill } from "./download/provider-bill.js";
export type { FundFlowRecord, FundFlowTotals } from "./fund-flow-record.js";
export type { LedgerDayQuery, LedgerEntry, ReconcileLedgerPort } from "./ledger-port.js";
export { type ReconcileInput, reconcileDay } from "./reconcile.js";
export type { DayTotals, Difference, DifferenceKind, ReconcileResult } from "./reconcile-result.js";
export { reconcileToCsv, reconcileToJson, reconcileToTable } from "./report/render-report.js";
export {
  MemoryReconcileReports,
  PostgresReconcileReports,
  type ReconcileReportStore,
  type StoredReconcileReport,
} from "./report-store.js";
export { type BillDigest, verifiedBillParts, verifiedBillStream } from "./wechat/bill-digest.js";
export { parseWechatFundFlowBill } from "./wechat/fund-flow-bill.js";
export { parseWechatTradeBill, type WechatTradeBillOptions } from "./wechat/trade-bill.js";
