import { h } from "../lib/dom.js";
import { currentLang, onLangChange, t } from "../lib/i18n.js";

/**
 * Errors for one order, in words for the shop owner. Each stays until its Dismiss button is
 * pressed: live updates of the order never touch this list.
 */
export function errorList() {
  const el = h("div", { class: "errors" });
  const shown = [];
  onLangChange((lang) => {
    for (const { p, message, dismiss } of shown) {
      p.textContent = message[lang];
      dismiss.textContent = t("dismiss");
    }
  });
  return {
    el,
    add(message, code) {
      const p = h("p", {}, message[currentLang()]);
      const dismiss = h("button", { type: "button", dataset: { dismiss: "" } }, t("dismiss"));
      const box = h("div", { class: "error-box", role: "alert", dataset: { code } }, p, dismiss);
      const entry = { p, message, dismiss };
      dismiss.addEventListener("click", () => {
        box.remove();
        shown.splice(shown.indexOf(entry), 1);
      });
      shown.push(entry);
      el.append(box);
    },
  };
}
