import { h, setText, show } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { stateBadge, updateBadge } from "../lib/states.js";

/** One refund of an order: number, amount, state, and the actions its state allows. Updated in place. */
export function refundRow(refund, act) {
  const no = refund.outRefundNo;
  const amount = h("strong");
  const badge = stateBadge("r");
  const approve = h("button", { type: "button", dataset: { act: "approve", refundNo: no } });
  const reject = h("button", {
    type: "button",
    class: "secondary",
    dataset: { act: "reject", refundNo: no },
  });
  const submit = h("button", { type: "button", dataset: { act: "submit", refundNo: no } });
  for (const [button, name] of [
    [approve, "approve"],
    [reject, "reject"],
    [submit, "submit"],
  ]) {
    button.addEventListener("click", () => act(name, no, button));
  }
  const note = h("span", { class: "muted" });
  const el = h(
    "li",
    { dataset: { refund: no } },
    h("span", { class: "mono" }, no),
    amount,
    badge.el,
    h("span", { class: "refund-actions" }, approve, reject, submit),
    note,
  );
  const update = (r) => {
    setText(amount, `¥${r.amountYuan}`);
    updateBadge(badge, r.refund);
    setText(approve, t("approve"));
    setText(reject, t("reject"));
    setText(submit, t("submitAgain"));
    show(approve, r.refund.state === 0);
    show(reject, r.refund.state === 0);
    // Not accepted by the provider yet: the shop owner may send it again (same number, same amount).
    show(submit, r.refund.state === 2);
    setText(note, r.refund.state === 2 && r.lastError ? `${t("lastError")} ${r.lastError}` : "");
  };
  update(refund);
  return { el, update };
}
