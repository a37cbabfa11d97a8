import { formatYuan } from "../shared/yuan.js";
import type { SandboxTrade } from "./ledger.js";

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** The page where a person plays the buyer: pay, or fail the attempt. */
export function cashierPage(trade: SandboxTrade): string {
  const payable = trade.status === "WAIT_BUYER_PAY";
  const buttons = payable
    ? `<form method="post" action="/cashier/${trade.tradeNo}/pay"><button id="pay" type="submit">确认付款 Pay ¥${formatYuan(trade.totalFen)}</button></form>
       <form method="post" action="/cashier/${trade.tradeNo}/fail"><button id="fail" type="submit">支付失败 Fail this attempt</button></form>`
    : `<p id="status">${escapeHtml(trade.status)}</p>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>支付宝收银台 (PayBridge sandbox)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
.amount{font-size:2rem;margin:.5rem 0}button{font-size:1rem;padding:.6rem 1.2rem;margin:.4rem 0;width:100%}
.note{color:#666;font-size:.85rem}</style></head>
<body><h1>支付宝收银台</h1><p class="note">PayBridge Alipay sandbox: no real money moves.</p>
<p>${escapeHtml(trade.subject)}</p><p class="amount">¥${formatYuan(trade.totalFen)}</p>
<p class="note">商户订单号 ${escapeHtml(trade.outTradeNo)} · 交易号 ${trade.tradeNo}${trade.failedAttempts ? ` · ${trade.failedAttempts} failed attempt(s)` : ""}</p>
${buttons}
</body></html>`;
}

export function resultPage(title: string, detail: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:sans-serif;max-width:28rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1><p id="detail">${escapeHtml(detail)}</p></body></html>`;
}
