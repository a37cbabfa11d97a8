import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

const ICON = { paid: "✓", failed: "!", closed: "×" };

/** The result page for paid, failed or closed: the outcome first, then the amount and the order. */
export function resultView(checkout) {
  const s = checkout.status;
  return h(
    "section",
    { class: `card result ${s}`, id: "result", dataset: { status: s } },
    h("div", { class: "icon", "aria-hidden": "true" }, ICON[s]),
    h("h2", { "data-i18n": s }, t(s)),
    h("p", { class: "amount-line" }, `¥${checkout.amountYuan}`),
    h("p", { class: "desc" }, checkout.description),
    h("p", { class: "muted", "data-i18n": `${s}Text` }, t(`${s}Text`)),
    h("p", { class: "muted desc" }, h("span", { "data-i18n": "orderNo" }, t("orderNo")), ` ${checkout.id}`),
    h(
      "div",
      { class: "bottom-actions" },
      h("a", { href: "/", class: "button-link", "data-i18n": "backToShop" }, t("backToShop")),
    ),
  );
}
