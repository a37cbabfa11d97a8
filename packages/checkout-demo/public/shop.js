// The demo shop's one page: the buyer names the order and its amount and goes to the cashier.
import { api } from "./lib/api.js";
import { applyLang, currentLang, langToggle } from "./lib/i18n.js";

const form = document.getElementById("order-form");
const error = document.getElementById("form-error");
langToggle(document.getElementById("lang"));
applyLang();

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  try {
    const { id } = await api("POST", "/api/checkout", {
      description: form.description.value,
      amountYuan: form.amount.value.trim(),
    });
    location.assign(`/pay/${encodeURIComponent(id)}`);
  } catch (e) {
    error.textContent = e.shop[currentLang()];
  }
});
