import { REFUND_STATE_INFO, type RefundState } from "@paybridge/core";
import type { OrderView } from "./views.js";

const pad = (text: string, width: number) => {
  // CJK characters take two columns in a terminal.
  const columns = [...text].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  return text + " ".repeat(Math.max(0, width - columns));
};

/** The unified states of every order and refund, as a plain-text table. */
export function formatReport(rows: readonly OrderView[]): string {
  const lines: string[] = [];
  const header = `${pad("order", 22)}${pad("merchant", 10)}${pad("amount", 9)}${pad("trade state", 24)}raw`;
  lines.push(header, "-".repeat(header.length + 14));
  for (const o of rows) {
    const t = o.trade;
    lines.push(
      `${pad(o.outTradeNo, 22)}${pad(o.merchantId, 10)}${pad(o.amountYuan, 9)}${pad(`${t.state} ${t.name} ${t.label}`, 24)}${t.rawStatus}`,
    );
    const counts = new Map<number, number>();
    for (const r of o.refunds) counts.set(r.refund.state, (counts.get(r.refund.state) ?? 0) + 1);
    const shown = o.refunds.length > 4 ? o.refunds.slice(0, 3) : o.refunds;
    for (const r of shown) {
      const info = REFUND_STATE_INFO[r.refund.state as RefundState];
      lines.push(
        `  └ ${pad(r.outRefundNo, 30)}${pad(r.amountYuan, 9)}${pad(`${r.refund.state} ${info.name} ${info.label}`, 24)}${r.refund.rawStatus}${r.attempts > 1 ? `  (${r.attempts} attempts)` : ""}`,
      );
    }
    if (shown.length < o.refunds.length) {
      const summary = [...counts]
        .map(([s, n]) => `${n} × ${s} ${REFUND_STATE_INFO[s as RefundState].name}`)
        .join(", ");
      lines.push(`  └ … ${o.refunds.length} refunds in all: ${summary}`);
    }
  }
  return lines.join("\n");
}
