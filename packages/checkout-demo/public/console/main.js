// The merchant console: one server-sent-events stream of order snapshots; each snapshot is
// applied in place (cards and refund rows keyed by their numbers), so buttons, inputs and error
// messages under the shop owner's cursor stay where they are.
import { api } from "../lib/api.js";
import { setText } from "../lib/dom.js";
import { applyLang, currentLang, langToggle, onLangChange, t } from "../lib/i18n.js";
import { orderCard } from "./view-order.js";

const list = document.getElementById("orders");
const status = document.getElementById("feed-status");
const cards = new Map();
let last;
let connected = false;

async function act(what, no, button, amountYuan, errors) {
  button.disabled = true;
  try {
    if (what === "refund") await api("POST", `/api/orders/${encodeURIComponent(no)}/refunds`, { amountYuan });
    else await api("POST", `/api/refunds/${encodeURIComponent(no)}/${what}`);
  } catch (e) {
    errors.add(e.shop, e.code);
  } finally {
    button.disabled = false;
  }
}

function apply(orders) {
  last = orders;
  let previous = null;
  for (const o of orders) {
    let card = cards.get(o.outTradeNo);
    if (card) card.update(o);
    else {
      card = orderCard(o, act);
      cards.set(o.outTradeNo, card);
      // Newest first: a new order goes before the ones already shown; nothing else moves.
      if (previous) previous.el.after(card.el);
      else list.prepend(card.el);
    }
    previous = card;
  }
  document.getElementById("empty").hidden = orders.length > 0;
}

function drawStatus() {
  setText(status, connected ? t("live") : t("offline"));
}

langToggle(document.getElementById("lang"));
onLangChange(() => {
  drawStatus();
  if (last) apply(last);
});
applyLang();

try {
  await api("GET", "/api/orders");
  const events = new EventSource("/api/orders/events");
  events.addEventListener("orders", (event) => {
    connected = true;
    drawStatus();
    apply(JSON.parse(event.data).orders);
  });
  events.addEventListener("error", () => {
    connected = false;
    drawStatus();
  });
} catch (e) {
  const el = document.getElementById("auth-error");
  el.hidden = false;
  el.textContent = e.shop[currentLang()];
}
