import { h, setText, show } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { stateBadge, updateBadge } from "../lib/states.js";
import { errorList } from "./view-errors.js";
import { refundRow } from "./view-refund.js";

/**
 * One order card: what was bought, the amount in yuan, the trade state, its refunds and a refund
 * form. `update` changes only what differs; the form's input and the error list are never rebuilt.
 */
export function orderCard(order, act) {
  const no = order.outTradeNo;
  const badge = stateBadge("t");
  const refundable = h("span", { class: "muted" });
  const refunds = h("ul", { class: "refunds", "aria-label": t("refunds") });
  const rows = new Map();
  const errors = errorList();
  const inputId = `refund-amount-${no}`;
  const input = h("input", {
    id: inputId,
    inputmode: "decimal",
    autocomplete: "off",
    dataset: { refundAmount: no },
  });
  const label = h("label", { for: inputId });
  const button = h("button", { type: "submit", class: "danger" });
  const form = h(
    "form",
    { class: "refund-form", novalidate: true, dataset: { refundForm: no } },
    h("div", { class: "field" }, label, input),
    button,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act("refund", no, button, input.value.trim(), errors);
  });
  const el = h(
    "article",
    { class: "card order", dataset: { orderRow: no } },
    h(
      "header",
      {},
      h(
        "div",
        {},
        h("div", { class: "desc-line", dataset: { description: "" } }, order.description),
        h("div", { class: "mono" }, no),
      ),
      h("div", { class: "amount-line" }, `¥${order.amountYuan}`),
    ),
    h("p", { class: "muted" }, `${order.provider} · ${order.merchantId} · ${order.channel}`),
    h("div", { class: "summary" }, badge.el, refundable),
    refunds,
    form,
    errors.el,
  );
  const update = (o) => {
    updateBadge(badge, o.trade);
    setText(refundable, `${t("refundable")} ¥${o.refundableYuan}`);
    setText(label, t("refundAmount"));
    setText(button, t("requestRefund"));
    refunds.setAttribute("aria-label", t("refunds"));
    show(form, o.trade.state === 3 || o.trade.state === 4);
    for (const r of o.refunds) {
      const row = rows.get(r.outRefundNo);
      if (row) row.update(r);
      else {
        const created = refundRow(r, (what, refundNo, b) => act(what, refundNo, b, undefined, errors));
        rows.set(r.outRefundNo, created);
        refunds.append(created.el);
      }
    }
    show(refunds, o.refunds.length > 0);
  };
  update(order);
  return { el, update };
}
