import {
  describeRefundState,
  describeTradeState,
  fenToYuan,
  type RefundState,
  type TradeState,
} from "@paybridge/core/provider-kit";
import type { Difference, ReconcileResult } from "../reconcile-result.js";

const signedYuan = (fen: number) => (fen < 0 ? `-${fenToYuan(-fen)}` : fenToYuan(fen));
const yuanOrBlank = (fen: number | undefined) => (fen === undefined ? "" : signedYuan(fen));
const stateText = (d: Difference, s: number | undefined) =>
  s === undefined
    ? ""
    : d.record === "payment"
      ? describeTradeState(s as TradeState)
      : describeRefundState(s as RefundState);

/** The result as JSON text; amounts stay integer fen. */
export function reconcileToJson(result: ReconcileResult): string {
  return JSON.stringify(result, null, 2);
}

const CSV_HEADER = [
  "kind",
  "record",
  "out_trade_no",
  "out_refund_no",
  "bill_line",
  "bill_amount_fen",
  "ledger_amount_fen",
  "bill_state",
  "ledger_state",
];

// RFC 4180 quoting: order numbers are merchant text and may hold commas or quotes.
const csvCell = (v: string | number | undefined) => {
  const s = v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** One CSV line per difference, amounts in fen, states as unified numbers. */
export function reconcileToCsv(result: ReconcileResult): string {
  const lines = [CSV_HEADER.join(",")];
  for (const d of result.differences) {
    lines.push(
      [
        d.kind,
        d.record,
        d.outTradeNo,
        d.outRefundNo,
        d.billLine,
        d.billAmountFen,
        d.ledgerAmountFen,
        d.billState,
        d.ledgerState,
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

/** A table for people: totals in yuan, then every difference. */
export function reconcileToTable(result: ReconcileResult): string {
  const out: string[] = [];
  out.push(`${result.provider} merchant ${result.merchantId} on ${result.date} (${result.currency})`);
  out.push(`matched ${result.matched}, differences ${result.differences.length}`);
  const totals = [
    ["", "payments", "payment yuan", "refunds", "refund yuan", "fee yuan", "net yuan"],
    ...(["bill", "ledger"] as const).map((side) => {
      const t = result[side];
      return [
        side,
        String(t.payments),
        signedYuan(t.paymentFen),
        String(t.refunds),
        signedYuan(t.refundFen),
        signedYuan(t.feeFen),
        signedYuan(t.netFen),
      ];
    }),
  ];
  out.push(...grid(totals));
  if (result.differences.length > 0) {
    out.push("");
    const rows = [
      [
        "difference",
        "record",
        "out_trade_no",
        "out_refund_no",
        "bill line",
        "bill yuan",
        "ledger yuan",
        "bill state",
        "ledger state",
      ],
      ...result.differences.map((d) => [
        d.kind,
        d.record,
        d.outTradeNo,
        d.outRefundNo ?? "",
        d.billLine === undefined ? "" : String(d.billLine),
        yuanOrBlank(d.billAmountFen),
        yuanOrBlank(d.ledgerAmountFen),
        stateText(d, d.billState),
        stateText(d, d.ledgerState),
      ]),
    ];
    out.push(...grid(rows));
  }
  return `${out.join("\n")}\n`;
}

function grid(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd((widths[i] ?? 0) + c.length - [...c].length))
      .join("  ")
      .trimEnd(),
  );
}
