// The cashier page: plain DOM, no build step. It polls the demo server, which holds the state.
const $ = (id) => document.getElementById(id);
let sandbox = false;

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message || `${res.status}`);
  return data;
}

const stateBadge = (kind, s) =>
  `<span class="state ${kind}${s.state}" data-state="${s.state}">${s.state} ${s.name} ${s.label}</span>` +
  (s.rawStatus ? ` <span class="raw">${s.rawStatus}</span>` : "");

function payCell(order) {
  const a = order.action;
  let html = "";
  if (a?.type === "qr_code")
    html += `<img alt="QR code" src="/api/orders/${order.outTradeNo}/qr.svg"><div class="raw">${a.content.slice(0, 48)}</div>`;
  else if (a?.type === "redirect") html += `<a href="${a.url}" target="_blank" rel="noopener">pay link</a>`;
  else if (a?.type === "client_params")
    html += `<code class="raw">${Object.keys(a.params).join(", ")}</code>`;
  if (sandbox && order.trade.state === 0)
    html += `<div><button type="button" data-act="pay" data-order="${order.outTradeNo}">Pay as buyer</button></div>`;
  return `<div class="pay">${html}</div>`;
}

function refundCell(order) {
  const rows = order.refunds
    .map(
      (
        r,
      ) => `<div data-refund="${r.outRefundNo}">${r.outRefundNo}: ${r.amountYuan} ${stateBadge("r", r.refund)}
        ${r.refund.state === 0 ? `<button type="button" data-act="approve" data-refund-no="${r.outRefundNo}">Approve</button><button type="button" class="secondary" data-act="reject" data-refund-no="${r.outRefundNo}">Reject</button>` : ""}
        ${r.lastError ? `<div class="error">${r.lastError}</div>` : ""}</div>`,
    )
    .join("");
  const form =
    order.trade.state === 3 || order.trade.state === 4
      ? `<div class="refund-form"><input placeholder="yuan" data-refund-amount="${order.outTradeNo}"><button type="button" class="danger" data-act="refund" data-order="${order.outTradeNo}">Request refund</button></div><div class="error" data-refund-error="${order.outTradeNo}"></div>`
      : "";
  return rows + form;
}

async function refresh() {
  const { orders, mode } = await api("GET", "/api/orders");
  sandbox = mode === "sandbox";
  $("mode").textContent = mode === "sandbox" ? "sandbox mode: simulators on loopback" : mode;
  const focused = document.activeElement?.dataset?.refundAmount;
  const kept = focused ? document.activeElement.value : undefined;
  $("orders").innerHTML = orders
    .map(
      (
        o,
      ) => `<tr data-order-row="${o.outTradeNo}"><td>${o.outTradeNo}<div class="raw">${o.description}</div></td>
        <td>${o.provider}<div class="raw">${o.merchantId}</div></td><td>${o.amountYuan}</td>
        <td>${stateBadge("s", o.trade)}</td><td>${payCell(o)}</td><td>${refundCell(o)}</td></tr>`,
    )
    .join("");
  if (focused) {
    const input = document.querySelector(`[data-refund-amount="${focused}"]`);
    if (input) {
      input.value = kept;
      input.focus();
    }
  }
}

$("create").addEventListener("click", async () => {
  $("create-error").textContent = "";
  try {
    await api("POST", "/api/orders", {
      description: $("description").value,
      amountYuan: $("amount").value,
      channel: $("channel").value,
    });
    await refresh();
  } catch (e) {
    $("create-error").textContent = e.message;
  }
});

document.addEventListener("click", async (event) => {
  const b = event.target.closest("button[data-act]");
  if (!b) return;
  b.disabled = true;
  try {
    if (b.dataset.act === "pay") await api("POST", `/api/orders/${b.dataset.order}/sandbox-pay`);
    if (b.dataset.act === "approve") await api("POST", `/api/refunds/${b.dataset.refundNo}/approve`);
    if (b.dataset.act === "reject") await api("POST", `/api/refunds/${b.dataset.refundNo}/reject`);
    if (b.dataset.act === "refund") {
      const no = b.dataset.order;
      const amountYuan = document.querySelector(`[data-refund-amount="${no}"]`).value;
      try {
        await api("POST", `/api/orders/${no}/refunds`, { amountYuan });
      } catch (e) {
        await refresh();
        document.querySelector(`[data-refund-error="${no}"]`).textContent = e.message;
        return;
      }
    }
    await refresh();
  } finally {
    b.disabled = false;
  }
});

refresh();
setInterval(() => refresh().catch(() => {}), 1000);
