import { beijingDayRange, RefundState, TradeState } from "@paybridge/core/provider-kit";
import type { BillRecord } from "./bill-record.js";
import { LedgerIndex } from "./ledger-index.js";
import type { LedgerEntry, ReconcileLedgerPort } from "./ledger-port.js";
import type { DayTotals, Difference, ReconcileResult } from "./reconcile-result.js";

export interface ReconcileInput {
  readonly provider: string;
  readonly merchantId: string;
  /** Beijing bill day, yyyy-MM-dd. */
  readonly date: string;
  /** The parsed bill; its generator throws at the end if the bill disagrees with its own summary. */
  readonly bill: AsyncIterable<BillRecord>;
  readonly ledger: ReconcileLedgerPort;
}

/** A bill payment line agrees with a ledger payment that is paid, or paid and since refunded. */
function paymentStatesAgree(bill: number, ledger: number): boolean {
  if (bill === TradeState.PAID) return ledger === TradeState.PAID || ledger === TradeState.REFUND;
  return bill === ledger;
}

/**
 * Reconciles one day of one merchant: every bill line is matched to the ledger by order number
 * (payments) or refund number (refunds). Each line ends up matched or in exactly one difference;
 * a line differing in both amount and state is reported as an amount mismatch (money first).
 */
export async function reconcileDay(input: ReconcileInput): Promise<ReconcileResult> {
  const { from, to } = beijingDayRange(input.date);
  // The ledger's lines are held in typed arrays (ledger-index.ts) so a million-line day stays in
  // tens of MiB outside the collected heap; bill rows stream through and are never kept.
  const payments = new LedgerIndex();
  const refunds = new LedgerIndex();
  const ledger = { payments: 0, refunds: 0, paymentFen: 0, refundFen: 0 };
  for await (const e of input.ledger.entries({
    merchantId: input.merchantId,
    provider: input.provider,
    from,
    to,
  })) {
    addLedger(e, payments, refunds, ledger);
  }
  const differences: Difference[] = [];
  let matched = 0;
  const bill = { payments: 0, refunds: 0, paymentFen: 0, refundFen: 0, feeFen: 0 };
  for await (const r of input.bill) {
    bill.feeFen += r.feeFen;
    const table = r.kind === "payment" ? payments : refunds;
    const key = r.kind === "payment" ? r.outTradeNo : r.outRefundNo;
    if (r.kind === "payment") {
      bill.payments += 1;
      bill.paymentFen += r.amountFen;
    } else {
      bill.refunds += 1;
      bill.refundFen += r.amountFen;
    }
    const id = table.take(key);
    // The ledger books order and requested refund amounts; a bill that prints them beside the
    // settlement amounts (WeChat v3 订单金额 / 申请退款金额) is compared on those, so a 免充值
    // coupon, which lowers only the settlement amount, is not a difference.
    const billAmountFen = (r.kind === "payment" ? r.orderAmountFen : r.requestedFen) ?? r.amountFen;
    if (id < 0) {
      differences.push(billDifference(r, billAmountFen, "missing_locally", undefined, undefined));
      continue;
    }
    const ledgerAmountFen = table.amountOf(id);
    const ledgerState = table.stateOf(id);
    const statesAgree =
      r.kind === "payment" ? paymentStatesAgree(r.state, ledgerState) : r.state === ledgerState;
    // A matched line allocates nothing: on a million-line day the differences are the exception.
    if (ledgerAmountFen !== billAmountFen)
      differences.push(billDifference(r, billAmountFen, "amount_mismatch", ledgerAmountFen, ledgerState));
    else if (!statesAgree)
      differences.push(billDifference(r, billAmountFen, "state_mismatch", ledgerAmountFen, ledgerState));
    else matched += 1;
  }
  payments.forEachLeft((outTradeNo, id) =>
    differences.push(missingAtProvider("payment", outTradeNo, undefined, payments, id)),
  );
  refunds.forEachLeft((outRefundNo, id) =>
    differences.push(missingAtProvider("refund", refunds.noteOfEntry(id), outRefundNo, refunds, id)),
  );
  return {
    provider: input.provider,
    merchantId: input.merchantId,
    date: input.date,
    currency: "CNY",
    matched,
    differences,
    bill: { ...bill, netFen: bill.paymentFen - bill.refundFen - bill.feeFen },
    ledger: totals(ledger),
  };
}

function billDifference(
  r: BillRecord,
  billAmountFen: number,
  kind: "missing_locally" | "amount_mismatch" | "state_mismatch",
  ledgerAmountFen: number | undefined,
  ledgerState: number | undefined,
): Difference {
  // Keys in the order the JSON report has always printed them.
  return {
    record: r.kind,
    outTradeNo: r.outTradeNo,
    outRefundNo: r.kind === "refund" ? r.outRefundNo : undefined,
    billLine: r.line,
    billAmountFen,
    billState: r.state,
    kind,
    ledgerAmountFen,
    ledgerState,
  };
}

function addLedger(
  e: LedgerEntry,
  payments: LedgerIndex,
  refunds: LedgerIndex,
  t: { payments: number; refunds: number; paymentFen: number; refundFen: number },
): void {
  if (e.kind === "payment") {
    payments.set(e.outTradeNo, e.amountFen, e.state);
    t.payments += 1;
    t.paymentFen += e.amountFen;
  } else {
    // The refund's order number rides along as its note, for a refund the bill lacks.
    refunds.set(e.outRefundNo, e.amountFen, e.state, e.outTradeNo);
    t.refunds += 1;
    // Only refunds the provider completed move money; others are compared by state, not summed.
    if (e.state === RefundState.SUCCESS) t.refundFen += e.amountFen;
  }
}

function totals(t: { payments: number; refunds: number; paymentFen: number; refundFen: number }): DayTotals {
  return { ...t, feeFen: 0, netFen: t.paymentFen - t.refundFen };
}

function missingAtProvider(
  record: "payment" | "refund",
  outTradeNo: string,
  outRefundNo: string | undefined,
  table: LedgerIndex,
  id: number,
): Difference {
  return {
    kind: "missing_at_provider",
    record,
    outTradeNo,
    outRefundNo,
    billLine: undefined,
    billAmountFen: undefined,
    billState: undefined,
    ledgerAmountFen: table.amountOf(id),
    ledgerState: table.stateOf(id),
  };
}
