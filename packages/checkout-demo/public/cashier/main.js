// The cashier (收银台): asks the server for the checkout once a second and shows the pay view
// until the order is paid, failed or closed, then the result page. The pay view is built once;
// only the countdown ticks, so nothing moves under the buyer's finger.
import { api } from "../lib/api.js";
import { applyLang, currentLang, langToggle, onLangChange } from "../lib/i18n.js";
import { countdown } from "./countdown.js";
import { payView } from "./view-pay.js";
import { resultView } from "./view-result.js";

const root = document.getElementById("cashier");
const id = decodeURIComponent(location.pathname.split("/").pop() ?? "");
let shown = "";
let timer;
let clock;

langToggle(document.getElementById("lang"));
onLangChange(() => clock?.redraw());

function showError(e) {
  const el = document.getElementById("pay-error");
  if (el) el.textContent = e.shop ? e.shop[currentLang()] : String(e.message);
}

async function act(what, option) {
  try {
    if (what === "cancel") await api("POST", `/api/checkout/${id}/cancel`);
    else if (what === "pay" && option.kind === "wallet" && window.WeixinJSBridge) {
      // Inside WeChat: the wallet's own sheet takes the JSAPI parameters the server prepared.
      window.WeixinJSBridge.invoke("getBrandWCPayRequest", option.params, () => load());
      return;
    } else await api("POST", `/api/checkout/${id}/sandbox-${what}`, { channel: option.channel });
    await load();
  } catch (e) {
    showError(e);
  }
}

async function load() {
  let checkout;
  try {
    checkout = await api("GET", `/api/checkout/${encodeURIComponent(id)}`);
  } catch (e) {
    root.replaceChildren();
    const p = document.createElement("p");
    p.className = "card error-text";
    p.setAttribute("role", "alert");
    p.textContent = e.shop[currentLang()];
    root.append(p);
    return;
  }
  if (checkout.status === shown) return;
  shown = checkout.status;
  clock?.stop();
  if (checkout.status === "pending") {
    const { view, countdownEl } = payView(checkout, act);
    root.replaceChildren(view);
    root.classList.toggle(
      "wide",
      checkout.options.every((o) => o.kind === "qr"),
    );
    clock = countdown(countdownEl, checkout.remainingMs, () => load());
  } else {
    root.replaceChildren(resultView(checkout));
    root.classList.remove("wide");
    clearInterval(timer);
  }
  document.body.dataset.status = checkout.status;
  applyLang();
}

applyLang();
await load();
if (shown === "pending") timer = setInterval(() => load().catch(() => {}), 1000);
